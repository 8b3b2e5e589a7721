/**
 * BlockStoreService and TransactionStoreService through a real gRPC server (ephemeral port), fed
 * with real signed blocks: the main chain 1..5 through AddBlock (as the chain does), the fork
 * 3′..6′ through `koinos.block.accept` events on the in-process bus.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { waitUntil } from "@cairn/test-utils";
import { ErrorStatus, isCairnError, toHex } from "@cairn/core";
import { block_store, protocol } from "@cairn/proto";
import { toKoinosJson } from "@cairn/protocol";
import { checkHealth, koinosErrorData } from "@cairn/rpc";
import { signBlock } from "@cairn/protocol";
import { PRODUCER_KEY, fixture, makeBlock, makeReceipt } from "./testing/fixtures.ts";
import { metricValue, startTestUnit, type TestUnit } from "./testing/harness.ts";

let t: TestUnit;
const { main, fork, shared, mainOnly, forkOnly, unknown } = fixture();
const hexIds = (items: { block_id: Uint8Array }[]) => items.map((i) => toHex(i.block_id));
const idsOf = (blocks: protocol.Block[]) => blocks.map((b) => toHex(b.id));

/** The rejection of `call`, checked to be a CairnError. */
async function failure(call: Promise<unknown>) {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCairnError(err)) throw new Error(`expected a CairnError, got ${String(err)}`);
  return err;
}

beforeAll(async () => {
  t = await startTestUnit();
  // The chain's order: AddBlock before its commit, koinos.block.accept after it.
  for (const b of main) await t.blocks.addBlock({ block_to_add: b, receipt_to_add: makeReceipt(b) });
  for (const b of main) await t.publishAccepted(b);
  for (const b of fork) await t.publishAccepted(b);
  await waitUntil(async () => (await t.blocks.getHighestBlock({})).topology?.height === 6n, 20_000);
}, 120_000);
afterAll(async () => {
  await t.dispose();
});

describe("BlockStoreService", () => {
  test("serves health and both services", async () => {
    expect(await checkHealth(`127.0.0.1:${t.port}`, "cairn.block_store.v1.BlockStoreService", { timeoutMs: 2_000 })).toBe("SERVING");
    expect(await checkHealth(`127.0.0.1:${t.port}`, "cairn.transaction_store.v1.TransactionStoreService", { timeoutMs: 2_000 })).toBe("SERVING");
  });

  test("get_blocks_by_id is positional; an unknown id gives an empty item", async () => {
    const res = await t.blocks.getBlocksById({ block_ids: [main[2]!.id, unknown.id, fork[0]!.id, main[2]!.id], return_block: false, return_receipt: false });
    expect(res.block_items.map((i) => i.block_height)).toEqual([3n, 0n, 3n, 3n]);
    expect(hexIds(res.block_items)).toEqual([toHex(main[2]!.id), "", toHex(fork[0]!.id), toHex(main[2]!.id)]);
    const json = toKoinosJson("cairn.block_store.v1.GetBlocksByIdResponse", res);
    expect(json).toEqual({
      block_items: [
        { block_id: `0x${toHex(main[2]!.id)}`, block_height: "3" },
        {},
        { block_id: `0x${toHex(fork[0]!.id)}`, block_height: "3" },
        { block_id: `0x${toHex(main[2]!.id)}`, block_height: "3" },
      ],
    });
    // No ids at all is an error on Koinos (koinos-block-store), not an empty answer.
    expect((await t.blocks.getBlocksById({ block_ids: [], return_block: true, return_receipt: true }).catch((e) => e)).message).toBe("expected field 'block_id' was nil");
    expect((await t.blocks.getBlocksByHeight({ head_block_id: new Uint8Array(), ancestor_start_height: 1n, num_blocks: 1, return_block: false, return_receipt: false }).catch((e) => e)).message).toBe("expected field, 'head_block_id' was nil");
  });

  test("get_blocks_by_id honours return_block and return_receipt", async () => {
    const ask = (return_block: boolean, return_receipt: boolean) => t.blocks.getBlocksById({ block_ids: [main[3]!.id], return_block, return_receipt }).then((r) => r.block_items[0]!);
    const both = await ask(true, true);
    expect(both.block).toEqual(main[3]!);
    expect(both.receipt).toEqual(makeReceipt(main[3]!));
    const blockOnly = await ask(true, false);
    expect(blockOnly.block?.transactions[0]?.id).toEqual(mainOnly.id);
    expect(blockOnly.receipt).toBeUndefined();
    const receiptOnly = await ask(false, true);
    expect(receiptOnly.block).toBeUndefined();
    expect(receiptOnly.receipt?.height).toBe(4n);
    const neither = await ask(false, false);
    expect(neither).toEqual({ block_id: main[3]!.id, block_height: 4n, block: undefined, receipt: undefined });
  });

  test("get_blocks_by_height walks the head's chain, ascending, clipped at the head", async () => {
    const byHeight = (head: protocol.Block, start: bigint, n: number) =>
      t.blocks.getBlocksByHeight({ head_block_id: head.id, ancestor_start_height: start, num_blocks: n, return_block: false, return_receipt: false }).then((r) => r.block_items);
    expect(hexIds(await byHeight(main[4]!, 1n, 5))).toEqual(idsOf(main));
    expect(hexIds(await byHeight(main[4]!, 2n, 1000))).toEqual(idsOf(main.slice(1)));
    expect(hexIds(await byHeight(main[4]!, 5n, 1))).toEqual(idsOf([main[4]!]));
    expect((await byHeight(main[4]!, 3n, 2)).map((i) => i.block_height)).toEqual([3n, 4n]);
    expect(hexIds(await byHeight(main[2]!, 1n, 10))).toEqual(idsOf(main.slice(0, 3)));
    // Heads on the fork see the fork's blocks above height 2.
    expect(hexIds(await byHeight(fork[2]!, 2n, 3))).toEqual(idsOf([main[1]!, fork[0]!, fork[1]!]));
    expect(hexIds(await byHeight(fork[3]!, 1n, 1000))).toEqual(idsOf([main[0]!, main[1]!, ...fork]));
  });

  test("get_blocks_by_height honours return_block and return_receipt", async () => {
    const req = { head_block_id: fork[1]!.id, ancestor_start_height: 3n, num_blocks: 2 };
    const both = (await t.blocks.getBlocksByHeight({ ...req, return_block: true, return_receipt: true })).block_items;
    expect(both.map((i) => i.block)).toEqual([fork[0]!, fork[1]!]);
    expect(both.map((i) => i.receipt)).toEqual([makeReceipt(fork[0]!), makeReceipt(fork[1]!)]);
    const blockOnly = (await t.blocks.getBlocksByHeight({ ...req, return_block: true, return_receipt: false })).block_items;
    expect(blockOnly.map((i) => [i.block?.id.length, i.receipt])).toEqual([
      [34, undefined],
      [34, undefined],
    ]);
    const receiptOnly = (await t.blocks.getBlocksByHeight({ ...req, return_block: false, return_receipt: true })).block_items;
    expect(receiptOnly.map((i) => [i.block, i.receipt?.height])).toEqual([
      [undefined, 3n],
      [undefined, 4n],
    ]);
    const json = toKoinosJson("cairn.block_store.v1.GetBlocksByHeightResponse", await t.blocks.getBlocksByHeight({ ...req, num_blocks: 1, return_block: false, return_receipt: false }));
    expect(json).toEqual({ block_items: [{ block_id: `0x${toHex(fork[0]!.id)}`, block_height: "3" }] });
  });

  test("get_blocks_by_height limits and error messages", async () => {
    const req = { head_block_id: main[4]!.id, ancestor_start_height: 1n, num_blocks: 1, return_block: false, return_receipt: false };
    expect(toKoinosJson("cairn.block_store.v1.GetBlocksByHeightResponse", await t.blocks.getBlocksByHeight({ ...req, num_blocks: 0, ancestor_start_height: 0n, head_block_id: unknown.id }))).toEqual({});
    const tooMany = await failure(t.blocks.getBlocksByHeight({ ...req, num_blocks: 1001 }));
    expect([tooMany.message, tooMany.status]).toEqual(["cannot request more than 1000 blocks", ErrorStatus.InvalidArgument]);
    expect((await t.blocks.getBlocksByHeight({ ...req, num_blocks: 1000 })).block_items).toHaveLength(5);
    const zero = await failure(t.blocks.getBlocksByHeight({ ...req, ancestor_start_height: 0n }));
    expect([zero.message, zero.status]).toEqual(["ancestor_start_height must be greater than 0", ErrorStatus.InvalidArgument]);
    const absent = await failure(t.blocks.getBlocksByHeight({ ...req, head_block_id: unknown.id }));
    expect([absent.message, absent.status]).toEqual([`Block not present - ID: 0x${toHex(unknown.id)}`, ErrorStatus.NotFound]);
    const above = await failure(t.blocks.getBlocksByHeight({ ...req, ancestor_start_height: 6n }));
    expect([above.message, above.status]).toEqual(["Block height mismatch", ErrorStatus.InvalidArgument]);
    for (const e of [tooMany, zero, absent, above]) {
      expect(koinosErrorData(e)).toBeUndefined();
      expect(e.data).toEqual({});
    }
  });

  test("get_blocks_by_id refuses more than 1000 ids", async () => {
    const ids = Array.from({ length: 1001 }, () => main[0]!.id);
    const e = await failure(t.blocks.getBlocksById({ block_ids: ids, return_block: false, return_receipt: false }));
    expect([e.message, e.status]).toEqual(["cannot request more than 1000 blocks", ErrorStatus.InvalidArgument]);
    expect((await t.blocks.getBlocksById({ block_ids: ids.slice(1), return_block: false, return_receipt: false })).block_items).toHaveLength(1000);
  });

  test("get_highest_block: the highest stored block's topology", async () => {
    const res = await t.blocks.getHighestBlock({});
    expect(res.topology).toEqual(protocol.BlockTopology.fromPartial({ id: fork[3]!.id, height: 6n, previous: fork[2]!.id }));
    expect(toKoinosJson("cairn.block_store.v1.GetHighestBlockResponse", res)).toEqual({ topology: { id: `0x${toHex(fork[3]!.id)}`, height: "6", previous: `0x${toHex(fork[2]!.id)}` } });
  });

  test("add_block is idempotent and requires a block", async () => {
    const before = await metricValue(t.metrics, "cairn_block_store_duplicate_blocks_total", { source: "add_block" });
    expect(await t.blocks.addBlock({ block_to_add: main[0]!, receipt_to_add: makeReceipt(main[0]!) })).toEqual({});
    expect(await metricValue(t.metrics, "cairn_block_store_duplicate_blocks_total", { source: "add_block" })).toBe(before + 1);
    expect(await metricValue(t.metrics, "cairn_block_store_blocks_stored_total", { source: "add_block" })).toBe(5);
    const missing = await failure(t.blocks.addBlock({ block_to_add: undefined, receipt_to_add: undefined }));
    expect([missing.code, missing.message, missing.status]).toEqual(["block_store.invalid_block", "missing expected field: block_to_add", ErrorStatus.InvalidArgument]);
    const noHeader = await failure(t.blocks.addBlock({ block_to_add: protocol.Block.fromPartial({ id: main[0]!.id }), receipt_to_add: undefined }));
    expect(noHeader.message).toBe("missing expected field: block.header");
  });

  test("add_block refuses forged blocks: wrong id, body, signature, parent or height", async () => {
    const good = makeBlock(fork[3]!, [], 7n);
    const forged: [protocol.Block, string][] = [
      [{ ...good, id: main[4]!.id }, "block rejected: block id does not match its header"],
      [{ ...good, transactions: [shared] }, "block rejected: transaction merkle root does not match its transactions"],
      [{ ...good, signature: new Uint8Array(65) }, "block rejected: invalid block signature"],
      [signBlock(protocol.Block.fromPartial({ ...good, header: { ...good.header!, signer: new Uint8Array(25) } }), PRODUCER_KEY), "block rejected: block signature is not by its header's signer"],
      [makeBlock(undefined, [], 9n, 5n, unknown.id), `block rejected: unknown previous block 0x${toHex(unknown.id)}`],
      [makeBlock(undefined, [], 9n, 999_999n, main[4]!.id), "block rejected: block height 999999 does not follow its parent's 5"],
      [makeBlock(undefined, [], 9n, 1n, main[0]!.id), "block rejected: block 1 must extend genesis"],
    ];
    for (const [block, message] of forged) {
      const e = await failure(t.blocks.addBlock({ block_to_add: block, receipt_to_add: undefined }));
      expect([e.code, e.message, e.status]).toEqual(["block_store.unverified_block", message, ErrorStatus.InvalidArgument]);
    }
    expect((await t.blocks.getBlocksById({ block_ids: [good.id], return_block: false, return_receipt: false })).block_items[0]!.block_height).toBe(0n);
  });

});

describe("TransactionStoreService", () => {
  test("get_transactions_by_id skips unknown ids and lists every containing block, any fork", async () => {
    const res = await t.transactions.getTransactionsById({ transaction_ids: [unknown.id, shared.id, forkOnly.id, mainOnly.id] });
    expect(res.transactions.map((i) => toHex(i.transaction!.id))).toEqual([shared, forkOnly, mainOnly].map((x) => toHex(x.id)));
    expect(res.transactions[0]!.transaction).toEqual(shared);
    expect(res.transactions.map((i) => i.containing_blocks.map(toHex))).toEqual([[toHex(main[2]!.id), toHex(fork[0]!.id)], [toHex(fork[1]!.id)], [toHex(main[3]!.id)]]);
    const json = toKoinosJson("cairn.transaction_store.v1.GetTransactionsByIdResponse", { transactions: res.transactions.slice(2) }) as { transactions: { containing_blocks: string[] }[] };
    expect(json.transactions[0]!.containing_blocks).toEqual([`0x${toHex(main[3]!.id)}`]);
  });

  test("all unknown gives {}; more than 1000 ids is refused", async () => {
    expect(toKoinosJson("cairn.transaction_store.v1.GetTransactionsByIdResponse", await t.transactions.getTransactionsById({ transaction_ids: [unknown.id] }))).toEqual({});
    expect((await t.transactions.getTransactionsById({ transaction_ids: [] }).catch((e) => e)).message).toBe("expected field transaction_ids was nil");
    const e = await failure(t.transactions.getTransactionsById({ transaction_ids: Array.from({ length: 1001 }, () => shared.id) }));
    expect([e.message, e.status]).toEqual(["cannot request more than 1000 transactions", ErrorStatus.InvalidArgument]);
  });
});

describe("block_store wire shape", () => {
  test("an empty block item encodes to nothing", () => {
    expect(block_store.BlockItem.encode(block_store.BlockItem.create()).finish()).toHaveLength(0);
  });
});

describe("blocks the chain did not commit", () => {
  test("a block the chain added but never committed is neither the highest block nor a containing block", async () => {
    // The chain hands block 7′ (with a transaction already mined) to the store, then dies before committing.
    const orphan = makeBlock(fork[3]!, [mainOnly], 3n);
    expect(await t.blocks.addBlock({ block_to_add: orphan, receipt_to_add: makeReceipt(orphan) })).toEqual({});
    expect((await t.blocks.getBlocksById({ block_ids: [orphan.id], return_block: false, return_receipt: false })).block_items[0]!.block_height).toBe(7n);
    expect((await t.blocks.getHighestBlock({})).topology?.height).toBe(6n);
    const txs = await t.transactions.getTransactionsById({ transaction_ids: [mainOnly.id] });
    expect(txs.transactions[0]!.containing_blocks.map(toHex)).toEqual([toHex(main[3]!.id)]);
    // The restarted chain commits a child of it (say, after a replay): the event vouches for both.
    const child = makeBlock(orphan, [], 3n);
    await t.blocks.addBlock({ block_to_add: child, receipt_to_add: makeReceipt(child) });
    expect((await t.blocks.getHighestBlock({})).topology?.height).toBe(6n);
    await t.publishAccepted(child);
    await waitUntil(async () => (await t.blocks.getHighestBlock({})).topology?.height === 8n, 20_000);
    const after = await t.transactions.getTransactionsById({ transaction_ids: [mainOnly.id] });
    expect(after.transactions[0]!.containing_blocks.map(toHex)).toEqual([toHex(main[3]!.id), toHex(orphan.id)]);
  });
});
