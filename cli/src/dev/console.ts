/**
 * The dev node's console: one line per block and one per transaction, written as blocks are
 * accepted (`koinos.block.accept` on the node's bus), as anvil prints what it mines:
 *
 *   block 7  0x1220ab12…cd34  1 tx  rc 412,340  12:30:01.123
 *     tx 0x1220f1e2…0a9b  payer 1AbC…Xyz  KOIN.transfer  rc 412,340  token.transfer_event {from: 1AbC…Xyz, to: 1Def…Uvw, value: 1.5 KOIN}
 *     tx 0x1220…  payer …  1Contract…:0x12345678  rc 100  reverted: <reason>
 *
 * Events are decoded where the ABI is known (KOIN's built in); amounts of KOIN's events are shown
 * in KOIN (8 decimals). Colours only when asked (a terminal).
 */
import { styleText } from "node:util";
import { toHex } from "@cairn/core";
import type { EventBus, Subscription } from "@cairn/bus";
import type { GatewayBus } from "@cairn/gateway";
import { broadcast, type protocol } from "@cairn/proto";
import { type EventDecoder, KoinEntryPoint, addressToBase58 } from "@cairn/protocol";

/** KOIN entry points by number, for naming calls. */
const KOIN_METHODS = new Map<number, string>(Object.entries(KoinEntryPoint).map(([name, id]) => [id, name]));

export interface DevConsoleOptions {
  /** Where lines go (stdout). */
  write(line: string): void;
  /** ANSI colours. */
  color: boolean;
  /** KOIN contract address (base58): its calls are named, its amounts shown in KOIN. */
  koinAddress: string;
  /** KOIN decimals. Default 8. */
  decimals?: number;
}

type Style = Parameters<typeof styleText>[0];

const short = (s: string, head = 10, tail = 4) => (s.length <= head + tail + 1 ? s : `${s.slice(0, head)}…${s.slice(-tail)}`);
const grouped = (n: bigint) => n.toLocaleString("en-US");

/** `150000000` satoshis at 8 decimals → `1.5`. */
export function formatUnits(value: bigint, decimals: number): string {
  const unit = 10n ** BigInt(decimals);
  const whole = value / unit;
  const frac = (value % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return frac === "" ? grouped(whole) : `${grouped(whole)}.${frac}`;
}

/** Formats blocks and transactions as console lines. */
export function createLineFormatter(options: Omit<DevConsoleOptions, "write">, events: EventDecoder) {
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const decimals = options.decimals ?? 8;

  function operation(op: protocol.Operation): string {
    if (op.call_contract) {
      const contract = addressToBase58(op.call_contract.contract_id);
      const ep = op.call_contract.entry_point;
      if (contract === options.koinAddress) return `KOIN.${KOIN_METHODS.get(ep) ?? `0x${ep.toString(16).padStart(8, "0")}`}`;
      return `${short(contract, 8, 4)}:0x${ep.toString(16).padStart(8, "0")}`;
    }
    if (op.upload_contract) return `upload ${short(addressToBase58(op.upload_contract.contract_id), 8, 4)}${op.upload_contract.abi ? " (with ABI)" : ""}`;
    if (op.set_system_call) return `set_system_call ${op.set_system_call.call_id}`;
    if (op.set_system_contract) return `set_system_contract ${short(addressToBase58(op.set_system_contract.contract_id), 8, 4)}`;
    return "?";
  }

  function value(key: string, v: unknown, koin: boolean): string {
    if (typeof v === "string" && koin && key === "value" && /^\d+$/.test(v)) return `${formatUnits(BigInt(v), decimals)} KOIN`;
    if (typeof v === "string") return v.length > 20 ? short(v, 8, 4) : v;
    return JSON.stringify(v);
  }

  function event(e: protocol.EventData): string {
    const source = addressToBase58(e.source);
    const decoded = events.decode(source, e.name, e.data);
    const name = paint("magenta", e.name);
    if (decoded === undefined) return `${name} (${e.data.length} bytes)`;
    const koin = source === options.koinAddress;
    return `${name} {${Object.entries(decoded)
      .map(([k, v]) => `${k}: ${value(k, v, koin)}`)
      .join(", ")}}`;
  }

  function transaction(tx: protocol.Transaction, r: protocol.TransactionReceipt | undefined): string {
    const payer = addressToBase58(r?.payer.length ? r.payer : (tx.header?.payer ?? new Uint8Array()));
    const ops = tx.operations.map(operation).join(", ") || "no operations";
    const parts = [`  ${paint("cyan", "tx")} ${short(`0x${toHex(tx.id)}`)}`, `payer ${short(payer, 6, 4)}`, paint("bold", ops), `rc ${grouped(r?.rc_used ?? 0n)}`];
    if (r?.reverted) {
      const reason = [...r.logs].reverse().find((l) => l.startsWith("transaction reverted: "))?.slice("transaction reverted: ".length) ?? r.logs[r.logs.length - 1] ?? "";
      parts.push(paint("red", `reverted: ${reason}`));
    } else if (r && r.events.length > 0) parts.push(r.events.map(event).join("; "));
    return parts.join("  ");
  }

  function block(msg: broadcast.BlockAccepted, at = new Date()): string[] {
    const b = msg.block!;
    const receipt = msg.receipt;
    const count = b.transactions.length;
    const rc = receipt?.transaction_receipts.reduce((sum, r) => sum + r.rc_used, 0n) ?? 0n;
    const time = at.toISOString().slice(11, 23);
    const head = `${paint("green", `block ${b.header?.height ?? 0n}`)}  ${short(`0x${toHex(b.id)}`)}  ${count} tx${count === 1 ? "" : "s"}  rc ${grouped(rc)}  ${paint("dim", time)}${msg.head ? "" : paint("yellow", "  (not head)")}`;
    const lines = [head];
    const receipts = new Map((receipt?.transaction_receipts ?? []).map((r) => [toHex(r.id), r]));
    for (const tx of b.transactions) lines.push(transaction(tx, receipts.get(toHex(tx.id))));
    for (const e of receipt?.events ?? []) lines.push(`  ${paint("dim", "block event")} ${event(e)}`);
    return lines;
  }

  return { block, transaction };
}

/** Prints every accepted block of `bus` until stopped. */
export async function startDevConsole(bus: Pick<EventBus, "subscribe"> | GatewayBus, events: EventDecoder, options: DevConsoleOptions): Promise<Pick<Subscription, "close">> {
  const format = createLineFormatter(options, events);
  return bus.subscribe(
    "koinos.block.accept",
    (message) => {
      // The in-process bus hands over the chain's own message (read-only): no encoding, no decoding.
      const msg = (message as { payload?: broadcast.BlockAccepted }).payload ?? broadcast.BlockAccepted.decode(message.data);
      if (!msg.block) return;
      for (const line of format.block(msg)) options.write(line);
    },
    { deliverFrom: "new" },
  );
}
