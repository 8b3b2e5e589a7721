/**
 * Fork switches, computed from the block.accept stream: the tracker remembers recent blocks
 * (id → height, previous) and the current head. When a block arrives as the new head but does not
 * extend the previous head, it walks both chains back to their common ancestor and reports the
 * blocks to undo (old head first) and to apply (ascending up to the new head). If the window does
 * not reach the ancestor, the switch is reported as incomplete with what is known.
 */

/** A block's place in the tree. Ids are `0x` hex, as in Koinos JSON. */
export interface TrackedBlock {
  readonly id: string;
  readonly height: bigint;
  readonly previous: string;
}

/** A head switch to another fork. */
export interface ForkSwitch {
  readonly oldHead: TrackedBlock;
  readonly newHead: TrackedBlock;
  /** The last block both chains share; undefined when outside the window. */
  readonly commonAncestor: TrackedBlock | undefined;
  /** Blocks leaving the main chain, old head first, down to (excluding) the common ancestor. */
  readonly undo: readonly string[];
  /** Blocks joining it, ascending, ending with the new head. */
  readonly apply: readonly string[];
  /** False when the walk left the window before meeting the ancestor. */
  readonly complete: boolean;
}

/** Tracks heads over a window of recent blocks. */
export class ForkTracker {
  private readonly known = new Map<string, TrackedBlock>();
  private head: TrackedBlock | undefined;

  constructor(private readonly window: number) {}

  /** The current head, if known. */
  get currentHead(): TrackedBlock | undefined {
    return this.head;
  }

  /** Starts from `head` (e.g. chain.get_head_info when the stream starts). */
  seed(head: TrackedBlock | undefined): void {
    this.known.clear();
    this.head = head;
    if (head !== undefined) this.remember(head);
  }

  /** Records an accepted block; returns the switch when it became head on another fork. */
  accept(block: TrackedBlock, isHead: boolean): ForkSwitch | undefined {
    this.remember(block);
    if (!isHead) return undefined;
    const old = this.head;
    this.head = block;
    if (old === undefined || old.id === block.id || block.previous === old.id) return undefined;
    return this.walk(old, block);
  }

  private remember(b: TrackedBlock): void {
    this.known.delete(b.id);
    this.known.set(b.id, b);
    if (this.known.size > this.window) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  private walk(oldHead: TrackedBlock, newHead: TrackedBlock): ForkSwitch {
    const undo: string[] = [];
    const apply: string[] = [];
    let a: TrackedBlock | undefined = oldHead;
    let b: TrackedBlock | undefined = newHead;
    for (let steps = 0; a !== undefined && b !== undefined && a.id !== b.id && steps <= 2 * this.window; steps++) {
      if (a.height >= b.height) {
        undo.push(a.id);
        a = this.parent(a);
      } else {
        apply.push(b.id);
        b = this.parent(b);
      }
    }
    const complete = a !== undefined && b !== undefined && a.id === b.id;
    apply.reverse();
    return { oldHead, newHead, commonAncestor: complete ? a : undefined, undo, apply, complete };
  }

  /**
   * The parent of `b`: remembered, or a stub known only by id and height (its own parent
   * unknown), which is still enough to meet the other chain at that block.
   */
  private parent(b: TrackedBlock): TrackedBlock | undefined {
    if (b.previous === "" || b.height === 0n) return undefined;
    return this.known.get(b.previous) ?? { id: b.previous, height: b.height - 1n, previous: "" };
  }
}
