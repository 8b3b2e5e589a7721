/**
 * The submit path as koilib 9.1.1 sees it: back-to-back transactions from one account in the four
 * ways a client sends them (koilib's defaults; a small rcLimit; explicit nonces with a small and
 * with the full rc_limit), in instant and interval production, each either mined or refused at
 * submission with Koinos's message and code — never accepted and then lost; and each of the
 * common rejections compared with Koinos's message, code and `data` keys (the REJECTIONS table).
 * Runs against the target (one-process, or the cluster with CAIRN_E2E_URL); the interval cases
 * always run on a one-process node of their own.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Contract, Provider, Signer, Transaction, utils } from "koilib";
import { fromHex, toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { REJECTIONS, type RejectionName, buildBlock, privateKeyFromSeed, rejection, toKoinosJson } from "@cairn/protocol";
import { type E2eTarget, eventually, rpc, startTarget } from "./target.ts";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
/** What koilib returns for a sent transaction (with `wait`). */
type SentTransaction = NonNullable<Awaited<ReturnType<NonNullable<Contract["functions"][string]>>>["transaction"]>;
/** A small rc limit that covers one transfer. */
const SMALL_RC = "50000000";

interface Node {
  target: E2eTarget;
  provider: Provider;
  signer(i: number): Signer;
}

function nodeOf(target: E2eTarget): Node {
  const provider = new Provider([target.url]);
  return {
    target,
    provider,
    signer(i) {
      const s = Signer.fromSeed(`${target.seed} ${i}`);
      s.provider = provider;
      return s;
    },
  };
}

/** What koilib throws for a JSON-RPC error: `{error: message, ...data}`. */
function parsed(e: unknown): Record<string, unknown> {
  expect(e).toBeInstanceOf(Error);
  return JSON.parse((e as Error).message) as Record<string, unknown>;
}

/** Asserts koilib's error is Koinos's rejection `name`: message (when values are given), code and data keys. */
function expectRejection(e: unknown, name: RejectionName, values?: Record<string, unknown>): Record<string, unknown> {
  const p = parsed(e);
  const spec = REJECTIONS[name];
  const expected = rejection(name, values ?? {}, []);
  if (values || !spec.template.includes("${")) expect(p.error).toBe(expected.message);
  expect(p.code).toBe(expected.chainCode!);
  expect(Object.keys(p).sort()).toEqual(["code", "error", ...spec.data, ...(spec.logs ? ["logs"] : [])].sort());
  return p;
}

type Way = "defaults" | "small rcLimit" | "explicit nonces, small rc_limit" | "explicit nonces, full rc_limit";
const WAYS: Way[] = ["defaults", "small rcLimit", "explicit nonces, small rc_limit", "explicit nonces, full rc_limit"];

/** The refusals a Koinos node can give the second transaction of each way (the first always goes through). */
const ALLOWED: Record<Way, RejectionName[]> = {
  // Same nonce and the whole rc again: the mempool's rc check comes first. (When the first is
  // mined between the second's preparation and its submission, its nonce is simply old.)
  defaults: ["insufficient_pending_resources", "mempool_nonce_taken", "invalid_transaction_nonce"],
  // Same nonce (koilib asks the chain's nonce), rc to spare.
  "small rcLimit": ["mempool_nonce_taken", "invalid_transaction_nonce"],
  "explicit nonces, small rc_limit": [],
  // The first reserves the whole rc.
  "explicit nonces, full rc_limit": ["insufficient_pending_resources"],
};

/** Sends two transfers from dev account `from` back to back, the way `way` says; checks each ends as Koinos allows. */
async function backToBack(n: Node, from: number, way: Way): Promise<{ mined: number; refused: string[] }> {
  const alice = n.signer(from);
  const to = n.signer(from + 1).getAddress();
  const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider: n.provider, signer: alice });
  const nonce = Number(await n.provider.getNonce(alice.getAddress()));
  const fullRc = await n.provider.getAccountRc(alice.getAddress());
  const encodeNonce = (v: number) => utils.encodeBase64url(protocol.ValueType.encode({ uint64_value: BigInt(v) }).finish());
  const options = (k: number): Record<string, unknown> => {
    if (way === "defaults") return {};
    if (way === "small rcLimit") return { rcLimit: SMALL_RC };
    return { nonce: encodeNonce(nonce + k + 1), rcLimit: way.endsWith("small rc_limit") ? SMALL_RC : fullRc };
  };
  const outcomes: { tx?: SentTransaction; error?: unknown }[] = [];
  for (let k = 0; k < 2; k++) {
    try {
      const { transaction } = await koin.functions.transfer!({ from: alice.getAddress(), to, value: String(10 + k) }, options(k));
      outcomes.push({ tx: transaction });
    } catch (error) {
      outcomes.push({ error });
    }
  }
  expect(outcomes[0]!.error).toBeUndefined();
  const refused: string[] = [];
  let mined = 0;
  for (const o of outcomes) {
    if (o.tx) {
      // Accepted: it must be mined (never accepted and then lost).
      const got = await o.tx.wait("byTransactionId", 60_000);
      expect(got.blockNumber).toBeGreaterThan(0);
      mined++;
    } else {
      const p = parsed(o.error);
      const allowed = ALLOWED[way].map((name) => rejection(name));
      const hit = allowed.find((r) => (r.name === "invalid_transaction_nonce" ? String(p.error).startsWith("invalid transaction nonce - account: ") : r.message === p.error) && r.chainCode === p.code);
      if (!hit) throw new Error(`${way}: unexpected refusal ${JSON.stringify(p)}`);
      refused.push(String(p.error));
    }
  }
  return { mined, refused };
}

function backToBackSuite(label: string, start: () => Promise<E2eTarget>, firstAccount: number) {
  describe(`back-to-back transactions from one account (${label})`, () => {
    let n: Node;
    beforeAll(async () => {
      n = nodeOf(await start());
    }, 120_000);
    afterAll(async () => {
      await n?.target.stop();
    });
    WAYS.forEach((way, i) => {
      test(way, async () => {
        const r = await backToBack(n, firstAccount + 2 * i, way);
        if (way === "explicit nonces, small rc_limit") expect(r.mined).toBe(2);
        if (way === "explicit nonces, full rc_limit") expect(r.refused).toEqual(["insufficient pending account resources"]);
        expect(r.mined + r.refused.length).toBe(2);
      }, 120_000);
    });
  });
}

// Dev accounts 2 … 9 (each way sends from one and to the next).
backToBackSuite("instant production", () => startTarget(), 2);
backToBackSuite("interval production, one-process", () => startTarget({ mode: "interval", intervalMs: 1500 }, { local: true }), 2);

/** The node of the rejection suite running now (the suites run one after another). */
let n: Node;
let chainId: string;

const nonceValue = (v: number) => utils.encodeBase64url(protocol.ValueType.encode({ uint64_value: BigInt(v) }).finish());
const nonceHex = (v: number) => "0x" + toHex(protocol.ValueType.encode({ uint64_value: BigInt(v) }).finish());

/** A KOIN transfer prepared by koilib and signed by `sign` (default the sender), for the test to alter. */
async function transfer(from: Signer, o: { to?: string; value?: string; nonce?: number; rcLimit?: string; payer?: string; payee?: string; chainId?: string; sign?: Signer[] } = {}) {
  const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider: n.provider, signer: from });
  const op = await koin.functions.transfer!({ from: from.getAddress(), to: o.to ?? n.signer(1).getAddress(), value: o.value ?? "1" }, { onlyOperation: true });
  const tx = new Transaction({
    provider: n.provider,
    signer: from,
    options: { payer: o.payer, payee: o.payee, rcLimit: o.rcLimit ?? SMALL_RC, chainId: o.chainId, nonce: o.nonce === undefined ? undefined : nonceValue(o.nonce) },
  });
  await tx.pushOperation(op.operation!);
  await tx.prepare();
  let signed = tx.transaction;
  for (const s of o.sign ?? [from]) signed = await s.signTransaction(signed);
  return signed;
}
/** Sends through koilib; resolves with the error, or undefined when accepted. */
const send = (tx: unknown, broadcast = true) =>
  n.provider.sendTransaction(tx as never, broadcast).then(
    () => undefined,
    (e: unknown) => e,
  );
const nextNonce = async (s: Signer) => Number(await n.provider.getNonce(s.getAddress())) + 1;

function rejectionSuite(label: string, start: () => Promise<E2eTarget>, cases: () => void) {
  describe(`rejections as Koinos words them, through koilib (${label})`, () => {
    beforeAll(async () => {
      n = nodeOf(await start());
      chainId = await n.provider.getChainId();
    }, 120_000);
    afterAll(async () => {
      await n?.target.stop();
    });
    cases();
  });
}

rejectionSuite("any production mode", () => startTarget(), () => {

  test("old or future nonce", async () => {
    const a = n.signer(2);
    const current = Number(await n.provider.getNonce(a.getAddress()));
    const p = expectRejection(await send(await transfer(a, { nonce: current + 5 })), "invalid_transaction_nonce", { a: a.getAddress(), n: nonceHex(current + 5), c: nonceHex(current) });
    expect(p.logs).toEqual([]);
  });

  test("wrong chain id", async () => {
    const a = n.signer(4);
    const other = utils.encodeBase64url(new Uint8Array([0x12, 0x20, ...new Uint8Array(32).fill(9)]));
    expect(other).not.toBe(chainId);
    expectRejection(await send(await transfer(a, { chainId: other, nonce: await nextNonce(a) })), "chain_id_mismatch");
  });

  test("a signature by a key that is not the payer's", async () => {
    const a = n.signer(5);
    expectRejection(await send(await transfer(a, { nonce: await nextNonce(a), sign: [n.signer(6)] })), "transaction_not_authorized", { account: a.getAddress() });
  });

  test("a signature that recovers to no key", async () => {
    const a = n.signer(5);
    const tx = await transfer(a, { nonce: await nextNonce(a), sign: [] });
    tx.signatures = [utils.encodeBase64url(new Uint8Array([31, ...new Uint8Array(64)]))];
    expectRejection(await send(tx), "signature_public_key");
  });

  test("no signature", async () => {
    const a = n.signer(5);
    const tx = await transfer(a, { nonce: await nextNonce(a), sign: [] });
    tx.signatures = [];
    expectRejection(await send(tx), "transaction_missing_field", { field: "signature_data", transaction_id: tx.id });
  });

  test("a tampered transaction id", async () => {
    const a = n.signer(5);
    const tx = await transfer(a, { nonce: await nextNonce(a) });
    tx.id = "0x1220" + "ab".repeat(32);
    expectRejection(await send(tx), "invalid_transaction_id");
  });

  test("tampered operations", async () => {
    const a = n.signer(5);
    const tx = await transfer(a, { nonce: await nextNonce(a) });
    tx.operations = (await transfer(a, { nonce: await nextNonce(a), value: "99" })).operations;
    expectRejection(await send(tx), "operation_merkle_root_mismatch");
  });

  test("a KOIN balance too small", async () => {
    const a = n.signer(7);
    const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider: n.provider });
    const balance = BigInt((await koin.functions.balanceOf!({ owner: a.getAddress() })).result!.value as string);
    expectRejection(await send(await transfer(a, { nonce: await nextNonce(a), value: String(balance + 1n) })), "koin_insufficient_balance");
  });

  test("a KOIN transfer to yourself", async () => {
    const a = n.signer(7);
    const p = expectRejection(await send(await transfer(a, { nonce: await nextNonce(a), to: a.getAddress() })), "koin_transfer_to_self");
    expect(p.logs).toEqual(["transaction reverted: cannot transfer to yourself"]);
  });

  test("a KOIN transfer from A signed by B", async () => {
    const a = n.signer(7);
    const b = n.signer(8);
    const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider: n.provider, signer: b });
    const op = await koin.functions.transfer!({ from: a.getAddress(), to: b.getAddress(), value: "1" }, { onlyOperation: true });
    const tx = new Transaction({ provider: n.provider, signer: b, options: { rcLimit: SMALL_RC } });
    await tx.pushOperation(op.operation!);
    await tx.prepare();
    expectRejection(await send(await b.signTransaction(tx.transaction)), "koin_transfer_not_authorized");
  });

  test("an rc limit below the network charge", async () => {
    const a = n.signer(9);
    expectRejection(await send(await transfer(a, { nonce: await nextNonce(a), rcLimit: "10" })), "insufficient_rc_failure");
  });

  test("an rc limit that covers the network charge but not the work", async () => {
    const a = n.signer(9);
    const { receipt } = await n.provider.sendTransaction((await transfer(a, { nonce: await nextNonce(a) })) as never, false);
    const limits = await n.provider.getResourceLimits();
    const network = BigInt(receipt.network_bandwidth_used as string) * BigInt(limits.resource_limit_data.network_bandwidth_cost as string);
    const p = expectRejection(await send(await transfer(a, { nonce: await nextNonce(a), rcLimit: String(network + 1n) })), "insufficient_rc_reverted");
    expect(p.logs).toEqual(["transaction reverted: insufficient rc"]);
  });

  test("the same, broadcast: false", async () => {
    const a = n.signer(8);
    const rc = BigInt(await n.provider.getAccountRc(a.getAddress()));
    expectRejection(await send(await transfer(a, { nonce: await nextNonce(a), rcLimit: String(rc + 1n) }), false), "payer_rc_below_limit");
  });

  test("a header without rc_limit", async () => {
    const a = n.signer(8);
    const tx = await transfer(a, { nonce: await nextNonce(a) });
    const e = await n.provider.call("chain.submit_transaction", { transaction: { ...tx, header: { ...tx.header, rc_limit: undefined } }, broadcast: true }).catch((x: unknown) => x);
    expectRejection(e, "transaction_header_missing_field", { field: "rc_limit", transaction_id: tx.id });
  });

  test("payer B, payee A, the payee's signature missing", async () => {
    const a = n.signer(4);
    const b = n.signer(9);
    const tx = await transfer(a, { payer: b.getAddress(), payee: a.getAddress(), nonce: await nextNonce(a), sign: [b] });
    expectRejection(await send(tx), "transaction_not_authorized", { account: a.getAddress() });
  });

  test("a block signed by a key that is not the producer's", async () => {
    const head = await n.provider.getHeadInfo();
    const block = buildBlock(
      {
        previous: fromHex(head.head_topology.id.slice(2)),
        height: BigInt(head.head_topology.height) + 1n,
        timestamp: BigInt(Date.now()),
        previousStateMerkleRoot: utils.decodeBase64url(head.head_state_merkle_root),
        transactions: [],
      },
      privateKeyFromSeed("not the producer"),
    );
    const e = await n.provider.submitBlock(toKoinosJson("cairn.protocol.v1.Block", block) as never).catch((x: unknown) => x);
    expectRejection(e, "block_signature");
  });

  test("chain.get_account_rc {}", async () => {
    const r = await rpc(n.target.url, "chain.get_account_rc", {});
    expect(r.error?.message).toBe("missing expected field: payer");
    expect(JSON.parse(r.error!.data!)).toEqual({ code: -1002, f: "payer" });
    expectRejection(await n.provider.call("chain.get_account_rc", {}).catch((x: unknown) => x), "missing_field", { f: "payer" });
  });
});

// While a transaction is pending (blocks every 5 s, so it stays pending long enough to be seen).
rejectionSuite("a transaction pending, interval production, one-process", () => startTarget({ mode: "interval", intervalMs: 5000 }, { local: true }), () => {
  test("nonce already pending in the mempool", async () => {
    const a = n.signer(3);
    const nonce = await nextNonce(a);
    expect(await send(await transfer(a, { nonce }))).toBeUndefined();
    expectRejection(await send(await transfer(a, { nonce, value: "2" })), "mempool_nonce_taken");
    await eventually(async () => (Number(await n.provider.getNonce(a.getAddress())) >= nonce ? true : undefined), 60_000, "the pending transaction to be mined");
  });

  test("an rc limit above what the payer has left (pending reservations included)", async () => {
    const a = n.signer(6);
    const rc = await n.provider.getAccountRc(a.getAddress());
    const nonce = await nextNonce(a);
    expect(await send(await transfer(a, { nonce, rcLimit: rc }))).toBeUndefined();
    expectRejection(await send(await transfer(a, { nonce: nonce + 1 })), "insufficient_pending_resources");
    await eventually(async () => (Number(await n.provider.getNonce(a.getAddress())) >= nonce ? true : undefined), 60_000, "the first transaction to be mined");
  });
});

describe("a fork switch (one-process node, instant production)", () => {
  test("a transaction of the abandoned branch goes back to the mempool and is mined on the new one", async () => {
    const target = await startTarget({}, { local: true });
    try {
      const node = nodeOf(target);
      const alice = node.signer(2);
      const bob = node.signer(3).getAddress();
      const producerKey = privateKeyFromSeed(`${target.seed} producer`);
      const head = async () => (await rpc(target.url, "chain.get_head_info", {})).result as { head_topology: { id: string; height: string }; head_state_merkle_root: string; head_block_time: string };
      const before = await head();
      const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider: node.provider, signer: alice });
      const { transaction } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob, value: "777" }, { rcLimit: SMALL_RC });
      const first = await transaction!.wait("byTransactionId", 60_000);
      expect(first.blockNumber).toBe(Number(before.head_topology.height) + 1);

      // A competing branch from the block before, two blocks long: the chain switches to it.
      const submit = async (previous: Uint8Array, height: bigint, timestamp: bigint, stateRoot: Uint8Array) => {
        const block = buildBlock({ previous, height, timestamp, previousStateMerkleRoot: stateRoot, transactions: [] }, producerKey);
        const r = await rpc(target.url, "chain.submit_block", { block: toKoinosJson("cairn.protocol.v1.Block", block) });
        expect(r.error).toBeUndefined();
        const receipt = r.result!.receipt as { state_merkle_root: string };
        return { id: block.id, root: utils.decodeBase64url(receipt.state_merkle_root) };
      };
      const h = BigInt(before.head_topology.height);
      const t0 = BigInt(before.head_block_time);
      const b1 = await submit(fromHex(before.head_topology.id.slice(2)), h + 1n, t0 + 1n, utils.decodeBase64url(before.head_state_merkle_root));
      const b2 = await submit(b1.id, h + 2n, t0 + 2n, b1.root);
      const switched = await head();
      expect(BigInt(switched.head_topology.height)).toBeGreaterThanOrEqual(h + 2n);

      // The transaction is mined again, on the new branch, and applied once.
      const mined = await eventually(
        async () => {
          const r = await node.provider.getTransactionsById([transaction!.id!]);
          const blocks = r.transactions?.[0]?.containing_blocks ?? [];
          return blocks.length >= 2 ? blocks : undefined;
        },
        60_000,
        "the transaction in a block of the new branch",
      );
      const onNewBranch = mined.find((id) => id !== first.blockId)!;
      const items = await node.provider.getBlocksById([onNewBranch]);
      const item = items.block_items[0]!;
      const ancestors = await node.provider.getBlocks(Number(h + 2n), 1, onNewBranch);
      expect(ancestors[0]!.block_id).toBe("0x" + toHex(b2.id));
      expect(BigInt(item.block_height)).toBeGreaterThan(h + 2n);
      expect(await node.provider.getNonce(alice.getAddress())).toBe(1);
    } finally {
      await target.stop();
    }
  }, 180_000);
});
