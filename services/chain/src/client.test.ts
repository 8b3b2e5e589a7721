/** The client-side port: ChainReads over a ChainService client (here in-process). */
import { describe, expect, test } from "bun:test";
import { chain as chainPb } from "@cairn/proto";
import { ZERO_ID } from "@cairn/protocol";
import { createInProcessClient } from "@cairn/rpc";
import { chainReadsFromClient } from "./client.ts";
import { createChainService } from "./service.ts";
import { createTestChain } from "./testing/harness.ts";

describe("chainReadsFromClient", () => {
  test("head and LIB (the zero id before block 1) and confirmed nonces", async () => {
    const t = await createTestChain({ chain: { irreversibleThreshold: 2 } });
    const reads = chainReadsFromClient(createInProcessClient(chainPb.ChainServiceDefinition, createChainService(t.chain)));
    const payer = t.dev.accounts[0]!.address;
    expect(await reads.headInfo()).toEqual({ head: { id: ZERO_ID, height: 0n }, lib: 0n });
    expect(await reads.accountNonce(payer)).toBe(0n);
    await t.produce([t.transfer(0, 1, 5n, 1n)]);
    for (let i = 0; i < 3; i++) await t.produce();
    expect(await reads.headInfo()).toEqual({ head: { id: t.chain.head.id, height: 4n }, lib: 2n });
    expect(await reads.accountNonce(payer)).toBe(1n);
  });
});
