import { afterAll, describe, expect, test } from "bun:test";
import { caught as caughtError } from "@cairn/test-utils";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { configLeaves } from "../schema-leaves.ts";
import { fileLayer, readConfigFile, sectionNames } from "./file.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-config-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const leaves = configLeaves(
  z.object({
    logLevel: z.string().default("info"),
    batchSize: z.number().default(1),
    maxSupply: z.bigint().default(0n),
    jsonrpc: z.object({ batchLimit: z.number().default(10) }).prefault({}),
  }),
);

const caught = (fn: () => unknown) => caughtError(fn, ConfigError);

describe("reading the file", () => {
  test("YAML (Bun's parser) and JSON give the same document", () => {
    const yaml = write("a.yaml", "global:\n  log-level: debug\nchain:\n  batch-size: 5\n");
    const json = write("a.json", JSON.stringify({ global: { "log-level": "debug" }, chain: { "batch-size": 5 } }));
    expect(readConfigFile(yaml, "test")).toEqual(readConfigFile(json, "test"));
  });

  test("an empty file is an empty config", () => {
    expect(readConfigFile(write("empty.yml", ""), "test")).toEqual({});
  });

  test("missing, unparsable or non-mapping files are config.file errors naming the file", () => {
    const missing = caught(() => readConfigFile(join(dir, "nope.yaml"), "flag --config"));
    expect(missing.code).toBe("config.file");
    expect(missing.message).toContain("nope.yaml (from flag --config)");
    expect(caught(() => readConfigFile(write("bad.json", "{oops"), "test")).message).toContain("cannot parse config file");
    expect(caught(() => readConfigFile(write("bad.yaml", "global: [unclosed"), "test")).code).toBe("config.file");
    expect(caught(() => readConfigFile(write("list.yaml", "- a\n- b\n"), "test")).message).toContain("must hold a mapping");
  });
});

describe("sections", () => {
  test("global first, then the service's own section; keys in any spelling", () => {
    const doc = { global: { log_level: "warn", batchSize: 2 }, chain: { "batch-size": 3, jsonrpc: { "batch-limit": 7 } }, mempool: { whatever: 1 } };
    const entries = fileLayer(doc, "c.yaml", "chain", leaves);
    expect(entries.map((e) => [e.path.join("."), e.value])).toEqual([
      ["logLevel", "warn"],
      ["batchSize", 2],
      ["batchSize", 3],
      ["jsonrpc.batchLimit", 7],
    ]);
    expect(entries[2]!.source).toEqual({ kind: "file", file: "c.yaml", key: "chain.batch-size" });
  });

  test("a hyphenated service's section may be spelled three ways", () => {
    expect(sectionNames("block-store")).toEqual(["block-store", "block_store", "blockStore"]);
    const entries = fileLayer({ block_store: { batchSize: 4 } }, "c.yaml", "block-store", leaves);
    expect(entries.map((e) => e.value)).toEqual([4]);
  });

  test("bigint leaves accept integers and digit strings", () => {
    const entries = fileLayer({ chain: { maxSupply: "18446744073709551615" } }, "c.yaml", "chain", leaves);
    expect(entries[0]!.value).toBe(18446744073709551615n);
  });

  test("unknown keys in the service section are errors; in global they are ignored", () => {
    expect(fileLayer({ global: { someOtherServiceKey: 1 } }, "c.yaml", "chain", leaves)).toEqual([]);
    const err = caught(() => fileLayer({ chain: { batchSise: 3 } }, "c.yaml", "chain", leaves));
    expect(err.code).toBe("config.unknown_key");
    expect(err.message).toBe("unknown config key chain.batchSise (from file c.yaml (chain.batchSise))");
    const nested = caught(() => fileLayer({ chain: { jsonrpc: { limit: 3 } } }, "c.yaml", "chain", leaves));
    expect(nested.message).toContain("chain.jsonrpc.limit");
  });

  test("a key outside any section is pointed out", () => {
    const err = caught(() => fileLayer({ "log-level": "debug" }, "c.yaml", "chain", leaves));
    expect(err.message).toBe('config key log-level in file c.yaml must sit in a section: "global:" or "chain:"');
  });

  test("a section given a scalar is an error", () => {
    expect(caught(() => fileLayer({ chain: { jsonrpc: 5 } }, "c.yaml", "chain", leaves)).message).toContain("chain.jsonrpc");
    expect(caught(() => fileLayer({ chain: 5 }, "c.yaml", "chain", leaves)).message).toContain('section "chain"');
  });
});
