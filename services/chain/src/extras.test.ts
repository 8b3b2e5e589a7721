/** Genesis files, the rest of KOIN, reindex, the published event order, the signature cache. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger, toBase64url, toHex } from "@cairn/core";
import { broadcast, protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressToBase58, buildTransaction, chainIdFromGenesis } from "@cairn/protocol";
import { createChainEvents } from "./events.ts";
import { devGenesis, genesisState, loadGenesisFile } from "./genesis.ts";
import { reindex } from "./reindex.ts";
import { DEV_BALANCE, KOIN_ID, createTestChain } from "./testing/harness.ts";

function koinOp(entryPoint: number, args: Uint8Array): protocol.Operation {
  return protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN_ID, entry_point: entryPoint, args } });
}

describe("genesis file", () => {
  test("a Koinos-style genesis JSON gives the same state and chain id", () => {
    const dev = devGenesis({ seed: "file", accounts: 2, balance: 5n, koinId: KOIN_ID });
    const json = {
      entries: dev.genesis.entries.map((e) => ({
        space: { system: e.space!.system, zone: Buffer.from(e.space!.zone).toString("base64"), id: e.space!.id },
        key: Buffer.from(e.key).toString("base64"),
        value: Buffer.from(e.value).toString("base64"),
      })),
    };
    const path = join(mkdtempSync(join(tmpdir(), "genesis-")), "genesis.json");
    writeFileSync(path, JSON.stringify(json));
    const loaded = loadGenesisFile(path);
    expect(toHex(chainIdFromGenesis(loaded))).toBe(toHex(chainIdFromGenesis(dev.genesis)));
    expect(toHex(genesisState(loaded).stateRoot)).toBe(toHex(genesisState(dev.genesis).stateRoot));
  });
});

describe("KOIN approve, allowance, get_allowances, burn", () => {
  test("allowances are set, listed and read; burn lowers balance and supply", async () => {
    const t = await createTestChain();
    const [a, b, c] = [t.dev.accounts[0]!, t.dev.accounts[1]!, t.dev.accounts[2]!];
    const approve = (spender: Uint8Array, value: bigint) => koinOp(KoinEntryPoint.approve, token.ApproveArguments.encode(token.ApproveArguments.fromPartial({ owner: a.address, spender, value })).finish());
    const tx = buildTransaction({ chainId: t.chain.rules.chainId, nonce: 1n, rcLimit: 50_000_000n, operations: [approve(b.address, 50n), approve(c.address, 70n)] }, a.privateKey);
    const receipt = await t.produce([tx]);
    expect(receipt.transaction_receipts[0]!.events.map((e) => e.name)).toEqual(["token.approve_event", "token.approve_event"]);
    const allowance = t.chain.readContract(KOIN_ID, KoinEntryPoint.allowance, token.AllowanceArguments.encode({ owner: a.address, spender: c.address }).finish());
    expect(token.Uint64Result.decode(allowance.result).value).toBe(70n);
    const list = t.chain.readContract(KOIN_ID, KoinEntryPoint.get_allowances, token.GetAllowancesArguments.encode({ owner: a.address, start: new Uint8Array(), limit: 10, descending: false }).finish());
    const all = token.GetAllowancesResult.decode(list.result).allowances.map((x) => [addressToBase58(x.spender), x.value]);
    // Listed in key order (owner ‖ spender), so by spender bytes.
    const expected = [
      { spender: b, value: 50n },
      { spender: c, value: 70n },
    ].sort((x, y) => Buffer.compare(x.spender.address, y.spender.address));
    expect(all).toEqual(expected.map((x) => [x.spender.addressBase58, x.value]));
    const bad = buildTransaction({ chainId: t.chain.rules.chainId, payer: b.address, nonce: 1n, rcLimit: 50_000_000n, operations: [approve(b.address, 1n)] }, b.privateKey);
    await expect(t.chain.submitTransaction(bad, false)).rejects.toThrow("owner has not authorized approve");

    const burn = buildTransaction({ chainId: t.chain.rules.chainId, nonce: 2n, rcLimit: 50_000_000n, operations: [koinOp(KoinEntryPoint.burn, token.BurnArguments.encode(token.BurnArguments.fromPartial({ from: a.address, value: 1000n })).finish())] }, a.privateKey);
    await t.produce([burn]);
    expect(t.balance(0)).toBe(DEV_BALANCE - 1000n);
    const supply = token.Uint64Result.decode(t.chain.readContract(KOIN_ID, KoinEntryPoint.total_supply, new Uint8Array()).result).value;
    expect(supply).toBe(DEV_BALANCE * 4n - 1000n);
    const info = token.GetInfoResult.decode(t.chain.readContract(KOIN_ID, KoinEntryPoint.get_info, new Uint8Array()).result);
    expect(info).toMatchObject({ name: "Koin", symbol: "KOIN", decimals: 8 });
  });
});

describe("reindex", () => {
  test("rebuilds the same state from the block store's blocks", async () => {
    const stored: protocol.Block[] = [];
    const t = await createTestChain({ blockStore: { addBlock: async (b) => void stored.push(b) }, now: () => BigInt(Date.now()) });
    for (let i = 1n; i <= 7n; i++) await t.produce([t.transfer(Number(i % 3n), 3, i, (i + 2n) / 3n)]);
    const root = toHex(t.chain.head.stateRoot);
    const head = stored.at(-1)!;
    const reads = {
      highest: async () => ({ id: head.id, height: head.header!.height }),
      blocksByHeight: async (_head: Uint8Array, start: bigint, count: number) => stored.filter((b) => b.header!.height >= start && b.header!.height < start + BigInt(count)),
    };
    const events = t.events.length;
    const r = await reindex(t.chain, reads, silentLogger());
    expect(r.blocks).toBe(7);
    expect(toHex(t.chain.head.stateRoot)).toBe(root);
    expect(t.balance(3)).toBe(DEV_BALANCE + 28n);
    expect(t.events.length).toBe(events); // a replay publishes nothing
    expect(stored).toHaveLength(7); // and hands nothing back to the block store
  });
});

describe("published events", () => {
  test("irreversible, accept, forks, then one parcel per contract event, on Koinos subjects", async () => {
    const sent: { subject: string; data: Uint8Array }[] = [];
    const events = createChainEvents({ publishMany: async (messages) => messages.map((m) => void sent.push({ subject: m.subject, data: m.data })) }, silentLogger());
    const t = await createTestChain({ chain: { irreversibleThreshold: 1 } });
    await t.produce([t.transfer(0, 1, 5n, 1n)]);
    await t.produce([t.transfer(0, 1, 6n, 2n)]);
    const last = t.events.filter((e) => e.kind === "block").at(-1)!;
    if (last.kind !== "block") throw new Error();
    events.blockApplied({ block: last.block, receipt: last.receipt, head: true, live: true, newLib: t.chain.lib, forkHeads: last.forkHeads });
    await Bun.sleep(0);
    expect(sent.map((s) => s.subject)).toEqual(["koinos.block.irreversible", "koinos.block.accept", "koinos.block.forks", `koinos.event.${addressToBase58(KOIN_ID)}.token.transfer_event`]);
    const accepted = broadcast.BlockAccepted.decode(sent[1]!.data);
    expect(accepted.head).toBe(true);
    expect(toHex(accepted.block!.id)).toBe(toHex(last.block.id));
    const parcel = broadcast.EventParcel.decode(sent[3]!.data);
    expect(toHex(parcel.transaction_id!)).toBe(toHex(last.block.transactions[0]!.id));
    expect(parcel.height).toBe(2n);
    expect(broadcast.BlockIrreversible.decode(sent[0]!.data).topology?.height).toBe(1n);
    const tx = t.transfer(2, 1, 1n, 1n);
    events.transactionAccepted({ transaction: tx, receipt: protocol.TransactionReceipt.fromPartial({ id: tx.id }), height: 2n });
    await Bun.sleep(0);
    expect(sent.at(-1)!.subject).toBe("koinos.transaction.accept");
    expect(toBase64url(broadcast.TransactionAccepted.decode(sent.at(-1)!.data).transaction!.id)).toBe(toBase64url(tx.id));
  });
});

describe("signature cache", () => {
  test("a signature checked at submission is not recovered again when its block is applied", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, true);
    expect(t.chain.signatureRecoveries).toBe(1);
    await t.produce([tx]);
    expect(t.chain.signatureRecoveries).toBe(1);
    await t.produce([t.transfer(1, 2, 5n, 1n)]);
    expect(t.chain.signatureRecoveries).toBe(2);
  });

  test("with the recovery worker: submissions and blocks give the same receipts, each signature recovered once", async () => {
    const inLine = await createTestChain();
    const pooled = await createTestChain({ chain: { recoveryWorker: true } });
    try {
      for (const t of [inLine, pooled]) {
        const txs = [t.transfer(0, 1, 5n, 1n), t.transfer(1, 2, 7n, 1n), t.transfer(2, 0, 9n, 1n)];
        const receipts = await Promise.all(txs.map((tx) => t.chain.submitTransaction(tx, true)));
        expect(receipts.map((r) => r.id)).toEqual(txs.map((tx) => tx.id));
        await t.produce(txs);
        expect(t.chain.signatureRecoveries).toBe(3);
        // A block whose transactions were never submitted: recovered ahead of the block, once each.
        await t.produce([t.transfer(0, 2, 1n, 2n), t.transfer(1, 0, 1n, 2n)]);
        expect(t.chain.signatureRecoveries).toBe(5);
      }
      expect(toHex(pooled.chain.head.stateRoot)).toBe(toHex(inLine.chain.head.stateRoot));
      expect([0, 1, 2].map((i) => pooled.balance(i))).toEqual([0, 1, 2].map((i) => inLine.balance(i)));
    } finally {
      pooled.chain.close();
    }
  });
});
