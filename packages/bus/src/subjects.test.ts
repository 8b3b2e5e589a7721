import { describe, expect, test } from "bun:test";
import { assertPattern, assertSubject, contractEventsPattern, contractEventSubject, subjectMatches, Subjects } from "./subjects.ts";

describe("subjects", () => {
  test("wildcard matching follows NATS rules", () => {
    expect(subjectMatches("koinos.block.accept", Subjects.blockAccept)).toBe(true);
    expect(subjectMatches("koinos.block.*", "koinos.block.accept")).toBe(true);
    expect(subjectMatches("koinos.block.*", "koinos.block")).toBe(false);
    expect(subjectMatches("koinos.block.*", "koinos.block.accept.x")).toBe(false);
    expect(subjectMatches("koinos.*.accept", "koinos.mempool.accept")).toBe(true);
    expect(subjectMatches("koinos.>", "koinos.block.accept")).toBe(true);
    expect(subjectMatches("koinos.>", "koinos")).toBe(false);
    expect(subjectMatches("koinos.block", "koinos.block.accept")).toBe(false);
    expect(subjectMatches(">", "a")).toBe(true);
  });

  test("patterns and subjects are validated", () => {
    for (const ok of ["koinos.>", "koinos.*.accept", "*", ">"]) expect(() => assertPattern(ok)).not.toThrow();
    for (const bad of ["", "koinos.>.x", "koinos..x", "koinos.a*", "koinos. x"]) expect(() => assertPattern(bad)).toThrow();
    expect(() => assertSubject("koinos.block.accept")).not.toThrow();
    for (const bad of ["", "koinos.*", "koinos.>", "a..b", ".a", "a b"]) expect(() => assertSubject(bad)).toThrow();
  });

  test("contract event subjects", () => {
    const contract = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
    expect(contractEventSubject(contract, "koinos.contracts.token.transfer_event")).toBe(
      `koinos.event.${contract}.koinos.contracts.token.transfer_event`,
    );
    expect(subjectMatches(contractEventsPattern(contract), contractEventSubject(contract, "mint"))).toBe(true);
    expect(() => contractEventSubject("0OIl", "x")).toThrow();
    expect(() => contractEventSubject(contract, "bad*name")).toThrow();
    expect(() => contractEventSubject(contract, "")).toThrow();
  });
});
