/**
 * The monitoring that ships (Prometheus scrape config, alert rules, Grafana dashboard) refers
 * only to metrics the services export and to targets compose.yaml defines. `promtool check
 * rules` / `promtool test rules` run in .ci/run; this checks what promtool cannot know.
 */
import { describe, expect, test } from "bun:test";
import { Glob } from "bun";

const root = new URL("../../", import.meta.url).pathname;
const read = (path: string) => Bun.file(root + path).text();

/** Every metric name declared with `name: "cairn_…"` in non-test sources, with its type. */
async function exportedMetrics(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const pattern of ["packages/*/src/**/*.ts", "services/*/src/**/*.ts", "gateway/src/**/*.ts"]) {
    for await (const path of new Glob(pattern).scan(root)) {
      if (path.endsWith(".test.ts") || path.includes("/testing/")) continue;
      const text = await read(path);
      for (const m of text.matchAll(/new prom\.(Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*"(cairn_[a-z0-9_]+)"/g)) out.set(m[2]!, m[1]!);
      // Metrics registered through a helper (`{ name: "cairn_…", help: … }` passed on to a histogram).
      for (const m of text.matchAll(/\{\s*name:\s*"(cairn_[a-z0-9_]+)",\s*help:/g)) if (!out.has(m[1]!)) out.set(m[1]!, m[1]!.endsWith("_seconds") ? "Histogram" : "Counter");
      // Gauges made by a helper taking the name first (`lagGauge("cairn_…", help, …)`).
      for (const m of text.matchAll(/[a-zA-Z]+\(\s*"(cairn_[a-z0-9_]+)",\s*"/g)) if (!out.has(m[1]!)) out.set(m[1]!, "Gauge");
    }
  }
  return out;
}

/** Names a series selector may use for `metrics` (histograms add _bucket, _sum, _count). */
function selectable(metrics: Map<string, string>): Set<string> {
  const names = new Set<string>(["up"]);
  for (const [name, type] of metrics) {
    names.add(name);
    if (type === "Histogram" || type === "Summary") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
  }
  return names;
}

/** Metric names in a PromQL expression: identifiers not followed by `(` and not label names or keywords. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, "{}")
    .replace(/\[[^\]]*\]/g, "[]")
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, " ");
  const words = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:]*\s*\()/g) ?? [];
  const keywords = new Set(["and", "or", "unless", "bool", "offset", "group_left", "group_right"]);
  return words.filter((w) => !keywords.has(w));
}

interface Rules {
  groups: { rules: { alert: string; expr: string }[] }[];
}

describe("monitoring", async () => {
  const metrics = await exportedMetrics();
  const known = selectable(metrics);
  const rules = Bun.YAML.parse(await read("deploy/monitoring/alerts.yml")) as Rules;
  const dashboard = JSON.parse(await read("deploy/monitoring/grafana/dashboards/cairn.json")) as { panels: { title: string; targets: { expr: string }[] }[] };

  test("the services declare the metrics the dashboard is built on", () => {
    for (const name of ["cairn_chain_head_height", "cairn_chain_lib_height", "cairn_chain_head_block_age_seconds", "cairn_mempool_pending_transactions", "cairn_jetstream_consumer_pending_messages", "cairn_gateway_request_duration_seconds", "cairn_database_up", "cairn_nats_connected"]) {
      expect(metrics.has(name)).toBe(true);
    }
  });

  test("alert rules: a stale head, lagging consumers, a database down; known metrics only", () => {
    const alerts = rules.groups.flatMap((g) => g.rules);
    expect(alerts.map((r) => r.alert)).toEqual(expect.arrayContaining(["CairnHeadStale", "CairnConsumerLagging", "CairnDatabaseDown"]));
    for (const rule of alerts) {
      const used = metricsIn(rule.expr);
      expect(used.length).toBeGreaterThan(0);
      for (const name of used) expect({ rule: rule.alert, name, known: known.has(name) }).toEqual({ rule: rule.alert, name, known: true });
    }
  });

  test("dashboard: head/LIB, tx/s, mempool, consumer lag, latency panels on known metrics only", () => {
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join("\n");
    for (const topic of ["head", "lib", "transactions per second", "mempool", "consumer lag", "latency"]) expect(titles).toContain(topic);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const name of metricsIn(target.expr)) expect({ panel: panel.title, name, known: known.has(name) }).toEqual({ panel: panel.title, name, known: true });
      }
    }
  });

  test("Prometheus scrapes every Cairn service of compose.yaml on its metrics port", async () => {
    const compose = Bun.YAML.parse(await read("compose.yaml")) as { services: Record<string, { command?: string[]; expose?: string[]; ports?: string[] }> };
    const prometheus = Bun.YAML.parse(await read("deploy/monitoring/prometheus.yml")) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    const cairn = Object.entries(compose.services).filter(([, s]) => s.command?.[0] === "bun" && s.command[1]?.endsWith("/main.ts"));
    expect(cairn.map(([name]) => name).sort()).toEqual(["account_history", "block_producer", "block_store", "chain", "jsonrpc", "mempool"]);
    for (const [name, service] of cairn) {
      const port = service.expose?.[0] ?? "8080";
      expect(targets).toContain(`${name}:${port}`);
    }
  });
});
