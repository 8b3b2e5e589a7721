/**
 * GetAccountHistory through a real gRPC server, fed with real chain blocks over the in-process
 * bus: seq_nums of transfers between dev accounts, every filter, the impacted rules.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { isCairnError, toHex } from "@cairn/core";
import { type EventBus, createMemoryEventBus } from "@cairn/bus";
import { openTestDatabase, type TestDatabase } from "@cairn/db/testing";
import type { account_history, protocol } from "@cairn/proto";
import { buildTransaction } from "@cairn/protocol";
import { KOIN_ID, type TestChain, transferOp } from "@cairn/chain/testing";
import { MIGRATIONS_FOLDER } from "./store/migrations.ts";
import { EventFeed, type TestUnit, createSourcedChain, startTestUnit } from "./testing/index.ts";

let t: TestChain;
let db: TestDatabase;
let bus: EventBus;
let h: TestUnit;
const txs: protocol.Transaction[] = [];

beforeAll(async () => {
  const c = await createSourcedChain({ chain: { irreversibleThreshold: 2 } });
  t = c.t;
  db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
  bus = createMemoryEventBus();
  await bus.start();
  h = await startTestUnit({ db: db, bus, blocks: c.source, chain: c.reads });
  const feed = new EventFeed(t, bus);
  const [, a1, a2, a3] = t.dev.accounts;
  // b1: 0→1; b2: 1→2, 0→2; b3: 2→1 paid by 2 with payee 3; b4: empty; b5: 0→1.
  txs.push(t.transfer(0, 1, 100n, 1n));
  await t.produce([txs[0]!]);
  txs.push(t.transfer(1, 2, 30n, 1n), t.transfer(0, 2, 5n, 2n));
  await t.produce([txs[1]!, txs[2]!]);
  txs.push(buildTransaction({ chainId: t.chain.rules.chainId, nonce: 1n, rcLimit: 10_000_000n, payee: a3!.address, operations: [transferOp(a2!.address, a1!.address, 1n)] }, a2!.privateKey, a3!.privateKey));
  await t.produce([txs[3]!]);
  await t.produce();
  txs.push(t.transfer(0, 1, 1n, 3n));
  await t.produce([txs[4]!]);
  await feed.flush();
  await h.waitForHead(t.chain.head, 3n);
}, 60_000);

afterAll(async () => {
  await h.stop();
  await bus.close();
  await db.dispose();
});

type Req = Partial<account_history.GetAccountHistoryRequest>;
const history = (address: Uint8Array, req: Req = {}) => h.client.getAccountHistory({ address, limit: 100n, ascending: true, irreversible: false, seq_num: undefined, ...req });
/** Entries as `seq:tx#` (index in `txs`) or `seq:block@height`. */
async function summary(address: Uint8Array, req: Req = {}): Promise<string[]> {
  const res = await history(address, req);
  return res.values.map((v) => {
    if (v.block) return `${v.seq_num}:block@${v.block.header!.height}`;
    const i = txs.findIndex((x) => toHex(x.id) === toHex(v.trx!.transaction!.id));
    expect(toHex(v.trx!.receipt!.id)).toBe(toHex(v.trx!.transaction!.id));
    return `${v.seq_num}:tx${i}`;
  });
}
const acct = (i: number) => t.dev.accounts[i]!.address;

describe("GetAccountHistory", () => {
  test("transfers between dev accounts, with dense seq_nums per address", async () => {
    expect(await summary(acct(0))).toEqual(["0:tx0", "1:tx2", "2:tx4"]);
    expect(await summary(acct(1))).toEqual(["0:tx0", "1:tx1", "2:tx3", "3:tx4"]);
    expect(await summary(acct(2))).toEqual(["0:tx1", "1:tx2", "2:tx3"]);
  });

  test("impacted: payer, payee, event impacted, contract id, block signer", async () => {
    // Account 2 pays tx3 (its transfer's `from`), account 3 is only its payee, account 1 only in the event's impacted.
    expect(await summary(acct(3))).toEqual(["0:tx3"]);
    expect(await summary(KOIN_ID)).toEqual(["0:tx0", "1:tx1", "2:tx2", "3:tx3", "4:tx4"]);
    expect(await summary(t.dev.producerAddress)).toEqual(["0:block@1", "1:block@2", "2:block@3", "3:block@4", "4:block@5"]);
    const block = (await history(t.dev.producerAddress, { seq_num: 1n, limit: 1n })).values[0]!.block!;
    expect(block.receipt!.transaction_receipts).toHaveLength(2);
    expect(toHex(block.header!.signer)).toBe(toHex(t.dev.producerAddress));
    expect((await history(new Uint8Array(25))).values).toEqual([]);
  });

  test("descending starts at the newest entry; seq_num starts are inclusive", async () => {
    expect(await summary(acct(1), { ascending: false })).toEqual(["3:tx4", "2:tx3", "1:tx1", "0:tx0"]);
    expect(await summary(acct(1), { seq_num: 1n })).toEqual(["1:tx1", "2:tx3", "3:tx4"]);
    expect(await summary(acct(1), { seq_num: 2n, ascending: false })).toEqual(["2:tx3", "1:tx1", "0:tx0"]);
    expect(await summary(acct(1), { seq_num: 0n, ascending: false })).toEqual(["0:tx0"]);
    expect(await summary(acct(1), { seq_num: 4n })).toEqual([]);
    // Past the store's int64 range: nothing, in either direction (no database error).
    for (const seq of [2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n]) {
      expect(await summary(acct(1), { seq_num: seq })).toEqual([]);
      expect(await summary(acct(1), { seq_num: seq, ascending: false })).toEqual([]);
    }
  });

  test("limit: caps the entries, 0 returns nothing, over 500 is an error", async () => {
    expect(await summary(acct(1), { limit: 2n })).toEqual(["0:tx0", "1:tx1"]);
    expect(await summary(acct(1), { limit: 2n, ascending: false })).toEqual(["3:tx4", "2:tx3"]);
    expect(await summary(acct(1), { seq_num: 1n, limit: 1n })).toEqual(["1:tx1"]);
    expect(await summary(acct(1), { limit: 0n })).toEqual([]);
    expect((await history(acct(1), { limit: 500n })).values).toHaveLength(4);
    const err = await history(acct(1), { limit: 501n }).catch((e: unknown) => e);
    expect(isCairnError(err)).toBe(true);
    expect(err).toMatchObject({ code: "account_history.request_limit_exceeded", message: "cannot request more than 500 entries", status: 3 });
  });

  test("irreversible: only entries at or below the LIB (3 here: head 5, threshold 2)", async () => {
    expect(await summary(acct(1), { irreversible: true })).toEqual(["0:tx0", "1:tx1", "2:tx3"]);
    expect(await summary(acct(1), { irreversible: true, ascending: false })).toEqual(["2:tx3", "1:tx1", "0:tx0"]);
    expect(await summary(acct(1), { irreversible: true, ascending: false, seq_num: 3n })).toEqual([]);
    expect(await summary(t.dev.producerAddress, { irreversible: true, ascending: false, limit: 1n })).toEqual(["2:block@3"]);
  });
});
