import { describe, expect, test } from "bun:test";
import { token } from "@cairn/proto";
import { decodeMana } from "./mana-reader.ts";

const U64_MAX = (1n << 64n) - 1n;
const edges = [0n, 1n, 127n, 128n, 16_383n, 16_384n, (1n << 28n) - 1n, 1n << 28n, BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER) + 1n, (1n << 63n) - 1n, 1n << 63n, U64_MAX];
const random64 = () => BigInt.asUintN(64, (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32))) >> BigInt(Math.floor(Math.random() * 64));

describe("hand-written ManaBalanceObject reader", () => {
  test("reads every value the generated encoder writes", () => {
    const values = [...edges, ...Array.from({ length: 300 }, random64)];
    for (let k = 0; k < 2000; k++) {
      const bal = { balance: values[k % values.length]!, mana: values[(k * 7 + 3) % values.length]!, last_mana_update: values[(k * 13 + 5) % values.length]! };
      expect(decodeMana(token.ManaBalanceObject.encode(bal).finish())).toEqual(bal);
    }
  });

  test("any bytes read as the generated decoder reads them (or fail as it does)", () => {
    const read = (f: (b: Uint8Array) => unknown, b: Uint8Array) => {
      try {
        return { ok: f(b) };
      } catch {
        return { error: true };
      }
    };
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
