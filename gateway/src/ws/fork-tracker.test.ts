import { describe, expect, test } from "bun:test";
import { type TrackedBlock, ForkTracker } from "./fork-tracker.ts";

const b = (id: string, height: number, previous: string): TrackedBlock => ({ id, height: BigInt(height), previous });

describe("ForkTracker", () => {
  test("blocks extending the head are not forks", () => {
    const t = new ForkTracker(100);
    t.seed(b("a", 1, "g"));
    expect(t.accept(b("b", 2, "a"), true)).toBeUndefined();
    expect(t.accept(b("c", 3, "b"), true)).toBeUndefined();
    expect(t.currentHead?.id).toBe("c");
  });

  test("a sibling becoming head: undo the old head, apply the new branch", () => {
    const t = new ForkTracker(100);
    t.seed(b("a", 1, "g"));
    t.accept(b("b", 2, "a"), true);
    t.accept(b("c", 3, "b"), true);
    expect(t.accept(b("c2", 3, "b"), false)).toBeUndefined(); // side branch, not head
    const f = t.accept(b("d2", 4, "c2"), true)!;
    expect(f.undo).toEqual(["c"]);
    expect(f.apply).toEqual(["c2", "d2"]);
    expect(f.commonAncestor?.id).toBe("b");
    expect(f.oldHead.id).toBe("c");
    expect(f.newHead.id).toBe("d2");
    expect(f.complete).toBe(true);
  });

  test("a deeper switch to a lower head", () => {
    const t = new ForkTracker(100);
    t.seed(b("a", 1, "g"));
    for (const [id, h, p] of [["b", 2, "a"], ["c", 3, "b"], ["d", 4, "c"]] as const) t.accept(b(id, h, p), true);
    t.accept(b("x", 2, "a"), false);
    const f = t.accept(b("y", 3, "x"), true)!;
    expect(f.undo).toEqual(["d", "c", "b"]);
    expect(f.apply).toEqual(["x", "y"]);
    expect(f.commonAncestor?.id).toBe("a");
  });

  test("meets the other chain at a parent known only by id (just after seeding)", () => {
    const t = new ForkTracker(100);
    t.seed(b("c", 3, "b"));
    t.accept(b("c2", 3, "b"), false);
    const f = t.accept(b("d2", 4, "c2"), true)!;
    expect(f).toMatchObject({ undo: ["c"], apply: ["c2", "d2"], commonAncestor: { id: "b", height: 2n }, complete: true });
  });

  test("outside the window: incomplete, with what is known", () => {
    const t = new ForkTracker(3);
    t.seed(b("a", 1, "g"));
    for (const [id, h, p] of [["b", 2, "a"], ["c", 3, "b"], ["d", 4, "c"], ["e", 5, "d"]] as const) t.accept(b(id, h, p), true);
    const f = t.accept(b("z", 5, "unknown"), true)!;
    expect(f.complete).toBe(false);
    expect(f.commonAncestor).toBeUndefined();
    expect(f.undo[0]).toBe("e");
    expect(f.newHead.id).toBe("z");
  });

  test("the same head again is not a fork", () => {
    const t = new ForkTracker(10);
    t.seed(b("a", 1, "g"));
    expect(t.accept(b("a", 1, "g"), true)).toBeUndefined();
  });
});
