/** Logger formats: JSON lines without duplicate keys; the pretty format, one readable line per event. */
import { expect, test } from "bun:test";
import { createLogger, defaultLogFormat } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(...s.split("\n").filter(Boolean)) } };
}

test("a key bound by a child logger and passed again appears once (a differing value as <key>_)", () => {
  const out = capture();
  const log = createLogger({ name: "chain", destination: out.destination }).child({ module: "db", schema: "chain" });
  log.info({ schema: "chain", migration: "0001" }, "migration applied");
  log.warn({ schema: "other" }, "differs");
  for (const line of out.lines) expect(line.match(/"schema":/g)).toHaveLength(1);
  expect(JSON.parse(out.lines[0]!)).toMatchObject({ name: "chain", module: "db", schema: "chain", migration: "0001", msg: "migration applied" });
  expect(JSON.parse(out.lines[1]!)).toMatchObject({ schema: "chain", schema_: "other" });
});

test("pretty: time, level, service and module, message, context on one line; no colours off a terminal", () => {
  const out = capture();
  createLogger({ name: "chain", format: "pretty", destination: out.destination }).child({ module: "db" }).warn({ what: "postgres", attempt: 2 }, "waiting for dependency");
  expect(out.lines).toHaveLength(1);
  expect(out.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: chain db: waiting for dependency \{"what":"postgres","attempt":2\}$/);
});

test("the default format follows the terminal", () => {
  expect(defaultLogFormat({ isTTY: true })).toBe("pretty");
  expect(defaultLogFormat({ isTTY: false })).toBe("json");
  expect(defaultLogFormat({})).toBe("json");
});
