import { describe, expect, test } from "bun:test";
import { caught as caughtError } from "@cairn/test-utils";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { configLeaves } from "../schema-leaves.ts";
import { flagLayer } from "./flags.ts";

const leaves = configLeaves(
  z.object({
    irreversibleThreshold: z.number().optional(),
    verifyBlocks: z.boolean().optional(),
    name: z.string().optional(),
    offset: z.number().optional(),
    peers: z.array(z.string()).optional(),
    jsonrpc: z.object({ batchLimit: z.number().optional() }).optional(),
  }),
);

const parse = (...argv: string[]) => flagLayer(argv, leaves);
const values = (...argv: string[]) => parse(...argv).entries.map((e) => [e.path.join("."), e.value]);

const caught = (fn: () => unknown) => caughtError(fn, ConfigError);

describe("flags", () => {
  test("--key value, --key=value, kebab or camel, coerced per the schema", () => {
    expect(values("--irreversible-threshold", "60", "--name=x=y", "--irreversibleThreshold=61")).toEqual([
      ["irreversibleThreshold", 60],
      ["name", "x=y"],
      ["irreversibleThreshold", 61],
    ]);
  });

  test("booleans: bare flag, explicit value, --no- prefix", () => {
    expect(values("--verify-blocks")).toEqual([["verifyBlocks", true]]);
    expect(values("--verify-blocks", "false")).toEqual([["verifyBlocks", false]]);
    expect(values("--verify-blocks=no")).toEqual([["verifyBlocks", false]]);
    expect(values("--no-verify-blocks")).toEqual([["verifyBlocks", false]]);
    expect(values("--verify-blocks", "--name", "n")).toEqual([["verifyBlocks", true], ["name", "n"]]);
  });

  test("nested keys use dots; negative numbers are values", () => {
    expect(values("--jsonrpc.batch-limit", "5", "--offset", "-3")).toEqual([["jsonrpc.batchLimit", 5], ["offset", -3]]);
  });

  test("arrays: comma-separated, and repeated flags accumulate", () => {
    expect(values("--peers", "a,b", "--peers=c")).toEqual([["peers", ["a", "b", "c"]]]);
  });

  test("--config selects the file and is not a key", () => {
    expect(parse("--config", "node.yaml")).toEqual({ entries: [], configFile: "node.yaml" });
    expect(parse("--config=x.json").configFile).toBe("x.json");
  });

  test("errors: unknown flag, missing value, positional argument", () => {
    const unknown = caught(() => parse("--irreversible-treshold", "5"));
    expect(unknown.code).toBe("config.unknown_key");
    expect(unknown.message).toBe("unknown flag --irreversible-treshold");
    expect(caught(() => parse("--name")).message).toBe("flag --name needs a value");
    expect(caught(() => parse("--name", "--offset", "1")).message).toBe("flag --name needs a value");
    expect(caught(() => parse("--config")).message).toBe("flag --config needs a file path");
    expect(caught(() => parse("dev")).code).toBe("config.bad_argument");
    expect(caught(() => parse("-v")).message).toContain('unexpected argument "-v"');
    expect(caught(() => parse("--no-name")).message).toBe("unknown flag --no-name");
  });
});
