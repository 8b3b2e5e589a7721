import { deserialize } from "bun:jsc";
import { latestSnapshotFile } from "@cairn/journal";
import { MemoryChainStore } from "@cairn/chain";
import { MemoryBlockStore } from "@cairn/block-store";
import { MemoryMempoolStore } from "@cairn/mempool";
import { MemoryAccountHistoryStore } from "@cairn/account-history";
let t = performance.now();
const lap = (l: string) => { const n = performance.now(); console.log(l, Math.round(n - t), "ms", Math.round(process.memoryUsage().rss / 1e6), "MB"); t = n; };
const f = latestSnapshotFile("/tmp/jd100k/snapshots")!;
lap("read file");
for (const [name, bytes] of f.parts) console.log(name, bytes.length);
const d: Record<string, unknown> = {};
for (const [name, bytes] of f.parts) { if (name === "controls") continue; d[name] = deserialize(bytes); lap(`deserialize ${name}`); }
MemoryChainStore.fromDump(d.chain as never); lap("chain fromDump");
MemoryBlockStore.fromDump(d.blockStore as never); lap("blockStore fromDump");
MemoryMempoolStore.fromDump(d.mempool as never); lap("mempool fromDump");
MemoryAccountHistoryStore.fromDump(d.accountHistory as never); lap("history fromDump");
