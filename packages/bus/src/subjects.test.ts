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

  test("the fast paths (no wildcard, a trailing >) agree with token-by-token matching", () => {
    const byTokens = (pattern: string, subject: string) => {
      const p = pattern.split(".");
      const s = subject.split(".");
      for (let i = 0; i < p.length; i++) {
        if (p[i] === ">") return s.length > i;
        if (i >= s.length || (p[i] !== "*" && p[i] !== s[i])) return false;
      }
      return p.length === s.length;
    };
    const patterns = ["koinos.>", "koinos.block.>", "koinos.block.accept", "koinos.block", "koinos.event.1Abc.>", "k.>", ">", "koinos.*.accept", "*.>"];
    const subjects = ["koinos", "koinos.block", "koinos.blocks.accept", "koinos.block.accept", "koinos.block.accept.x", "koinosx.block", "koinos.event.1Abc.token.transfer_event", "koinos.event.1Abcd.mint", "k.x", "kk.x", "a"];
    for (const p of patterns) for (const s of subjects) expect([p, s, subjectMatches(p, s)]).toEqual([p, s, byTokens(p, s)]);
  });

  test("patterns and subjects are validated", () => {
    for (const ok of ["koinos.>", "koinos.*.accept", "*", ">"]) expect(() => assertPattern(ok)).not.toThrow();
    for (const bad of ["", "koinos.>.x", "koinos..x", "koinos.a*", "koinos. x"]) expect(() => assertPattern(bad)).toThrow();
    expect(() => assertSubject("koinos.block.accept")).not.toThrow();
    for (const bad of ["", "koinos.*", "koinos.>", "a..b", ".a", "a b"]) expect(() => assertSubject(bad)).toThrow();
    // Asked again (valid subjects are remembered): the same answers.
    expect(() => assertSubject("koinos.block.accept")).not.toThrow();
    for (const bad of ["", "koinos.*", "a b"]) expect(() => assertSubject(bad)).toThrow();
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
