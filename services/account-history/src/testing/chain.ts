/** The chain harness as account history sees it: head info, and its recorded events on a bus. */
import type { EventBus } from "@cairn/bus";
import { Subjects } from "@cairn/bus";
import { broadcast, protocol } from "@cairn/proto";
import { type TestChain, type TestChainOptions, createTestChain } from "@cairn/chain/testing";
import type { HistoryChain } from "../ports.ts";
import { MemoryBlockSource } from "./block-source.ts";

/** A harness chain whose every applied block lands in a MemoryBlockSource. */
export interface SourcedChain {
  t: TestChain;
  source: MemoryBlockSource;
  reads: HistoryChain & { failWith?: Error };
}

/** Creates a harness chain (4 funded dev accounts) that writes its blocks to a MemoryBlockSource. */
export async function createSourcedChain(opts: Omit<TestChainOptions, "blockStore"> = {}): Promise<SourcedChain> {
  const source = new MemoryBlockSource();
  const t = await createTestChain({ ...opts, blockStore: source });
  return { t, source, reads: chainReadsOf(t) };
}

/** ChainReads over a live harness chain (its head and LIB at the time of the call). */
export function chainReadsOf(t: Pick<TestChain, "chain">): HistoryChain & { failWith?: Error } {
  const reads: HistoryChain & { failWith?: Error } = {
    async headInfo() {
      if (reads.failWith) throw reads.failWith;
      const { head, lib } = t.chain.headInfo();
      return { head: { id: head.id, height: head.height }, lib: lib.height };
    },
  };
  return reads;
}

/** One recorded block event as the chain would publish it: irreversible (when the LIB moved), then accept. */
export function blockEventMessages(e: Extract<TestChain["events"][number], { kind: "block" }>): { subject: string; data: Uint8Array }[] {
  const out: { subject: string; data: Uint8Array }[] = [];
  if (e.libHeight !== undefined) {
    out.push({ subject: Subjects.blockIrreversible, data: broadcast.BlockIrreversible.encode({ topology: protocol.BlockTopology.fromPartial({ height: e.libHeight }) }).finish() });
  }
  out.push({ subject: Subjects.blockAccept, data: broadcast.BlockAccepted.encode({ block: e.block, receipt: e.receipt, live: true, head: e.head }).finish() });
  out.push({ subject: Subjects.blockForks, data: broadcast.ForkHeads.encode(e.forkHeads).finish() });
  return out;
}

/** Publishes a harness chain's block events, each once, in the order the chain applied the blocks. */
export class EventFeed {
  private cursor = 0;

  constructor(
    private readonly t: Pick<TestChain, "events">,
    private readonly bus: Pick<EventBus, "publishMany">,
  ) {}

  /** Publishes every block event recorded since the last call; resolves with how many blocks. */
  async flush(): Promise<number> {
    const fresh = this.t.events.slice(this.cursor);
    this.cursor = this.t.events.length;
    const messages = fresh.flatMap((e) => (e.kind === "block" ? blockEventMessages(e) : []));
    if (messages.length > 0) await this.bus.publishMany(messages);
    return fresh.filter((e) => e.kind === "block").length;
  }

  /** Drops the events recorded since the last call without publishing them (a gap); returns how many blocks. */
  skip(): number {
    const skipped = this.t.events.slice(this.cursor).filter((e) => e.kind === "block").length;
    this.cursor = this.t.events.length;
    return skipped;
  }
}

/** The `parent` argument of `TestChain.block` for building on `block` (a side fork). */
export function parentOf(block: protocol.Block, receipt: protocol.BlockReceipt): { id: Uint8Array; height: bigint; timestamp: bigint; stateRoot: Uint8Array } {
  return { id: block.id, height: block.header!.height, timestamp: block.header!.timestamp, stateRoot: receipt.state_merkle_root };
}
