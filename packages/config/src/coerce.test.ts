import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { coerceFileValue, coerceString } from "./coerce.ts";
import { configLeaves, type ConfigLeaf } from "./schema-leaves.ts";

const schema = z.object({
  port: z.number().int().default(1),
  verbose: z.boolean().optional(),
  supply: z.bigint().default(0n),
  name: z.string(),
  level: z.enum(["info", "debug"]).default("info"),
  limit: z.union([z.literal("auto"), z.number()]).default("auto"),
  peers: z.array(z.string()).default([]),
  heights: z.array(z.number()).default([]),
  nested: z.object({ inner: z.object({ deep: z.number() }), flag: z.boolean().default(false) }),
  labels: z.record(z.string(), z.string()).default({}),
  trimmed: z.string().transform((s) => s.trim()),
});

const leaves = configLeaves(schema);
const leaf = (key: string): ConfigLeaf => leaves.find((l) => l.path.join(".") === key)!;

describe("schema leaves", () => {
  test("nested objects are sections; everything else is a leaf with its kinds", () => {
    expect(leaves.map((l) => l.path.join("."))).toEqual([
      "port", "verbose", "supply", "name", "level", "limit", "peers", "heights", "nested.inner.deep", "nested.flag", "labels", "trimmed",
    ]);
    expect([...leaf("port").kinds]).toEqual(["number"]);
    expect([...leaf("level").kinds]).toEqual(["string"]);
    expect([...leaf("limit").kinds].sort()).toEqual(["number", "string"]);
    expect([...leaf("peers").elementKinds!]).toEqual(["string"]);
    expect(leaf("labels").kinds.size).toBe(0);
    expect([...leaf("trimmed").kinds]).toEqual(["string"]);
  });
});

describe("coercing env and flag strings", () => {
  test("numbers, bigints and booleans convert; bad ones pass through for validation to report", () => {
    expect(coerceString("42", leaf("port"))).toBe(42);
    expect(coerceString(" 1.5 ", leaf("port"))).toBe(1.5);
    expect(coerceString("forty", leaf("port"))).toBe("forty");
    expect(coerceString("", leaf("port"))).toBe("");
    expect(coerceString("18446744073709551615", leaf("supply"))).toBe(18446744073709551615n);
    expect(coerceString("1e3", leaf("supply"))).toBe("1e3");
    for (const t of ["true", "TRUE", "1", "yes", "on"]) expect(coerceString(t, leaf("verbose"))).toBe(true);
    for (const f of ["false", "0", "no", "off"]) expect(coerceString(f, leaf("verbose"))).toBe(false);
    expect(coerceString("maybe", leaf("verbose"))).toBe("maybe");
  });

  test("strings stay strings, unions pick the kind that fits", () => {
    expect(coerceString("123", leaf("name"))).toBe("123");
    expect(coerceString("auto", leaf("limit"))).toBe("auto");
    expect(coerceString("7", leaf("limit"))).toBe(7);
  });

  test("arrays split on commas or parse JSON; structured leaves parse JSON", () => {
    expect(coerceString("a, b,c", leaf("peers"))).toEqual(["a", "b", "c"]);
    expect(coerceString("", leaf("peers"))).toEqual([]);
    expect(coerceString('["x,y"]', leaf("peers"))).toEqual(["x,y"]);
    expect(coerceString("1,2", leaf("heights"))).toEqual([1, 2]);
    expect(coerceString('{"a":"b"}', leaf("labels"))).toEqual({ a: "b" });
    expect(coerceString("{oops", leaf("labels"))).toBe("{oops");
  });

  test("file values only get bigint help", () => {
    expect(coerceFileValue(5, leaf("supply"))).toBe(5n);
    expect(coerceFileValue("18446744073709551615", leaf("supply"))).toBe(18446744073709551615n);
    expect(coerceFileValue(1.5, leaf("supply"))).toBe(1.5);
    expect(coerceFileValue("5", leaf("port"))).toBe("5");
  });
});
