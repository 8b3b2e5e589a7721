/** Skip pointers: heights, and ancestor lookups against a brute-force walk on a forked tree. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { ancestorAt, skipHeight, skipHeightNumber, skipPointerFor, takesSkip, takesSkipNumber, type SkipNode } from "./skip-list.ts";

/** An in-memory tree: blocks by id (ids are `h<height>-<branch>`), built with real skip pointers. */
function tree() {
  const nodes = new Map<string, SkipNode>();
  let lookups = 0;
  const key = (id: Uint8Array) => toHex(id);
  const lookup = async (id: Uint8Array) => {
    lookups++;
    return nodes.get(key(id));
  };
  const id = (height: bigint, branch: string) => new TextEncoder().encode(`h${height}-${branch}`);
  async function add(height: bigint, branch: string, parent: SkipNode | undefined): Promise<SkipNode> {
    const node: SkipNode = { id: id(height, branch), height, previous: parent?.id ?? new Uint8Array(), skip: null };
    node.skip = await skipPointerFor(height, parent, lookup);
    nodes.set(key(node.id), node);
    return node;
  }
  function bruteAncestor(from: SkipNode, height: bigint): SkipNode | undefined {
    let n: SkipNode | undefined = from;
    while (n && n.height > height) n = nodes.get(key(n.previous));
    return n;
  }
  return { add, lookup, bruteAncestor, lookups: () => lookups, resetLookups: () => (lookups = 0) };
}

describe("skip pointers", () => {
  test("skipHeight is below the height and 0 for heights under 2", () => {
    expect([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 1024n, 1025n].map(skipHeight)).toEqual([0n, 0n, 0n, 1n, 0n, 1n, 4n, 1n, 0n, 0n, 1n]);
    for (let h = 2n; h < 5000n; h++) expect(skipHeight(h)).toBeLessThan(h);
  });

  test("ancestorAt agrees with a linear walk on both branches, in logarithmically many lookups", async () => {
    const t = tree();
    const main: SkipNode[] = [];
    let tip: SkipNode | undefined;
    for (let h = 1n; h <= 5000n; h++) main.push((tip = await t.add(h, "main", tip)));
    let forkTip: SkipNode | undefined = main[2999];
    for (let h = 3001n; h <= 3600n; h++) forkTip = await t.add(h, "fork", forkTip);
    for (const from of [main[4999]!, forkTip!]) {
      for (const target of [1n, 2n, 7n, 100n, 1234n, 2999n, 3000n, 3001n, 3500n, from.height]) {
        t.resetLookups();
        const found = await ancestorAt(from, target, t.lookup);
        expect(found && toHex(found.id)).toBe(toHex(t.bruteAncestor(from, target)!.id));
        expect(t.lookups()).toBeLessThan(64);
      }
      expect(await ancestorAt(from, from.height + 1n, t.lookup)).toBeUndefined();
      expect(await ancestorAt(from, 0n, t.lookup)).toBeUndefined();
    }
  });

  test("a missing ancestor leaves no pointer, and walks through it fail cleanly", async () => {
    const t = tree();
    const orphanParent: SkipNode = { id: new Uint8Array([9]), height: 40n, previous: new Uint8Array([8]), skip: null };
    expect(await skipPointerFor(41n, undefined, t.lookup)).toBeNull();
    expect(await skipPointerFor(41n, orphanParent, t.lookup)).toBeNull();
    expect(await ancestorAt(orphanParent, 10n, t.lookup)).toBeUndefined();
  });

  test("the number versions agree with the bigint ones", () => {
    for (const h of [0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 1023, 1024, 1025, 65_537, 1_000_000, 2 ** 31 - 1]) {
      expect(BigInt(skipHeightNumber(h))).toBe(skipHeight(BigInt(h)));
      for (const target of [1, 2, h >> 1, h - 1, h - 2].filter((t) => t >= 1 && t < h)) expect(takesSkipNumber(h, target)).toBe(takesSkip(BigInt(h), BigInt(target)));
    }
  });
});
