import { afterAll, describe, expect, test } from "bun:test";
import { caught as caughtError } from "@cairn/test-utils";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { commonOptions } from "./common-options.ts";
import { ConfigError } from "./errors.ts";
import { loadConfig, type LoadConfigOptions } from "./load-config.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const schema = commonOptions({ service: "chain", grpcPort: 50051, metricsPort: 9451 }).extend({
  irreversibleThreshold: z.number().int().positive().default(60),
  verifyBlocks: z.boolean().default(true),
  maxSupply: z.bigint().default(0n),
  forkAlgorithm: z.enum(["fifo", "pob", "block-time"]).default("fifo"),
  jsonrpc: z.object({ batchLimit: z.number().int().default(50) }).prefault({}),
});

/** loadConfig with nothing from the real process. */
function load(opts: Partial<LoadConfigOptions<typeof schema>> = {}) {
  return loadConfig({ service: "chain", schema, argv: [], env: {}, ...opts });
}

const caught = (fn: () => unknown) => caughtError(fn, ConfigError);

const file = write(
  "node.yaml",
  [
    "global:",
    "  log-level: warn",
    "  irreversible-threshold: 10",
    "  database-url: postgres://db/global",
    "chain:",
    "  irreversible-threshold: 20",
    "  fork-algorithm: pob",
    "  jsonrpc:",
    "    batch-limit: 7",
    "mempool:",
    "  anything: goes",
    "",
  ].join("\n"),
);

describe("layering (later wins)", () => {
  test("defaults only", () => {
    expect(load()).toEqual({
      logLevel: "info",
      databaseUrl: "pglite://./data/chain",
      grpcHost: "127.0.0.1",
      natsStream: "KOINOS",
      natsSubjectPrefix: "",
      grpcPort: 50051,
      metricsPort: 9451,
      irreversibleThreshold: 60,
      verifyBlocks: true,
      maxSupply: 0n,
      forkAlgorithm: "fifo",
      jsonrpc: { batchLimit: 50 },
    });
  });

  test("the defaults option sits above the schema defaults and below the file", () => {
    expect(load({ defaults: { grpcPort: 1, jsonrpc: { batchLimit: 2 } } })).toMatchObject({ grpcPort: 1, jsonrpc: { batchLimit: 2 } });
    expect(load({ defaults: { irreversibleThreshold: 1 }, configFile: file }).irreversibleThreshold).toBe(20);
  });

  test("file: global, then the service section", () => {
    expect(load({ configFile: file })).toMatchObject({
      logLevel: "warn",
      databaseUrl: "postgres://db/global",
      irreversibleThreshold: 20,
      forkAlgorithm: "pob",
      jsonrpc: { batchLimit: 7 },
    });
  });

  test("env over file; CAIRN_<SERVICE>_ over conventional names", () => {
    const env = {
      LOG_LEVEL: "debug",
      CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD: "30",
      DATABASE_URL: "postgres://db/conventional",
      CAIRN_CHAIN_DATABASE_URL: "postgres://db/chain",
      NATS_URL: "nats://127.0.0.1:4222",
      CAIRN_CHAIN_MAX_SUPPLY: "18446744073709551615",
      CAIRN_CHAIN_VERIFY_BLOCKS: "false",
    };
    expect(load({ configFile: file, env })).toMatchObject({
      logLevel: "debug",
      irreversibleThreshold: 30,
      databaseUrl: "postgres://db/chain",
      natsUrl: "nats://127.0.0.1:4222",
      maxSupply: 18446744073709551615n,
      verifyBlocks: false,
    });
  });

  test("flags over everything", () => {
    const config = load({
      configFile: file,
      env: { CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD: "30", CAIRN_CHAIN_VERIFY_BLOCKS: "true" },
      argv: ["--irreversible-threshold", "40", "--no-verify-blocks", "--jsonrpc.batch-limit=9", "--log-level=error"],
    });
    expect(config).toMatchObject({ irreversibleThreshold: 40, verifyBlocks: false, jsonrpc: { batchLimit: 9 }, logLevel: "error" });
  });

  test("the result is typed by the schema", () => {
    const config = load();
    const threshold: number = config.irreversibleThreshold;
    const supply: bigint = config.maxSupply;
    expect([threshold, supply]).toEqual([60, 0n]);
  });
});

describe("choosing the config file", () => {
  const other = write("other.json", JSON.stringify({ chain: { irreversibleThreshold: 99 } }));
  const third = write("third.yml", "chain:\n  irreversible-threshold: 98\n");

  test("--config beats CAIRN_CONFIG beats the configFile option", () => {
    expect(load({ configFile: file }).irreversibleThreshold).toBe(20);
    expect(load({ configFile: file, env: { CAIRN_CONFIG: other } }).irreversibleThreshold).toBe(99);
    expect(load({ configFile: file, env: { CAIRN_CONFIG: other }, argv: ["--config", third] }).irreversibleThreshold).toBe(98);
  });

  test("a named file that does not exist stops loading, saying who named it", () => {
    const err = caught(() => load({ env: { CAIRN_CONFIG: join(dir, "missing.yaml") } }));
    expect(err.code).toBe("config.file");
    expect(err.message).toContain("(from env CAIRN_CONFIG)");
  });
});

describe("error messages name the key and the source", () => {
  test("env value of the wrong type", () => {
    const err = caught(() => load({ env: { CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD: "soon" } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe("config.invalid");
    expect(err.message).toBe(
      "invalid config chain.irreversibleThreshold (from env CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD): expected number, received string",
    );
    expect(err.data.issues).toEqual([
      { key: "chain.irreversibleThreshold", source: "env CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD", message: err.message },
    ]);
  });

  test("global env value", () => {
    expect(caught(() => load({ env: { LOG_LEVEL: "loud" } })).message).toBe(
      'invalid config chain.logLevel (from env LOG_LEVEL): expected one of "trace"|"debug"|"info"|"warn"|"error"|"fatal"|"silent"',
    );
  });

  test("file value, with the key as written in the file", () => {
    const bad = write("bad.yaml", "chain:\n  jsonrpc:\n    batch-limit: 1.5\n");
    expect(caught(() => load({ configFile: bad })).message).toBe(
      `invalid config chain.jsonrpc.batchLimit (from file ${bad} (chain.jsonrpc.batch-limit)): expected int, received number`,
    );
  });

  test("flag value out of range", () => {
    expect(caught(() => load({ argv: ["--grpc-port", "70000"] })).message).toBe(
      "invalid config chain.grpcPort (from flag --grpc-port): Too big: expected number to be <=65535",
    );
    expect(caught(() => load({ argv: ["--irreversible-threshold=0"] })).message).toContain("(from flag --irreversible-threshold)");
  });

  test("bad database and NATS URLs", () => {
    expect(caught(() => load({ env: { DATABASE_URL: "mysql://x" } })).message).toContain(
      "invalid config chain.databaseUrl (from env DATABASE_URL): expected postgres://",
    );
    expect(caught(() => load({ env: { NATS_URL: "localhost:4222" } })).message).toContain("chain.natsUrl (from env NATS_URL)");
  });

  test("several problems are all reported", () => {
    const err = caught(() => load({ env: { CAIRN_CHAIN_GRPC_PORT: "x" }, argv: ["--metrics-port", "-1"] }));
    expect(err.message.split("; ")).toHaveLength(2);
    expect(err.message).toContain("chain.grpcPort (from env CAIRN_CHAIN_GRPC_PORT)");
    expect(err.message).toContain("chain.metricsPort (from flag --metrics-port)");
  });

  test("a required key with no value says where to set it", () => {
    const required = z.object({ producerKey: z.string() });
    const err = caught(() => loadConfig({ service: "block-producer", schema: required, argv: [], env: {} }));
    expect(err.code).toBe("config.missing");
    expect(err.message).toBe(
      'missing config block-producer.producerKey: set it in the "block-producer" section of the config file, env CAIRN_BLOCK_PRODUCER_PRODUCER_KEY or flag --producer-key',
    );
  });

  test("unknown keys in any layer stop loading", () => {
    const typo = write("typo.yaml", "chain:\n  irreversible-treshold: 5\n");
    expect(caught(() => load({ configFile: typo })).code).toBe("config.unknown_key");
    expect(caught(() => load({ env: { CAIRN_CHAIN_TRESHOLD: "5" } })).code).toBe("config.unknown_key");
    expect(caught(() => load({ argv: ["--treshold", "5"] })).code).toBe("config.unknown_key");
  });
});
