import { expect, test } from "bun:test";
import { createMetricsRegistry } from "./metrics.ts";

test("the default metrics leave out the misnamed gauges and the per-heap-space ones (a heap walk per scrape under Bun)", async () => {
  const registry = createMetricsRegistry("test");
  const names = registry.getMetricsAsArray().map((m) => m.name);
  expect(names).toContain("cairn_nodejs_heap_size_used_bytes");
  expect(names).toContain("cairn_process_cpu_seconds_total");
  expect(names.filter((n) => n.startsWith("cairn_nodejs_heap_space_") || /^cairn_nodejs_active_(handles|requests|resources)_total$/.test(n))).toEqual([]);
  const text = await registry.metrics();
  expect(text).toContain('cairn_nodejs_heap_size_used_bytes{service="test"}');
  expect(text).not.toContain("heap_space");
});
