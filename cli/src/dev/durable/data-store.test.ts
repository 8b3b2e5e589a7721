import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@cairn/core";
import { Subjects, createMemoryBroker, createMemoryEventBus } from "@cairn/bus";
import { protocol } from "@cairn/proto";
import { openDevDataStore } from "./data-store.ts";
import { journaledBlockSink, journaledBus } from "./journaled.ts";
import type { ControlState } from "./records.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-dev-data-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const controls: ControlState = { offsetMs: 5n, pinned: undefined, mode: "instant", intervalMs: 3000 };
const block = (height: bigint) => protocol.Block.fromPartial({ id: new Uint8Array([Number(height)]), header: { height } });

test("transaction accepts and blocks are journaled before their effect; replay reads them back in order", async () => {
  const dir = tempDir();
  const store = await openDevDataStore(dir, silentLogger());
  expect(store.base).toBeUndefined();
  const broker = createMemoryBroker();
  const inner = createMemoryEventBus({ broker });
  await inner.start();
  let replaying = false;
  const bus = journaledBus(inner, store, () => replaying);
  const added: bigint[] = [];
  const sink = journaledBlockSink({ addBlock: async (b) => void added.push(b.header!.height) }, store, () => replaying);

  await bus.publish(Subjects.transactionAccept, new Uint8Array([7, 7]));
  // The bus took it only after the journal had it on disk.
  expect(store.journal.durableSeq).toBe(1);
  expect(broker.log.lastSequence).toBe(1);
  await sink.addBlock(block(1n), protocol.BlockReceipt.fromPartial({ height: 1n }));
  expect(added).toEqual([1n]);
  // Other subjects are not journaled; nor is anything while replaying.
  await bus.publish(Subjects.blockAccept, new Uint8Array([1]));
  replaying = true;
  await bus.publish(Subjects.transactionAccept, new Uint8Array([8]));
  await sink.addBlock(block(2n), protocol.BlockReceipt.fromPartial({ height: 2n }));
  expect(store.journal.lastSeq).toBe(2);
  await store.close();
  await inner.close();

  const again = await openDevDataStore(dir, silentLogger());
  const tail = [...again.tail()];
  expect(tail.map((t) => t.seq)).toEqual([1, 2]);
  expect(tail[0]!.entry).toEqual({ kind: "transaction", accepted: new Uint8Array([7, 7]) });
  expect(tail[1]!.entry.kind).toBe("block");
  if (tail[1]!.entry.kind === "block") expect(tail[1]!.entry.block.header?.height).toBe(1n);
  await again.close();
});

test("a snapshot becomes the base: the tail starts after it, and older segments go", async () => {
  const dir = tempDir();
  const store = await openDevDataStore(dir, silentLogger());
  for (let i = 0; i < 3; i++) await store.record({ kind: "transaction", accepted: new Uint8Array([i]) }, () => undefined);
  await store.writeSnapshot(3, new Map([["chain", new Uint8Array([42])]]), controls);
  await store.record({ kind: "transaction", accepted: new Uint8Array([3]) }, () => undefined);
  await store.writeSnapshot(4, new Map([["chain", new Uint8Array([43])]]), { ...controls, mode: "manual" });
  await store.record({ kind: "controls", state: { ...controls, pinned: 99n } }, () => undefined);
  await store.close();
  // Two snapshots kept; the segment before the older one's position is gone.
  expect(readdirSync(join(dir, "snapshots")).length).toBe(2);
  expect(readdirSync(join(dir, "journal")).length).toBe(2);

  const again = await openDevDataStore(dir, silentLogger());
  expect(again.base?.position).toBe(4);
  expect(again.takeBaseParts().get("chain")).toEqual(new Uint8Array([43]));
  // Handed over once: the store keeps no reference to the dumps.
  expect(() => again.takeBaseParts()).toThrow("taken already");
  expect(again.base?.controls).toEqual({ ...controls, mode: "manual" });
  expect([...again.tail()].map((t) => t.entry)).toEqual([{ kind: "controls", state: { ...controls, pinned: 99n } }]);
  expect(await again.journal.append(new Uint8Array([1]))).toBe(6);
  await again.close();
});

test("quiesce holds new records back and waits for those under way and for the bus to settle", async () => {
  const store = await openDevDataStore(tempDir(), silentLogger());
  const order: string[] = [];
  let finishEffect!: () => void;
  const slow = store.record({ kind: "transaction", accepted: new Uint8Array([1]) }, () => new Promise<void>((r) => (finishEffect = () => (order.push("effect 1"), r()))));
  await Bun.sleep(20);
  let settled = false;
  const snap = store.quiesce(
    () => settled,
    (position) => {
      order.push(`snapshot at ${position}`);
      return position;
    },
  );
  const late = store.record({ kind: "transaction", accepted: new Uint8Array([2]) }, () => void order.push("effect 2"));
  await Bun.sleep(20);
  expect(order).toEqual([]);
  finishEffect();
  await Bun.sleep(20);
  expect(order).toEqual(["effect 1"]);
  settled = true;
  expect(await snap).toBe(1);
  await Promise.all([slow, late]);
  expect(order).toEqual(["effect 1", "snapshot at 1", "effect 2"]);
  await store.close();
});

test("deferSync runs the effect once appended; flush resolves when every append is durable", async () => {
  const store = await openDevDataStore(tempDir(), silentLogger());
  const durableAtEffect: number[] = [];
  const records = [1, 2, 3].map((i) => store.record({ kind: "transaction", accepted: new Uint8Array([i]) }, () => void durableAtEffect.push(store.journal.durableSeq), { deferSync: true }));
  await Promise.all(records);
  // The effects ran before their entries were on disk (nothing was yet).
  expect(durableAtEffect).toEqual([0, 0, 0]);
  await store.flush();
  expect(store.journal.durableSeq).toBe(3);
  await store.close();
});
