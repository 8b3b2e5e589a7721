import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { configLeaves } from "../schema-leaves.ts";
import { envLayer, envNames } from "./env.ts";

const leaves = configLeaves(
  z.object({
    databaseUrl: z.string().optional(),
    logLevel: z.string().optional(),
    irreversibleThreshold: z.number().optional(),
    jsonrpc: z.object({ batchLimit: z.number().optional() }).optional(),
  }),
);

const values = (env: Record<string, string | undefined>, service = "chain") =>
  envLayer(env, service, leaves).map((e) => [e.path.join("."), e.value, e.source.kind === "env" ? e.source.name : ""]);

describe("environment layer", () => {
  test("names: conventional, then service; nested keys joined with _", () => {
    expect(envNames("chain", leaves[0]!)).toEqual(["DATABASE_URL", "CAIRN_CHAIN_DATABASE_URL"]);
    expect(envNames("block-store", leaves[2]!)).toEqual(["CAIRN_BLOCK_STORE_IRREVERSIBLE_THRESHOLD"]);
    expect(envNames("gateway", leaves[3]!)).toEqual(["CAIRN_GATEWAY_JSONRPC_BATCH_LIMIT"]);
  });

  test("DATABASE_READ_URL sets databaseReadUrl where a service has that key, and nothing elsewhere", () => {
    const withRead = configLeaves(z.object({ databaseUrl: z.string().optional(), databaseReadUrl: z.string().optional() }));
    expect(envNames("block-store", withRead[1]!)).toEqual(["DATABASE_READ_URL", "CAIRN_BLOCK_STORE_DATABASE_READ_URL"]);
    const env = { DATABASE_URL: "postgres://primary/db", DATABASE_READ_URL: "postgres://replica/db" };
    expect(envLayer(env, "block-store", withRead).map((e) => [e.path.join("."), e.value])).toEqual([
      ["databaseUrl", "postgres://primary/db"],
      ["databaseReadUrl", "postgres://replica/db"],
    ]);
    expect(values(env).map(([key]) => key)).toEqual(["databaseUrl"]);
  });

  test("values come weakest first, so the service-specific one wins when applied", () => {
    expect(values({ DATABASE_URL: "a", CAIRN_CHAIN_DATABASE_URL: "c" })).toEqual([
      ["databaseUrl", "a", "DATABASE_URL"],
      ["databaseUrl", "c", "CAIRN_CHAIN_DATABASE_URL"],
    ]);
  });

  test("no global CAIRN_<KEY> form: another service's variables never look like this one's", () => {
    expect(values({ CAIRN_DATABASE_URL: "b", CAIRN_IRREVERSIBLE_THRESHOLD: "3" })).toEqual([]);
  });

  test("strings are coerced per the schema; empty values are unset", () => {
    expect(values({ CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD: "60", LOG_LEVEL: "", CAIRN_CHAIN_JSONRPC_BATCH_LIMIT: "5" })).toEqual([
      ["irreversibleThreshold", 60, "CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD"],
      ["jsonrpc.batchLimit", 5, "CAIRN_CHAIN_JSONRPC_BATCH_LIMIT"],
    ]);
  });

  test("another service's variables are not read", () => {
    expect(values({ CAIRN_MEMPOOL_IRREVERSIBLE_THRESHOLD: "1" })).toEqual([]);
  });

  test("an unknown CAIRN_<SERVICE>_ variable is an error naming it", () => {
    let err: unknown;
    try {
      values({ CAIRN_CHAIN_IRREVERSIBLE_THRESHHOLD: "60" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe("config.unknown_key");
    expect((err as ConfigError).message).toBe("unknown config key for chain (from env CAIRN_CHAIN_IRREVERSIBLE_THRESHHOLD)");
  });

  test("two keys spelling the same variable are reported", () => {
    const clash = configLeaves(z.object({ aB: z.number().optional(), a: z.object({ b: z.number().optional() }).optional() }));
    expect(() => envLayer({}, "chain", clash)).toThrow("both map to env CAIRN_CHAIN_A_B");
  });
});
