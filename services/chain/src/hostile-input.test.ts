/** Client input that once reached an unhandled exception answers with a chain error instead. */
import { describe, expect, test } from "bun:test";
import { isCairnError } from "@cairn/core";
import { createChainService } from "./service.ts";
import { createTestChain } from "./testing/harness.ts";

async function failure(call: () => unknown): Promise<Error> {
  const err = await Promise.resolve().then(call).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCairnError(err)) throw new Error(`expected a CairnError, got ${String(err)}`);
  return err;
}

describe("hostile input", () => {
  test("read_contract with a contract id longer than base58 can encode: contract does not exist", async () => {
    const s = createChainService((await createTestChain()).chain);
    for (const n of [26, 2049, 100_000]) {
      const e = await failure(() => s.readContract({ contract_id: new Uint8Array(n).fill(1), entry_point: 1, args: new Uint8Array() }, {} as never));
      expect(e.message).toMatch(n <= 64 ? /^contract [1-9A-HJ-NP-Za-km-z]+ does not exist$/ : `contract 0x${"01".repeat(32)}…(${n} bytes) does not exist`);
    }
  });

  test("invoke_system_call by an Object.prototype name is an unknown system call", async () => {
    const s = createChainService((await createTestChain()).chain);
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"]) {
      const e = await failure(() => s.invokeSystemCall({ id: undefined, name, args: new Uint8Array() } as never, {} as never));
      expect(e.message).toBe("unknown system call name");
    }
  });
});
