/**
 * The dev console's lines: one per block, one per transaction (id, payer, operations, rc used,
 * decoded events or the revert reason), plain without colours and with ANSI colours when asked;
 * and through the bus as `cairn dev` wires it.
 */
import { afterAll, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { createMemoryEventBus } from "@cairn/bus";
import { broadcast } from "@cairn/proto";
import { addressToBase58, createEventDecoder, defaultJsonCodec, koinAbiSource } from "@cairn/protocol";
import { KOIN_ID, createTestChain } from "@cairn/chain/testing";
import { recordedBlocks } from "../rebuild/testing/chain-scenario.ts";
import { blockAcceptMessage } from "../events/block-messages.ts";
import { createLineFormatter, formatUnits, startDevConsole } from "./console.ts";

const KOIN = addressToBase58(KOIN_ID);
const events = createEventDecoder({ sources: [koinAbiSource(defaultJsonCodec(), KOIN)] });
const t = await createTestChain({ chain: { irreversibleThreshold: 1 } });
const ok = t.transfer(0, 1, 150_000_000n, 1n);
// To oneself: the contract refuses (a reversion, code 1): included in the block, reverted.
const reverted = t.transfer(2, 2, 1n, 1n);
await t.produce([ok, reverted]);
const accepted = recordedBlocks(t).at(-1)!;
const msg = broadcast.BlockAccepted.fromPartial({ block: accepted.block, receipt: accepted.receipt, head: true, live: true });
const short = (s: string, head: number, tail: number) => `${s.slice(0, head)}…${s.slice(-tail)}`;
const addr = (i: number) => t.dev.accounts[i]!.addressBase58;
const hexId = (b: Uint8Array) => short(`0x${toHex(b)}`, 10, 4);

test("one line per block and per transaction: id, payer, operations, rc used, events or the revert reason", () => {
  const lines = createLineFormatter({ color: false, koinAddress: KOIN }, events).block(msg, new Date("2026-01-02T03:04:05.678Z"));
  const [r1, r2] = accepted.receipt.transaction_receipts;
  expect(r2!.reverted).toBe(true);
  expect(lines).toEqual([
    `block 1  ${hexId(accepted.block.id)}  2 txs  rc ${(r1!.rc_used + r2!.rc_used).toLocaleString("en-US")}  03:04:05.678`,
    `  tx ${hexId(ok.id)}  payer ${short(addr(0), 6, 4)}  KOIN.transfer  rc ${r1!.rc_used.toLocaleString("en-US")}  token.transfer_event {from: ${short(addr(0), 8, 4)}, to: ${short(addr(1), 8, 4)}, value: 1.5 KOIN}`,
    `  tx ${hexId(reverted.id)}  payer ${short(addr(2), 6, 4)}  KOIN.transfer  rc ${r2!.rc_used.toLocaleString("en-US")}  reverted: cannot transfer to yourself`,
  ]);
});

test("colours when asked: ANSI styles around the block, the tx tag and the revert", () => {
  const lines = createLineFormatter({ color: true, koinAddress: KOIN }, events).block(msg);
  expect(lines[0]).toStartWith("\u001b[32mblock 1\u001b[39m");
  expect(lines[1]).toContain("\u001b[36mtx\u001b[39m");
  expect(lines[2]).toContain("\u001b[31mreverted: cannot transfer to yourself\u001b[39m");
});

test("amounts in KOIN", () => {
  expect(formatUnits(150_000_000n, 8)).toBe("1.5");
  expect(formatUnits(100_000_000_000_000n, 8)).toBe("1,000,000");
  expect(formatUnits(1n, 8)).toBe("0.00000001");
});

const bus = createMemoryEventBus();
afterAll(() => bus.close());

test("startDevConsole prints each block accepted on the bus", async () => {
  await bus.start();
  const out: string[] = [];
  const sub = await startDevConsole(bus, events, { write: (l) => out.push(l), color: false, koinAddress: KOIN });
  await bus.publishMany([blockAcceptMessage(accepted.block, accepted.receipt, { head: true, live: true })]);
  const deadline = Date.now() + 5_000;
  while (out.length < 3 && Date.now() < deadline) await Bun.sleep(10);
  await sub.close();
  expect(out).toHaveLength(3);
  expect(out[0]).toStartWith("block 1  ");
  expect(out[2]).toContain("reverted: ");
});
