/**
 * The one-process dev node end to end: in interval mode, transfers from two dev
 * accounts (two per account within one block interval) reach blocks, the block store (by id and by
 * height), the transaction store, and leave the mempool empty; a restart on the same data
 * directory keeps everything.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBase64url, toHex } from "@cairn/core";
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, addressFromPrivateKey, addressToBase58, buildTransaction, privateKeyFromSeed, toKoinosJson } from "@cairn/protocol";
import { type E2eTarget, eventually, rpc, startTarget } from "./target.ts";

const KOIN = addressFromBase58("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL");
const dir = mkdtempSync(join(tmpdir(), "cairn-dev-e2e-"));
let target: E2eTarget | undefined;
afterAll(async () => {
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function transfer(chainId: Uint8Array, seed: string, from: number, to: number, value: bigint, nonce: bigint): protocol.Transaction {
  const key = privateKeyFromSeed(`${seed} ${from}`);
  const fromAddr = addressFromBase58(accountAddress(seed, from));
  const args = token.TransferArguments.encode(token.TransferArguments.fromPartial({ from: fromAddr, to: addressFromBase58(accountAddress(seed, to)), value })).finish();
  const op = protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN, entry_point: KoinEntryPoint.transfer, args } });
  return buildTransaction({ chainId, nonce, rcLimit: 100_000_000n, operations: [op] }, key);
}

function accountAddress(seed: string, i: number): string {
  return addressToBase58(addressFromPrivateKey(privateKeyFromSeed(`${seed} ${i}`)));
}

describe("one-process dev node (interval mode)", () => {
  test("two transfers per account within one block interval, everywhere, mempool empty; restart keeps it", async () => {
    target = await startTarget({ memory: false, data: dir, mode: "interval", intervalMs: 1500 }, { local: true });
    const url = target.url;
    const chainId = fromBase64url((await rpc(url, "chain.get_chain_id")).result!.chain_id as string);
    const txs = [transfer(chainId, target.seed, 0, 2, 100n, 1n), transfer(chainId, target.seed, 1, 2, 200n, 1n), transfer(chainId, target.seed, 0, 2, 300n, 2n), transfer(chainId, target.seed, 1, 2, 400n, 2n)];
    // Submit right after a block lands, so all four fall in one 1.5 s interval.
    const height = async () => BigInt(((await rpc(url, "chain.get_head_info")).result!.head_topology as { height?: string }).height ?? "0");
    const h0 = await height();
    const startHeight = await eventually(async () => {
      const h = await height();
      return h > h0 ? h : undefined;
    }, 10_000, "the next interval block");
    for (const tx of txs) {
      const res = await rpc(url, "chain.submit_transaction", { transaction: toKoinosJson("cairn.protocol.v1.Transaction", tx), broadcast: true });
      expect(res.error).toBeUndefined();
    }
    // Each is pending (the mempool takes it from the bus right after its receipt) until its block.
    const ids = txs.map((t) => "0x" + toHex(t.id));
    await eventually(async () => {
      const pending = await rpc(url, "mempool.get_pending_transactions", { limit: 100 });
      const pendingIds = ((pending.result?.pending_transactions as { transaction: { id: string } }[]) ?? []).map((p) => p.transaction.id);
      const stored = await rpc(url, "transaction_store.get_transactions_by_id", { transaction_ids: ids });
      const minedIds = ((stored.result?.transactions as { transaction: { id: string } }[]) ?? []).map((t) => t.transaction.id);
      return ids.every((id) => pendingIds.includes(id) || minedIds.includes(id)) ? true : undefined;
    }, 20_000, "every transaction pending or mined");

    // The transaction store lists every one with its block.
    const items = await eventually(async () => {
      const r = await rpc(url, "transaction_store.get_transactions_by_id", { transaction_ids: ids });
      const list = (r.result?.transactions as { containing_blocks?: string[] }[]) ?? [];
      return list.length === 4 && list.every((i) => i.containing_blocks?.length) ? list : undefined;
    }, 20_000, "transactions in the transaction store");
    const blockIds = [...new Set(items.flatMap((i) => i.containing_blocks!))];
    expect(blockIds).toHaveLength(1); // all four in the one next block
    // Block store by id, then by height from the head: the same blocks, containing the transactions.
    const byId = await rpc(url, "block_store.get_blocks_by_id", { block_ids: blockIds, return_block: true });
    const blocks = byId.result!.block_items as { block_id: string; block_height: string; block: { transactions?: { id: string }[] } }[];
    expect(blocks.map((b) => b.block_id)).toEqual(blockIds);
    expect(blocks.flatMap((b) => b.block.transactions?.map((t) => t.id) ?? []).sort()).toEqual([...ids].sort());
    const head = (await rpc(url, "chain.get_head_info")).result!.head_topology as { id: string; height: string };
    for (const b of blocks) {
      const r = await rpc(url, "block_store.get_blocks_by_height", { head_block_id: head.id, ancestor_start_height: Number(b.block_height), num_blocks: 1, return_block: false });
      expect((r.result!.block_items as { block_id: string }[])[0]!.block_id).toBe(b.block_id);
      expect(BigInt(b.block_height)).toBeGreaterThan(startHeight);
    }
    // Mempool empty afterwards.
    await eventually(async () => {
      const r = await rpc(url, "mempool.get_pending_transactions", { limit: 100 });
      return r.result && !r.result.pending_transactions ? true : undefined;
    }, 10_000, "an empty mempool");
    const balance = async (node: string) => {
      const encoded = token.BalanceOfArguments.encode({ owner: addressFromBase58(accountAddress(target!.seed, 2)) }).finish();
      const r = await rpc(node, "chain.read_contract", { contract_id: "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL", entry_point: KoinEntryPoint.balance_of, args: Buffer.from(encoded).toString("base64url") });
      return token.Uint64Result.decode(fromBase64url(r.result!.result as string)).value;
    };
    const before = await balance(url);

    // Restart on the same data directory: same head, same stores.
    await target.stop();
    target = await startTarget({ memory: false, data: dir, mode: "manual" }, { local: true });
    const again = target.url;
    const head2 = (await rpc(again, "chain.get_head_info")).result!.head_topology as { id: string; height: string };
    expect(head2.id).toBe(head.id);
    const r = await rpc(again, "transaction_store.get_transactions_by_id", { transaction_ids: ids });
    expect((r.result!.transactions as unknown[]).length).toBe(4);
    const byId2 = await rpc(again, "block_store.get_blocks_by_id", { block_ids: blockIds, return_block: false });
    expect((byId2.result!.block_items as { block_id: string }[]).map((b) => b.block_id)).toEqual(blockIds);
    expect(await balance(again)).toBe(before);
    const hist = await rpc(again, "account_history.get_account_history", { address: accountAddress(target.seed, 2), limit: 10, ascending: true });
    expect((hist.result?.values as unknown[] | undefined)?.length ?? 0).toBeGreaterThanOrEqual(4);
  }, 240_000); // two node starts (PGlite init on a data dir) on a busy 2-core machine
});
