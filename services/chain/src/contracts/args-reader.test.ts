import { describe, expect, test } from "bun:test";
import { protocol, token } from "@cairn/proto";
import { consumeAccountRcArguments, decodeMana, getAccountRcArguments, getAccountRcResult, transferArguments } from "./args-reader.ts";

const U64_MAX = (1n << 64n) - 1n;
// Around each place the reader changes how it builds the value: 2^28 (a second part), 2^53 (past exact numbers).
const edges = [0n, 1n, 127n, 128n, 16_383n, 16_384n, (1n << 28n) - 1n, 1n << 28n, (1n << 28n) + 1n, (1n << 53n) - (1n << 28n), BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER) + 1n, (1n << 53n) + 1n, (1n << 53n) + (1n << 28n) - 1n, (1n << 63n) - 1n, 1n << 63n, U64_MAX];
const address = (seed: number, length = 25) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i) & 0xff);
const read = (f: (b: Uint8Array) => unknown, b: Uint8Array) => {
  try {
    return { ok: f(b) };
  } catch {
    return { error: true };
  }
};

/** Random bytes made mostly of the message's own tags, one-byte lengths and varint bytes. */
function randomInputs(tags: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0; k < 3000; k++) {
    out.push(Uint8Array.from({ length: 1 + Math.floor(Math.random() * 40) }, () => (Math.random() < 0.4 ? tags[Math.floor(Math.random() * tags.length)]! : Math.random() < 0.3 ? Math.floor(Math.random() * 30) : Math.floor(Math.random() * 256))));
  }
  return out;
}

const readers = [
  { name: "TransferArguments", mine: transferArguments, generated: token.TransferArguments, tags: [10, 18, 24, 34] },
  { name: "GetAccountRcArguments", mine: getAccountRcArguments, generated: protocol.GetAccountRcArguments, tags: [10] },
  { name: "ConsumeAccountRcArguments", mine: consumeAccountRcArguments, generated: protocol.ConsumeAccountRcArguments, tags: [10, 16] },
  { name: "GetAccountRcResult", mine: getAccountRcResult, generated: protocol.GetAccountRcResult, tags: [8] },
] as const;

describe("hand-written KOIN argument readers", () => {
  test("read every value the generated encoders write", () => {
    edges.forEach((value, i) => {
      for (const t of [
        { from: address(i), to: address(i + 1), value, memo: undefined },
        { from: new Uint8Array(0), to: address(i, 200), value, memo: undefined },
        { from: address(i), to: address(i + 1), value, memo: "a memo" },
      ]) {
        expect(transferArguments.decode(token.TransferArguments.encode(t).finish())).toEqual(token.TransferArguments.decode(token.TransferArguments.encode(t).finish()));
        expect(transferArguments.decode(token.TransferArguments.encode(t).finish())).toEqual(t);
      }
      expect(getAccountRcArguments.decode(protocol.GetAccountRcArguments.encode({ account: address(i) }).finish())).toEqual({ account: address(i) });
      expect(consumeAccountRcArguments.decode(protocol.ConsumeAccountRcArguments.encode({ account: address(i), value }).finish())).toEqual({ account: address(i), value });
      expect(getAccountRcResult.decode(protocol.GetAccountRcResult.encode({ value }).finish())).toEqual({ value });
    });
    expect(getAccountRcArguments.decode(new Uint8Array(0))).toEqual({ account: new Uint8Array(0) });
  });

  for (const r of readers) {
    test(`${r.name}: any bytes read as the generated decoder reads them (or fail as it does)`, () => {
      const inputs = [new Uint8Array([]), new Uint8Array([10, 1, 7, 10, 2, 8, 9]), new Uint8Array([8, 0x80]), new Uint8Array([10, 0x80, 0x01, ...new Uint8Array(128)]), ...randomInputs(r.tags)];
      for (const b of inputs) expect([b, read((x) => r.mine.decode(x), b)]).toEqual([b, read((x) => r.generated.decode(x), b)]);
    });
  }
});

const random64 = () => BigInt.asUintN(64, (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32))) >> BigInt(Math.floor(Math.random() * 64));

describe("hand-written ManaBalanceObject reader", () => {
  test("reads every value the generated encoder writes", () => {
    const values = [...edges, BigInt(Number.MAX_SAFE_INTEGER), ...Array.from({ length: 300 }, random64)];
    for (let k = 0; k < 2000; k++) {
      const bal = { balance: values[k % values.length]!, mana: values[(k * 7 + 3) % values.length]!, last_mana_update: values[(k * 13 + 5) % values.length]! };
      expect(decodeMana(token.ManaBalanceObject.encode(bal).finish())).toEqual(bal);
    }
  });

  test("any bytes read as the generated decoder reads them (or fail as it does)", () => {
    const inputs: Uint8Array[] = [
      new Uint8Array([]),
      new Uint8Array([8, 0x80]),
      new Uint8Array([8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      new Uint8Array([8, 1, 8, 2]),
      new Uint8Array([32, 5, 8, 1]),
      new Uint8Array([10, 1, 7]),
      new Uint8Array([8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
    ];
    for (let k = 0; k < 3000; k++) inputs.push(Uint8Array.from({ length: 1 + Math.floor(Math.random() * 14) }, () => (Math.random() < 0.5 ? [8, 16, 24][Math.floor(Math.random() * 3)]! : Math.floor(Math.random() * 256))));
    for (const b of inputs) expect([b, read(decodeMana, b)]).toEqual([b, read((x) => token.ManaBalanceObject.decode(x), b)]);
  });
});
