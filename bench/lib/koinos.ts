/**
 * KOIN transfers signed ahead for the dev node's funded accounts (`cairn dev` seeds them as
 * sha256("<seed> <i>")): JSON-RPC `chain.submit_transaction` bodies in nonce order per sender,
 * with their ids, and the reads that count them afterwards (blocks, account history, balance).
 */
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, addressFromPrivateKey, addressToBase58, buildTransaction, decodeNonce, privateKeyFromSeed, toKoinosJson } from "@cairn/protocol";
import { fromBase64url, toBase64url } from "@cairn/core";
import { rpc } from "./util.ts";

export const KOIN_ADDRESS = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
const KOIN = addressFromBase58(KOIN_ADDRESS);
export const DEV_SEED = "cairn dev";

export interface Account {
  key: Uint8Array;
  address: Uint8Array;
  base58: string;
}

export function devAccount(i: number, seed = DEV_SEED): Account {
  const key = privateKeyFromSeed(`${seed} ${i}`);
  const address = addressFromPrivateKey(key);
  return { key, address, base58: addressToBase58(address) };
}

export async function chainIdOf(url: string): Promise<Uint8Array> {
  return fromBase64url((await rpc<{ chain_id: string }>(url, "chain.get_chain_id")).chain_id);
}

export async function nonceOf(url: string, account: Account): Promise<bigint> {
  const r = await rpc<{ nonce?: string }>(url, "chain.get_account_nonce", { account: account.base58 });
  return r.nonce ? decodeNonce(fromBase64url(r.nonce)) : 0n;
}

/** `count` transfers of 1 satoshi from each sender to `to`, nonces from `nextNonce[s]`; bodies and transaction ids (as Koinos JSON shows them). */
export function signTransfers(chainId: Uint8Array, senders: Account[], to: Account, nextNonce: bigint[], count: number): { bodies: string[][]; ids: string[] } {
  const bodies: string[][] = [];
  const ids: string[] = [];
  senders.forEach((from, s) => {
    const list: string[] = [];
    for (let k = 0; k < count; k++) {
      const nonce = nextNonce[s]! + BigInt(k);
      const args = token.TransferArguments.encode({ from: from.address, to: to.address, value: 1n }).finish();
      const op = protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN, entry_point: KoinEntryPoint.transfer, args } });
      const tx = buildTransaction({ chainId, nonce, rcLimit: 10_000_000n, operations: [op] }, from.key);
      const json = toKoinosJson("cairn.protocol.v1.Transaction", tx) as { id: string };
      ids.push(json.id);
      list.push(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain.submit_transaction", params: { transaction: json, broadcast: true } }));
    }
    nextNonce[s] = nextNonce[s]! + BigInt(count);
    bodies.push(list);
  });
  return { bodies, ids };
}

export async function koinBalance(url: string, owner: Account): Promise<bigint> {
  const args = toBase64url(token.BalanceOfArguments.encode({ owner: owner.address }).finish());
  const r = await rpc<{ result?: string }>(url, "chain.read_contract", { contract_id: KOIN_ADDRESS, entry_point: KoinEntryPoint.balance_of, args });
  return r.result ? token.Uint64Result.decode(fromBase64url(r.result)).value : 0n;
}

export async function headHeight(url: string): Promise<number> {
  const r = await rpc<{ head_topology: { height?: string; id: string } }>(url, "chain.get_head_info");
  return Number(r.head_topology.height ?? 0);
}

/** Account history entries of `account` so far (the next seq_num), from the newest entry. */
export async function historyLength(url: string, account: Account): Promise<number> {
  const r = await rpc<{ values?: { seq_num?: string }[] }>(url, "account_history.get_account_history", { address: account.base58, limit: 1, ascending: false, irreversible: false });
  const last = r.values?.[0];
  return last === undefined ? 0 : Number(last.seq_num ?? 0) + 1;
}

/** How many times each id of `ids` appears in the blocks above `fromHeight` up to `toHeight` (walked 50 blocks a call). */
export async function countInBlocks(url: string, ids: Set<string>, fromHeight: number, toHeight: number): Promise<{ found: number; duplicates: number; blocks: number }> {
  const head = await rpc<{ head_topology: { id: string } }>(url, "chain.get_head_info");
  const seen = new Set<string>();
  let duplicates = 0;
  let blocks = 0;
  for (let h = fromHeight + 1; h <= toHeight; h += 50) {
    const n = Math.min(50, toHeight - h + 1);
    const r = await rpc<{ block_items?: { block?: { transactions?: { id: string }[] } }[] }>(url, "block_store.get_blocks_by_height", { head_block_id: head.head_topology.id, ancestor_start_height: String(h), num_blocks: n, return_block: true, return_receipt: false });
    for (const item of r.block_items ?? []) {
      blocks++;
      for (const tx of item.block?.transactions ?? []) {
        if (!ids.has(tx.id)) continue;
        if (seen.has(tx.id)) duplicates++;
        seen.add(tx.id);
      }
    }
  }
  return { found: seen.size, duplicates, blocks };
}
