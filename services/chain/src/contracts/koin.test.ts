import { describe, expect, test } from "bun:test";
import { MANA_REGEN_TIME_MS, regenerate } from "./koin.ts";

describe("mana", () => {
  test("regenerates linearly to the balance over 5 days", () => {
    const bal = { balance: 1_000_000n, mana: 0n, last_mana_update: 0n };
    expect(regenerate(bal, MANA_REGEN_TIME_MS / 2n).mana).toBe(500_000n);
    expect(regenerate(bal, MANA_REGEN_TIME_MS).mana).toBe(1_000_000n);
    expect(regenerate(bal, MANA_REGEN_TIME_MS * 3n).mana).toBe(1_000_000n);
  });
  test("never exceeds the balance and records the update time", () => {
    const r = regenerate({ balance: 100n, mana: 90n, last_mana_update: 10n }, 10n + MANA_REGEN_TIME_MS / 2n);
    expect(r.mana).toBe(100n);
    expect(r.last_mana_update).toBe(10n + MANA_REGEN_TIME_MS / 2n);
  });
  test("no time elapsed → unchanged", () => {
    const bal = { balance: 100n, mana: 3n, last_mana_update: 50n };
    expect(regenerate(bal, 50n)).toEqual(bal);
    expect(regenerate(bal, 40n)).toEqual(bal);
  });
  test("floors the regenerated amount", () => {
    expect(regenerate({ balance: 3n, mana: 0n, last_mana_update: 0n }, MANA_REGEN_TIME_MS / 2n).mana).toBe(1n);
  });
});
