/** Every MempoolService RPC through a real gRPC server, fed through the in-process bus. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { waitUntil } from "@cairn/test-utils";
import { toHex } from "@cairn/core";
import { mempool, type protocol } from "@cairn/proto";
import { encodeNonce, toKoinosJson } from "@cairn/protocol";
import { type ServiceClient, createGrpcClient, createInProcessClient } from "@cairn/rpc";
import { mempoolChecksFromClient } from "./client.ts";
import { defaultMempoolOptions } from "./options.ts";
import { ACCOUNTS, makeTx } from "./testing/fixtures.ts";
import { type TestUnit, startTestUnit } from "./testing/unit.ts";
import { emptySharedDb } from "./testing/shared-db.ts";

let t: TestUnit;
let client: ServiceClient<typeof mempool.MempoolServiceDefinition>;

beforeAll(async () => {
  t = await startTestUnit({ db: await emptySharedDb() });
  client = createGrpcClient(mempool.MempoolServiceDefinition, `127.0.0.1:${t.port}`);
}, 30_000);

afterAll(async () => {
  client?.close();
  await t?.unit.stop();
  await t?.bus.close();
});

const hexIds = (xs: { transaction?: protocol.Transaction; id?: Uint8Array }[]) => xs.map((x) => toHex(x.transaction?.id ?? x.id!));

/** Publishes accepts and waits until all are pending. */
async function submit(...txs: protocol.Transaction[]): Promise<void> {
  for (const tx of txs) await t.publishTx(tx, { rcUsed: 100n, disk: 1n, network: 2n, compute: 3n, system: 4n });
  await waitUntil(() => txs.every((tx) => t.unit.controller.pool.has(toHex(tx.id))));
}

/** Includes every pending transaction in a head block, so the next test starts empty. */
async function drain(): Promise<void> {
  const b = t.chain.extend(t.unit.controller.queries.pending(10_000).map((e) => e.tx));
  await t.publishBlock(b);
  await waitUntil(() => t.unit.controller.pool.size === 0 && t.unit.controller.lastApplied?.height === b.header!.height);
}

describe("MempoolService over gRPC (koinos-mempool's rules)", () => {
  test("get_pending_transactions: arrival order, resource fields, limit (0 or absent: nothing), over 2,000 refused", async () => {
    const a = makeTx(0, 1n, { to: 1 });
    const b = makeTx(1, 1n);
    const c = makeTx(0, 2n, { to: 2 });
    await submit(a, b, c);
    expect((await client.getPendingTransactions({ limit: 0n })).pending_transactions).toEqual([]);
    expect((await t.unit.mempool.getPendingTransactions(mempool.GetPendingTransactionsRequest.fromPartial({}), {} as never)).pending_transactions).toEqual([]);
    const all = await client.getPendingTransactions({ limit: 10n });
    expect(hexIds(all.pending_transactions)).toEqual(hexIds([a, b, c]));
    const first = all.pending_transactions[0]!;
    expect([first.disk_storage_used, first.network_bandwidth_used, first.compute_bandwidth_used]).toEqual([1n, 2n, 3n]);
    expect([first.system_disk_storage_used, first.system_network_bandwidth_used, first.system_compute_bandwidth_used]).toEqual([4n, 4n, 4n]);
    expect(first.transaction?.signatures).toEqual(a.signatures);
    expect(hexIds((await client.getPendingTransactions({ limit: 2n })).pending_transactions)).toEqual(hexIds([a, b]));
    expect(hexIds((await client.getPendingTransactions({ limit: 2000n })).pending_transactions)).toHaveLength(3);
    const err = await client.getPendingTransactions({ limit: 2001n }).catch((e) => e);
    expect(err.message).toBe("requested too many pending transactions. max: 2000");
    expect(err.code).toBe("mempool.too_many_requested");
    const inProcess = createInProcessClient(mempool.MempoolServiceDefinition, t.unit.mempool);
    expect(hexIds((await inProcess.getPendingTransactions({ limit: 1n })).pending_transactions)).toEqual(hexIds([a]));
    expect((await inProcess.getPendingTransactions({ limit: 2001n }).catch((e) => e)).code).toBe("mempool.too_many_requested");
    await drain();
  });

  test("get_pending_transactions_by_id: request order, unknown ids skipped, over 2,000 refused", async () => {
    const a = makeTx(2, 1n);
    const b = makeTx(3, 1n);
    await submit(a, b);
    const res = await client.getPendingTransactionsById({ transaction_ids: [b.id, makeTx(4, 9n).id, a.id] });
    expect(hexIds(res.pending_transactions)).toEqual(hexIds([b, a]));
    expect((await client.getPendingTransactionsById({ transaction_ids: [] })).pending_transactions).toEqual([]);
    const err = await client.getPendingTransactionsById({ transaction_ids: Array.from({ length: 2001 }, () => a.id) }).catch((e) => e);
    expect(err.message).toBe("requested too many pending transactions. max: 2000");
    await drain();
  });

  test("block_id: the head the pending set reflects is answered, another block is unknown", async () => {
    const a = makeTx(3, 2n);
    await submit(a);
    const head = t.unit.controller.lastApplied!;
    expect(head.height).toBeGreaterThan(0n);
    expect(hexIds((await client.getPendingTransactions({ limit: 10n, block_id: head.id })).pending_transactions)).toEqual(hexIds([a]));
    expect(hexIds((await client.getPendingTransactionsById({ transaction_ids: [a.id], block_id: head.id })).pending_transactions)).toEqual(hexIds([a]));
    expect((await client.getPendingNonce({ payee: ACCOUNTS[3]!, block_id: head.id })).nonce).toEqual(encodeNonce(2n));
    const other = new Uint8Array([0x12, 0x20, ...new Uint8Array(32).fill(7)]);
    expect((await client.getPendingTransactions({ limit: 10n, block_id: other }).catch((e) => e)).message).toBe("cannot retrieve pending transactions from an unknown block");
    expect((await client.checkPendingAccountResources({ payer: ACCOUNTS[3]!, max_payer_rc: 5n, rc_limit: 5n, block_id: other }).catch((e) => e)).message).toBe("cannot check pending account resources from an unknown block");
    expect((await client.checkAccountNonce({ payee: ACCOUNTS[3]!, nonce: encodeNonce(3n), block_id: other }).catch((e) => e)).message).toBe("cannot check pending account resources from an unknown block");
    expect((await client.getPendingNonce({ payee: ACCOUNTS[3]!, block_id: other }).catch((e) => e)).message).toBe("cannot check pending nonce from an unknown block");
    expect((await client.getPendingTransactionCount({ payee: ACCOUNTS[3]!, block_id: other }).catch((e) => e)).message).toBe("cannot check pending nonce from an unknown block");
    await drain();
  });

  test("get_pending_nonce, check_account_nonce, get_pending_transaction_count for a payee", async () => {
    const payee = ACCOUNTS[5]!;
    expect((await client.getPendingNonce({ payee })).nonce).toEqual(new Uint8Array());
    expect(toKoinosJson("cairn.mempool.v1.GetPendingNonceResponse", await client.getPendingNonce({ payee }))).toEqual({});
    expect((await client.checkAccountNonce({ payee, nonce: encodeNonce(12n) })).success).toBe(true);
    expect((await client.getPendingTransactionCount({ payee })).count).toBe(0n);
    await submit(makeTx(5, 1n), makeTx(5, 2n), makeTx(6, 3n, { payee: 5 }));
    const nonce = await client.getPendingNonce({ payee });
    expect(nonce.nonce).toEqual(encodeNonce(3n));
    expect(toKoinosJson("cairn.mempool.v1.GetPendingNonceResponse", nonce)).toEqual({ nonce: "KAM=" });
    // False only when exactly that nonce is pending for the payee.
    expect((await client.checkAccountNonce({ payee, nonce: encodeNonce(4n) })).success).toBe(true);
    expect((await client.checkAccountNonce({ payee, nonce: encodeNonce(3n) })).success).toBe(false);
    expect((await client.checkAccountNonce({ payee, nonce: encodeNonce(1n) })).success).toBe(false);
    expect((await client.checkAccountNonce({ payee, nonce: encodeNonce(5n) })).success).toBe(true);
    expect((await client.getPendingTransactionCount({ payee })).count).toBe(3n);
    await drain();
  });

  test("get_reserved_account_rc (the sum of pending rc_limits) and check_pending_account_resources", async () => {
    const payer = ACCOUNTS[7]!;
    await submit(makeTx(7, 1n, { rcLimit: 100n }), makeTx(7, 2n, { rcLimit: 100n }));
    expect((await client.getReservedAccountRc({ account: payer })).rc).toBe(200n);
    expect((await client.checkPendingAccountResources({ payer, max_payer_rc: 1_000n, rc_limit: 800n })).success).toBe(true);
    expect((await client.checkPendingAccountResources({ payer, max_payer_rc: 1_000n, rc_limit: 801n })).success).toBe(false);
    expect((await client.checkPendingAccountResources({ payer: ACCOUNTS[6]!, max_payer_rc: 5n, rc_limit: 5n })).success).toBe(true);
    expect((await client.checkPendingAccountResources({ payer: ACCOUNTS[6]!, max_payer_rc: 5n, rc_limit: 6n })).success).toBe(false);
    // check_submissions: the same answers in one call, per check, over gRPC and in-process.
    const tx1 = makeTx(7, 1n, { rcLimit: 100n });
    const asked = { payer, payee: payer, nonce: encodeNonce(2n) };
    const remote = await client.checkSubmissions({ checks: [{ ...asked, transaction_ids: [tx1.id, new Uint8Array([9])] }, { payer: ACCOUNTS[6]!, payee: ACCOUNTS[6]!, nonce: encodeNonce(1n), transaction_ids: [] }] });
    // free_slots: the capacity (maxPendingTransactions) less the two pending.
    const free = BigInt(defaultMempoolOptions.limits.maxPendingTransactions - 2);
    expect(remote.answers).toEqual([
      { reserved_rc: 200n, nonce_free: false, pending_nonce: encodeNonce(2n), pending_count: 2n, pending_transaction_ids: [tx1.id], free_slots: free },
      { reserved_rc: 0n, nonce_free: true, pending_nonce: new Uint8Array(), pending_count: 0n, pending_transaction_ids: [], free_slots: free },
    ]);
    const local = await t.unit.checks.forSubmission({ ...asked, ids: [tx1.id] });
    expect(local).toEqual({ reservedRc: 200n, nonceFree: false, pendingNonce: encodeNonce(2n), pendingCount: 2, held: new Set([toHex(tx1.id)]), freeSlots: Number(free) });
    await drain();
    expect((await client.getReservedAccountRc({ account: payer })).rc).toBe(0n);
  });
});

describe("events", () => {
  test("each addition is published once as koinos.mempool.accept; re-delivered accepts change nothing", async () => {
    const a = makeTx(0, 10n);
    const before = t.published.length;
    await submit(a);
    await t.publishTx(a);
    await t.publishTx(a);
    await waitUntil(() => t.published.length > before);
    await Bun.sleep(20);
    const mine = t.published.slice(before);
    expect(hexIds(mine)).toEqual(hexIds([a]));
    expect(mine[0]!.pending_rc_used).toBe(a.header!.rc_limit);
    expect(mine[0]!.receipt?.rc_used).toBe(100n);
    expect(t.unit.controller.pool.size).toBe(1);
    await drain();
  });

  test("transaction.fail removes the transaction, get_failed_transactions answers its reason; a side-fork block leaves it pending", async () => {
    const a = makeTx(1, 10n);
    const b = makeTx(2, 10n);
    await submit(a, b);
    await t.publishBlock(t.chain.block([b], t.chain.tip), false);
    await t.publishFail(a.id, "account 'from' has insufficient balance");
    await waitUntil(() => !t.unit.controller.pool.has(toHex(a.id)));
    expect(hexIds((await client.getPendingTransactions({ limit: 10n })).pending_transactions)).toEqual(hexIds([b]));
    const failed = await client.getFailedTransactions({ transaction_ids: [b.id, a.id] });
    expect(failed.failed_transactions.map((f) => [toHex(f.id), f.reason])).toEqual([[toHex(a.id), "account 'from' has insufficient balance"]]);
    // The delivery audit's question, in-process and over gRPC: b held, a failed, an unknown id neither.
    const unknown = new Uint8Array([0x12, 0x20, 0xee]);
    const expected = { held: new Set([toHex(b.id)]), failed: new Set([toHex(a.id)]) };
    expect(await t.unit.checks.delivery([a.id, b.id, unknown])).toEqual(expected);
    expect(await mempoolChecksFromClient(client).delivery([a.id, b.id, unknown])).toEqual(expected);
    await drain();
  });
});
