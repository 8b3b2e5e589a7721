/**
 * The in-memory stores the dev node runs on with `--data` (one per service), and their snapshot
 * form: each store's `dump()` as bytes (JSC's structured-clone serialisation, `bun:jsc`, which
 * keeps bigints and byte arrays as they are), one snapshot part per store.
 */
import { deserialize, serialize } from "bun:jsc";
import { type ChainStoreDump, MemoryChainStore } from "@cairn/chain";
import { type BlockStoreDump, MemoryBlockStore } from "@cairn/block-store";
import { MemoryMempoolStore, type MempoolStoreDump } from "@cairn/mempool";
import { type AccountHistoryDump, MemoryAccountHistoryStore } from "@cairn/account-history";

/** One memory store per service. */
export interface DevStores {
  chain: MemoryChainStore;
  blockStore: MemoryBlockStore;
  mempool: MemoryMempoolStore;
  accountHistory: MemoryAccountHistoryStore;
}

const NAMES = ["chain", "blockStore", "mempool", "accountHistory"] as const;

/** Empty stores (the chain writes its genesis on start). */
export function emptyDevStores(): DevStores {
  return { chain: new MemoryChainStore(), blockStore: new MemoryBlockStore(), mempool: new MemoryMempoolStore(), accountHistory: new MemoryAccountHistoryStore() };
}

/** Every store's dump as bytes, by name. Synchronous: the parts agree with each other. */
export function dumpDevStores(stores: DevStores): Map<string, Uint8Array> {
  return new Map(NAMES.map((name) => [name, new Uint8Array(serialize(stores[name].dump()))]));
}

/** Stores rebuilt from `parts` (a missing part: that store starts empty — e.g. a snapshot of a reset). */
export function devStoresFromParts(parts: ReadonlyMap<string, Uint8Array>): DevStores {
  const read = <T>(name: (typeof NAMES)[number]): T | undefined => {
    const bytes = parts.get(name);
    return bytes === undefined ? undefined : (deserialize(bytes) as T);
  };
  const chain = read<ChainStoreDump>("chain");
  const blockStore = read<BlockStoreDump>("blockStore");
  const mempool = read<MempoolStoreDump>("mempool");
  const accountHistory = read<AccountHistoryDump>("accountHistory");
  return {
    chain: chain ? MemoryChainStore.fromDump(chain) : new MemoryChainStore(),
    blockStore: blockStore ? MemoryBlockStore.fromDump(blockStore) : new MemoryBlockStore(),
    mempool: mempool ? MemoryMempoolStore.fromDump(mempool) : new MemoryMempoolStore(),
    accountHistory: accountHistory ? MemoryAccountHistoryStore.fromDump(accountHistory) : new MemoryAccountHistoryStore(),
  };
}
