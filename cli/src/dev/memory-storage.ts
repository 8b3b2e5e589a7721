/**
 * The dev node's default storage: the four services' in-memory stores (`MemoryChainStore`,
 * `MemoryBlockStore`, `MemoryMempoolStore`, `MemoryAccountHistoryStore`), with snapshots that are
 * their dumps. A dump shares the stored bytes (they never change in place), so taking one is
 * cheap; restoring builds new stores from it (`fromDump`), which the next set of services gets.
 */
import { MemoryChainStore, type ChainStoreDump } from "@cairn/chain";
import { MemoryBlockStore, type BlockStoreDump } from "@cairn/block-store";
import { MemoryMempoolStore, type MempoolStoreDump } from "@cairn/mempool";
import { MemoryAccountHistoryStore, type AccountHistoryDump } from "@cairn/account-history";
import type { DevSnapshot, DevSnapshots, DevStorage, DevStores } from "./storage.ts";

/** The four stores. */
export interface MemoryStores {
  chain: MemoryChainStore;
  blockStore: MemoryBlockStore;
  mempool: MemoryMempoolStore;
  accountHistory: MemoryAccountHistoryStore;
}

/** Every store's dump: what a memory snapshot holds, and what a snapshot file would. */
export interface MemoryStoresDump {
  chain: ChainStoreDump;
  blockStore: BlockStoreDump;
  mempool: MempoolStoreDump;
  accountHistory: AccountHistoryDump;
}

/** A snapshot of the memory stores. */
export interface MemorySnapshot extends DevSnapshot {
  readonly dump: MemoryStoresDump;
}

/** Empty stores. */
export function emptyMemoryStores(): MemoryStores {
  return { chain: new MemoryChainStore(), blockStore: new MemoryBlockStore(), mempool: new MemoryMempoolStore(), accountHistory: new MemoryAccountHistoryStore() };
}

/** The dump of every store. */
export function dumpMemoryStores(s: MemoryStores): MemoryStoresDump {
  return { chain: s.chain.dump(), blockStore: s.blockStore.dump(), mempool: s.mempool.dump(), accountHistory: s.accountHistory.dump() };
}

/** Stores holding `dump`. */
export function memoryStoresFromDump(dump: MemoryStoresDump): MemoryStores {
  return {
    chain: MemoryChainStore.fromDump(dump.chain),
    blockStore: MemoryBlockStore.fromDump(dump.blockStore),
    mempool: MemoryMempoolStore.fromDump(dump.mempool),
    accountHistory: MemoryAccountHistoryStore.fromDump(dump.accountHistory),
  };
}

/** In-memory storage starting from `initial` (default: empty stores). */
export function createMemoryStorage(initial: MemoryStores = emptyMemoryStores()): DevStorage & { readonly current: MemoryStores; readonly snapshots: DevSnapshots<MemorySnapshot> } {
  let current = initial;
  const snapshots: DevSnapshots<MemorySnapshot> = {
    async take(id) {
      return { id, dump: dumpMemoryStores(current) };
    },
    async restore(snapshot) {
      current = memoryStoresFromDump(snapshot.dump);
    },
    async wipe() {
      current = emptyMemoryStores();
    },
    async drop() {},
    async dropAll() {},
  };
  return {
    kind: "memory",
    get current() {
      return current;
    },
    stores(): DevStores {
      return { chain: { store: current.chain }, blockStore: { store: current.blockStore }, mempool: { store: current.mempool }, accountHistory: { store: current.accountHistory } };
    },
    snapshots,
    async close() {},
  };
}
