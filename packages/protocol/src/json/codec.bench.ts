/**
 * Micro-benchmark of the Koinos JSON codec on a signed KOIN-transfer transaction (not a test).
 * Run: `bun packages/protocol/src/json/codec.bench.ts [iterations]`.
 */
import { createJsonCodec } from "./index.ts";

const TX_JSON = {
  header: {
    chain_id: "EiBZK_GGVP0H_fXVAM3j6EAuz3-B-l3ejxRSewi7qIBfSA==",
    rc_limit: "100000000",
    nonce: "KAE=",
    operation_merkle_root: "EiDw292RDiU3-NrVoYPA_O_zcRgbZmyGhTuyHM1w1y3foQ==",
    payer: "1LNmzZgo3urF4xnhQKpw4duWE1PqMXD6mK",
  },
  operations: [
    {
      call_contract: {
        contract_id: "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL",
        entry_point: 670398154,
        args: "ChkA1Iiu05dwC2VENi7uJButEuqflEO99Fb-EhkAtNBrzQoE0bFQ_p7UhrpQyHmsS_wdwnwNGOgH",
      },
    },
  ],
  id: "0x1220c802c0af82f7287aca7382e46fde138bad2a6d15a866d879b7d440f287239706",
  signatures: ["H75mAHp9yKmH2jsvlk3BWyFJH8l0IM-2H5842t7UcTecfMcrBxyIw4lZrkW9FPoTZ1kQw7JKCK0T1GAxjzQb9qY="],
};
const TYPE = "cairn.protocol.v1.Transaction";

const iterations = Number(process.argv[2] ?? 100_000);
const t0 = performance.now();
const codec = createJsonCodec();
const handle = codec.forType(TYPE);
const setupMs = performance.now() - t0;
const msg = codec.fromJson(TYPE, TX_JSON);
const bytes = handle.fns.encode(msg).finish();

/** Runs `fn` `n` times after a warm-up and prints µs per call and calls per second. */
function bench(name: string, fn: () => unknown, n = iterations): void {
  for (let i = 0; i < Math.min(n, 10_000); i++) fn();
  const start = performance.now();
  for (let i = 0; i < n; i++) fn();
  const ms = performance.now() - start;
  const us = (ms * 1000) / n;
  console.log(`${name.padEnd(44)} ${us.toFixed(2).padStart(8)} µs/op ${Math.round(n / (ms / 1000)).toLocaleString("en").padStart(12)} op/s`);
}

console.log(`codec setup (descriptors + first plan): ${setupMs.toFixed(1)} ms; ${iterations.toLocaleString("en")} iterations`);
bench("toKoinosJson(Transaction)", () => codec.toJson(TYPE, msg));
bench("fromKoinosJson(Transaction)", () => codec.fromJson(TYPE, TX_JSON));
bench("forType handle: toJson", () => handle.toJson(msg));
bench("forType handle: fromJson", () => handle.fromJson(TX_JSON));
bench("for scale: ts-proto encode", () => handle.fns.encode(msg).finish());
bench("for scale: ts-proto decode", () => handle.fns.decode(bytes));
bench("for scale: JSON.stringify + JSON.parse", () => JSON.parse(JSON.stringify(TX_JSON)));
