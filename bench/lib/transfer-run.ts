/**
 * One end-to-end transfer run, the same shape for every node: S senders, each with transfers
 * signed ahead and sent over JSON-RPC in nonce order, one at a time. A short warm-up (also the
 * rate estimate that sizes the measured run) comes first; the measured run then submits until
 * every transfer is sent or the deadline passes, and ends when the recipient's balance shows
 * every submitted transfer. The transfers are then counted in the blocks (each once) and, where
 * the node keeps it, in account history.
 */
import { type EvmAccount, countEvmInBlocks, evmRpc, signEvmTransfers } from "./anvil.ts";
import { type Account, chainIdOf, countInBlocks, devAccount, headHeight, historyLength, koinBalance, nonceOf, signTransfers } from "./koinos.ts";
import { submitOrdered } from "./load.ts";
import { QUICK, round, say } from "./util.ts";

export interface RunShape {
  senders: number;
  /** Minimum seconds of sustained submission in the measured run (the full form: 60). */
  seconds: number;
  /** At least this many transfers in the measured run (memory target: 100,000), unless the deadline cuts it. */
  minTransfers: number;
  /** Most seconds the measured run may submit for. */
  deadlineSeconds: number;
  /** Transfers per sender in the warm-up. */
  warmupPerSender: number;
  /** Most transfers per sender signed for the measured run. */
  maxPerSender: number;
}

export function defaultShape(): RunShape {
  return QUICK
    ? { senders: 20, seconds: 3, minTransfers: 200, deadlineSeconds: 20, warmupPerSender: 2, maxPerSender: 20 }
    : { senders: 100, seconds: 60, minTransfers: 100_000, deadlineSeconds: 300, warmupPerSender: 10, maxPerSender: 3_000 };
}

export interface TransferRunResult {
  /** Transfers included (in blocks) by the end of the run. */
  transfers: number;
  /** Transfers accepted by the node's JSON-RPC (more than `transfers` when some never reached a block in time). */
  submitted: number;
  senders: number;
  per_sender_signed: number;
  signed_in_s: number;
  warmup_transfers_per_second: number;
  /** Seconds from the first submission to the recipient's balance showing the last one. */
  seconds: number;
  submit_seconds: number;
  transfers_per_second: number;
  submit_latency: { p50_ms: number; p99_ms: number };
  /** Submissions refused with "too many transactions awaiting the mempool" and sent again after a wait (the warm-up's and the run's). */
  retried_refusals: number;
  cut_by_deadline: boolean;
  counted_in_blocks: { found: number; duplicates: number; blocks: number };
  counted_in_history?: { recipient: number; senders: number; senders_short: number };
  /** anvil: times pending transfers were mined with evm_mine because nothing else arrived. */
  evm_mine_nudges?: number;
  /** Seconds after the balance showed every transfer until account history did too. */
  history_lag_s?: number;
  peak_rss_mb?: number;
}

/** Samples a process's RSS every second while a run goes on; returns the peak. */
function rssSampler(rss?: () => number | undefined): { stop(): number | undefined } {
  if (!rss) return { stop: () => undefined };
  let peak = 0;
  const t = setInterval(() => (peak = Math.max(peak, rss() ?? 0)), 1000);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, rss() ?? 0) || undefined;
    },
  };
}

/**
 * Waits until `included()` reaches `want` (or throws after `timeoutMs`); returns performance.now()
 * at that moment. `nudge`, when given, is called whenever nothing moved for 2 s (anvil's automine
 * mines on arrival, so transactions left pending when submission stops wait for a next one).
 */
async function waitIncluded(included: () => Promise<bigint>, want: bigint, timeoutMs: number, nudge?: () => Promise<void>): Promise<number> {
  const r = await waitSome(included, want, timeoutMs, nudge);
  if (r.included < Number(want)) throw new Error(`only ${r.included} of ${want} transfers included after ${timeoutMs / 1000} s`);
  return r.at;
}

/** As waitIncluded, but at the timeout resolves with what is included so far (the moment it last grew) instead of throwing. */
async function waitSome(included: () => Promise<bigint>, want: bigint, timeoutMs: number, nudge?: () => Promise<void>): Promise<{ at: number; included: number }> {
  const deadline = performance.now() + timeoutMs;
  let last = -1n;
  let since = performance.now();
  let grewAt = performance.now();
  for (;;) {
    const n = await included();
    if (n >= want) return { at: performance.now(), included: Number(want) };
    if (n !== last) grewAt = performance.now();
    if (performance.now() > deadline) {
      say(`only ${n} of ${want} transfers included ${timeoutMs / 1000} s after the last submission`);
      return { at: grewAt, included: Number(n) };
    }
    if (n !== last) [last, since] = [n, performance.now()];
    else if (nudge && performance.now() - since > 2_000) {
      await nudge();
      since = performance.now();
    }
    await Bun.sleep(20);
  }
}

/**
 * Transfers per sender to sign: enough for `seconds` (+5) at 4× the warm-up rate, and
 * `minTransfers` as long as the deadline can take them at 1.5× that rate (signing what cannot be
 * sent is waste). All of it is signed before the measured part: signing while submitting takes the
 * CPU the node needs (2 cores), and the run stops once it has both `seconds` and `minTransfers`.
 */
function perSenderFor(shape: RunShape, rate: number): number {
  // 4×: the warm-up is short and undershoots (JIT, a block-time mode waits for blocks): a dev node
  // warmed up at 914/s ran at 3,143/s, and 2.2× ended that run at 41.6 s. The stop condition cuts the excess.
  const forSeconds = rate * 4 * (shape.seconds + 5);
  const forMinimum = Math.min(shape.minTransfers, rate * 1.5 * shape.deadlineSeconds);
  return Math.min(shape.maxPerSender, Math.max(1, Math.ceil(Math.max(forSeconds, forMinimum) / shape.senders)));
}

/** Submission may stop once it has run `seconds` and sent `minTransfers`. */
function enoughFor(shape: RunShape): (submitted: number, elapsedMs: number) => boolean {
  return (submitted, elapsedMs) => submitted >= shape.minTransfers && elapsedMs >= shape.seconds * 1000;
}

/** The run against a Cairn node (dev or cluster) at `url`, whose accounts 0…senders are funded by seed. */
export async function runKoinosTransfers(url: string, shape: RunShape, o: { rss?: () => number | undefined; history: boolean }): Promise<TransferRunResult> {
  const senders: Account[] = Array.from({ length: shape.senders }, (_, i) => devAccount(i));
  const to = devAccount(shape.senders);
  const chainId = await chainIdOf(url);
  const nonces = await Promise.all(senders.map(async (a) => (await nonceOf(url, a)) + 1n));

  // Warm-up: JIT, caches, and the rate estimate that sizes the measured run.
  say(`warm-up: signing ${shape.senders} × ${shape.warmupPerSender} transfers`);
  const warm = signTransfers(chainId, senders, to, nonces, shape.warmupPerSender);
  const warmBase = await koinBalance(url, to);
  const w0 = performance.now();
  const warmSubmit = await submitOrdered(url, warm.bodies);
  const w1 = await waitIncluded(async () => (await koinBalance(url, to)) - warmBase, BigInt(warmSubmit.submitted), 120_000);
  const warmRate = warmSubmit.submitted / ((w1 - w0) / 1000);
  say(`warm-up: ${warmSubmit.submitted} transfers at ${round(warmRate)}/s`);

  const per = perSenderFor(shape, warmRate);
  say(`signing ${shape.senders} × ${per} = ${shape.senders * per} transfers ahead`);
  const s0 = performance.now();
  const run = signTransfers(chainId, senders, to, nonces, per);
  const signedIn = (performance.now() - s0) / 1000;
  say(`signed in ${round(signedIn, 1)} s; measuring (at least ${shape.seconds} s, at most ${shape.deadlineSeconds} s of submission)`);

  const base = await koinBalance(url, to);
  const height0 = await headHeight(url);
  const historyBefore = o.history ? await Promise.all([to, ...senders].map((a) => historyLength(url, a))) : [];
  const sampler = rssSampler(o.rss);
  const progress = setInterval(() => void koinBalance(url, to).then((b) => say(`… ${b - base} transfers in blocks`), () => undefined), 10_000);
  const enough = enoughFor(shape);
  const t0 = performance.now();
  let submit;
  try {
    submit = await submitOrdered(url, run.bodies, t0 + shape.deadlineSeconds * 1000, undefined, enough);
  } finally {
    clearInterval(progress);
  }
  const { at: t1, included } = await waitSome(async () => (await koinBalance(url, to)) - base, BigInt(submit.submitted), 60_000);
  const peak = sampler.stop();
  const seconds = (t1 - t0) / 1000;

  // Counted once: in the blocks (each id once) and in account history (one entry per party).
  const submittedIds = new Set<string>();
  submit.submittedPerSender.forEach((n, s) => {
    for (let j = 0; j < n; j++) submittedIds.add(run.ids[s * per + j]!);
  });
  const height1 = await headHeight(url);
  say(`counting ${submit.submitted} transfers in blocks ${height0 + 1}…${height1}`);
  const inBlocks = await countInBlocks(url, submittedIds, height0, height1);
  let inHistory: TransferRunResult["counted_in_history"];
  let historyLagS: number | undefined;
  if (o.history) {
    // Account history may follow the blocks a little later (the cluster's consumes the bus): wait for it.
    const h0 = performance.now();
    await waitSome(async () => BigInt((await historyLength(url, to)) - historyBefore[0]!), BigInt(included), 120_000);
    historyLagS = round((performance.now() - h0) / 1000, 1);
    const after = await Promise.all([to, ...senders].map((a) => historyLength(url, a)));
    const deltas = after.map((n, i) => n - historyBefore[i]!);
    const senderDeltas = deltas.slice(1);
    inHistory = { recipient: deltas[0]!, senders: senderDeltas.reduce((a, b) => a + b, 0), senders_short: senderDeltas.filter((d, i) => d !== submit.submittedPerSender[i]).length };
  }
  return {
    transfers: included,
    submitted: submit.submitted,
    senders: shape.senders,
    per_sender_signed: per,
    signed_in_s: round(signedIn, 1),
    warmup_transfers_per_second: round(warmRate),
    seconds: round(seconds, 1),
    submit_seconds: round(submit.elapsedMs / 1000, 1),
    transfers_per_second: round(included / seconds),
    submit_latency: submit.latency,
    retried_refusals: warmSubmit.retries + submit.retries,
    cut_by_deadline: submit.submitted < shape.senders * per && !enough(submit.submitted, submit.elapsedMs),
    counted_in_blocks: inBlocks,
    counted_in_history: inHistory,
    history_lag_s: historyLagS,
    peak_rss_mb: peak,
  };
}

/** The same run against anvil at `url` with its funded accounts. */
export async function runEvmTransfers(url: string, accounts: EvmAccount[], shape: RunShape, o: { rss?: () => number | undefined; rateHint?: number }): Promise<TransferRunResult> {
  const senders = accounts.slice(0, shape.senders);
  const to = accounts[shape.senders]!.address;
  const nonces = await Promise.all(senders.map(async (a) => Number(BigInt(await evmRpc<string>(url, "eth_getTransactionCount", [a.address, "pending"])))));
  const balance = async () => BigInt(await evmRpc<string>(url, "eth_getBalance", [to, "latest"]));
  const height = async () => Number(BigInt(await evmRpc<string>(url, "eth_blockNumber", [])));
  let nudges = 0;
  const nudge = async () => {
    nudges++;
    await evmRpc(url, "evm_mine", []);
  };

  say(`warm-up: signing ${shape.senders} × ${shape.warmupPerSender} transfers`);
  const warm = await signEvmTransfers(senders, to, nonces, shape.warmupPerSender);
  const warmBase = await balance();
  const w0 = performance.now();
  const warmSubmit = await submitOrdered(url, warm.bodies);
  const w1 = await waitIncluded(async () => (await balance()) - warmBase, BigInt(warmSubmit.submitted), 120_000, nudge);
  const warmRate = warmSubmit.submitted / ((w1 - w0) / 1000);
  say(`warm-up: ${warmSubmit.submitted} transfers at ${round(warmRate)}/s`);

  // A probe of the same mode knows the rate better than the short warm-up.
  const per = perSenderFor({ ...shape, minTransfers: 0 }, Math.max(warmRate, o.rateHint ?? 0));
  say(`signing ${shape.senders} × ${per} = ${shape.senders * per} transfers ahead`);
  const s0 = performance.now();
  const run = await signEvmTransfers(senders, to, nonces, per);
  const signedIn = (performance.now() - s0) / 1000;
  say(`signed in ${round(signedIn, 1)} s; measuring`);

  const base = await balance();
  const height0 = await height();
  const sampler = rssSampler(o.rss);
  const t0 = performance.now();
  const enough = enoughFor({ ...shape, minTransfers: 0 });
  const submit = await submitOrdered(url, run.bodies, t0 + shape.deadlineSeconds * 1000, undefined, enough);
  const { at: t1, included } = await waitSome(async () => (await balance()) - base, BigInt(submit.submitted), 60_000, nudge);
  const peak = sampler.stop();
  const seconds = (t1 - t0) / 1000;
  if (nudges > 0) say(`anvil left transfers pending with nothing arriving: mined them with evm_mine (${nudges} time(s))`);
  const submitted = new Set<string>();
  submit.submittedPerSender.forEach((n, s) => {
    for (let j = 0; j < n; j++) submitted.add(run.hashes[s * per + j]!);
  });
  const inBlocks = await countEvmInBlocks(url, submitted, height0, await height());
  return {
    transfers: included,
    submitted: submit.submitted,
    senders: shape.senders,
    per_sender_signed: per,
    signed_in_s: round(signedIn, 1),
    warmup_transfers_per_second: round(warmRate),
    seconds: round(seconds, 1),
    submit_seconds: round(submit.elapsedMs / 1000, 1),
    transfers_per_second: round(included / seconds),
    submit_latency: submit.latency,
    retried_refusals: warmSubmit.retries + submit.retries,
    cut_by_deadline: submit.submitted < shape.senders * per && !enough(submit.submitted, submit.elapsedMs),
    counted_in_blocks: inBlocks,
    peak_rss_mb: peak,
    evm_mine_nudges: nudges,
  };
}
