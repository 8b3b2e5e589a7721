/**
 * What must hold after a chaos run, read through the gateway: every acknowledged transaction is
 * in a committed block; the block store's chain is the chain's (highest block = head, and the
 * walk from the head is complete); account history lists every mined transfer of each sender —
 * checked once its applied head has reached the chain head (`cairn_account_history_head_height`
 * on its metrics endpoint; a restarted service replays block events from its durable consumer and
 * its head check catches up from the block store, which takes a while after the last kill);
 * balances sum to the supply; each sender's nonce is its last mined one. Transactions whose
 * submission failed but that went through all the same (`unacknowledged`) are not required, but
 * count for nonces and account history when mined.
 */
import { Signer } from "koilib";
import { fromBase64url } from "@cairn/core";
import { decodeNonce } from "@cairn/protocol";
import type { Acked } from "./load.ts";

type Rpc = (method: string, params: unknown) => Promise<{ result?: Record<string, unknown>; error?: { message: string; data?: string } }>;

export function rpcAt(url: string): Rpc {
  return async (method, params) => {
    const res = await fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), signal: AbortSignal.timeout(30_000) });
    return (await res.json()) as never;
  };
}

/** Where and how long the verifier waits for account history to reach the chain head. */
export interface HistoryWait {
  /** Account history's Prometheus endpoint (…/metrics). */
  metricsUrl: string;
  /** Longest wait, ms; past it the history check runs anyway and reports the lag with the gap. */
  timeoutMs: number;
  /** Progress lines (the lag while waiting). */
  say: (msg: string) => void;
}

export interface Verdict {
  acknowledged: number;
  mined: number;
  lost: string[];
  problems: string[];
}

/** Ids (0x-hex) among `ids` that are in a committed block. */
async function minedIds(rpc: Rpc, ids: string[]): Promise<Set<string>> {
  const mined = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const r = await rpc("transaction_store.get_transactions_by_id", { transaction_ids: ids.slice(i, i + 500) });
    for (const t of (r.result?.transactions as { transaction: { id: string }; containing_blocks?: string[] }[] | undefined) ?? []) {
      if ((t.containing_blocks ?? []).length > 0) mined.add(t.transaction.id);
    }
  }
  return mined;
}

/** Account history's applied head height from its metrics endpoint; undefined while it is unreachable. */
async function historyHeadHeight(metricsUrl: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })).text();
    const m = /^cairn_account_history_head_height(?:\{[^}]*\})? (\S+)$/m.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function chainHeadHeight(rpc: Rpc): Promise<number | undefined> {
  try {
    const r = await rpc("chain.get_head_info", {});
    return Number((r.result as { head_topology?: { height?: string } } | undefined)?.head_topology?.height ?? Number.NaN);
  } catch {
    return undefined;
  }
}

/**
 * Waits (up to `w.timeoutMs`) until account history's head reaches the chain head, printing the
 * lag every few seconds. Undefined once caught up; otherwise what it last saw, for the report.
 */
async function waitForHistory(rpc: Rpc, w: HistoryWait): Promise<string | undefined> {
  const started = Date.now();
  let lastSaid = 0;
  for (;;) {
    const [history, chain] = [await historyHeadHeight(w.metricsUrl), await chainHeadHeight(rpc)];
    const waited = ((Date.now() - started) / 1000).toFixed(0);
    const seen = `account history head ${history ?? "unknown (metrics unreachable)"}, chain head ${chain ?? "unknown"}${history !== undefined && chain !== undefined ? `, ${chain - history} blocks behind` : ""}`;
    if (history !== undefined && chain !== undefined && Number.isFinite(chain) && history >= chain) {
      w.say(`account history caught up with the chain head (${chain}) after ${waited} s`);
      return undefined;
    }
    if (Date.now() - started >= w.timeoutMs) return `after waiting ${waited} s: ${seen}`;
    if (Date.now() - lastSaid >= 5_000) {
      w.say(`waiting for account history to reach the chain head: ${seen}`);
      lastSaid = Date.now();
    }
    await Bun.sleep(1_000);
  }
}

/** Waits (up to `ms`) for acknowledged transactions to be mined, then checks everything. */
export async function verify(url: string, seed: string, accounts: number, supply: bigint, acked: Acked[], unacknowledged: Acked[], senders: number, ms: number, historyWait: HistoryWait): Promise<Verdict> {
  const rpc = rpcAt(url);
  const problems: string[] = [];
  const ids = acked.map((a) => a.id);
  let mined = new Set<string>();
  const deadline = Date.now() + ms;
  for (;;) {
    mined = await minedIds(rpc, ids).catch(() => mined);
    if (mined.size === ids.length || Date.now() > deadline) break;
    await Bun.sleep(2_000);
  }
  const lost = acked.filter((a) => !mined.has(a.id)).map((a) => `${a.id} (sender ${a.sender}, nonce ${a.nonce})`);
  const alsoMined = await minedIds(rpc, unacknowledged.map((a) => a.id)).catch(() => new Set<string>());
  const all = [...acked, ...unacknowledged];
  const isMined = (id: string) => mined.has(id) || alsoMined.has(id);

  // Block store == chain.
  const head = (await rpc("chain.get_head_info", {})).result as { head_topology: { id: string; height: string } } | undefined;
  const highest = (await rpc("block_store.get_highest_block", {})).result as { topology?: { id: string; height: string } } | undefined;
  if (head === undefined) problems.push("chain.get_head_info failed");
  else {
    if (highest?.topology?.id !== head.head_topology.id) problems.push(`block store highest ${highest?.topology?.height}:${highest?.topology?.id} is not the chain head ${head.head_topology.height}:${head.head_topology.id}`);
    const height = Number(head.head_topology.height);
    let walked = 0;
    for (let start = 1; start <= height; start += 1000) {
      const r = await rpc("block_store.get_blocks_by_height", { head_block_id: head.head_topology.id, ancestor_start_height: String(start), num_blocks: 1000, return_block: false, return_receipt: false });
      const items = (r.result?.block_items as { block_height: string }[] | undefined) ?? [];
      walked += items.length;
      if (items.length > 0 && Number(items[0]!.block_height) !== start) problems.push(`block store walk from the head starts at ${items[0]!.block_height}, not ${start}`);
    }
    if (walked !== height) problems.push(`block store holds ${walked} of the head's ${height} ancestors`);
  }

  // Nonces and account history, per sender, once account history has caught up (or given up on).
  const historyLag = await waitForHistory(rpc, historyWait);
  if (historyLag !== undefined) problems.push(`account history did not reach the chain head within ${historyWait.timeoutMs / 1000} s (CHAOS_HISTORY_TIMEOUT_MS): ${historyLag}`);
  let missingTotal = 0;
  for (let s = 0; s < senders; s++) {
    const signer = Signer.fromSeed(`${seed} ${s}`);
    const minedOfSender = all.filter((a) => a.sender === s && isMined(a.id));
    const r = await rpc("chain.get_account_nonce", { account: signer.getAddress() });
    const raw = r.result?.nonce as string | undefined;
    const onChain = raw === undefined ? 0n : decodeNonce(fromBase64url(raw));
    const last = minedOfSender.reduce((m, a) => (a.nonce > m ? a.nonce : m), 0n);
    if (minedOfSender.length > 0 && onChain !== last) problems.push(`sender ${s}: chain nonce ${onChain}, last mined nonce ${last}`);
    const inHistory = new Set<string>();
    let seq: string | undefined;
    for (let page = 0; page < 200; page++) {
      const h = await rpc("account_history.get_account_history", { address: signer.getAddress(), limit: 500, ascending: true, ...(seq === undefined ? {} : { seq_num: seq }) });
      const values = (h.result?.values as { seq_num?: string; trx?: { transaction?: { id: string } } }[] | undefined) ?? [];
      for (const v of values) if (v.trx?.transaction?.id) inHistory.add(v.trx.transaction.id);
      if (values.length < 500) break;
      seq = String(Number(values[values.length - 1]!.seq_num ?? 0) + 1);
    }
    const missing = minedOfSender.filter((a) => !inHistory.has(a.id));
    missingTotal += missing.length;
    if (missing.length > 0) problems.push(`sender ${s}: ${missing.length} mined transfers missing from account history (e.g. ${missing[0]!.id})${historyLag === undefined ? " although it reached the chain head" : ""}`);
  }
  if (missingTotal > 0 && historyLag !== undefined) problems.push(`${missingTotal} mined transfers missing from account history while it lagged (${historyLag})`);

  // Balances sum to the supply.
  let sum = 0n;
  for (let a = 0; a < accounts; a++) {
    const res = await fetch(`${url}/v1/accounts/${Signer.fromSeed(`${seed} ${a}`).getAddress()}/balance`);
    sum += BigInt(((await res.json()) as { value: string }).value);
  }
  if (sum !== supply) problems.push(`balances sum to ${sum}, supply is ${supply}`);
  return { acknowledged: acked.length, mined: acked.length - lost.length, lost, problems };
}
