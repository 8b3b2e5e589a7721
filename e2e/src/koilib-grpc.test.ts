/**
 * A transaction built and signed by koilib 9.1.1 entirely offline (no provider), handed to the
 * chain over a real gRPC connection: accepted, then included in a block.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Contract, Signer, Transaction, utils } from "koilib";
import { toBase64url } from "@cairn/core";
import { chain as chainPb, type protocol } from "@cairn/proto";
import { encodeNonce, fromKoinosJson } from "@cairn/protocol";
import { createGrpcClient } from "@cairn/rpc";
import { type E2eTarget, eventually, startTarget } from "./target.ts";

let target: E2eTarget;
beforeAll(async () => {
  target = await startTarget({}, { local: true });
});
afterAll(async () => {
  await target?.stop();
});

test("koilib-signed transaction accepted over gRPC and mined", async () => {
  const client = createGrpcClient(chainPb.ChainServiceDefinition, `127.0.0.1:${target.node!.grpcPorts.chain}`);
  try {
    const chainId = toBase64url((await client.getChainId({})).chain_id);
    const signer = Signer.fromSeed(`${target.seed} 5`);
    const koin = new Contract({ id: "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL", abi: utils.tokenAbi });
    const op = await koin.encodeOperation({ name: "transfer", args: { from: signer.getAddress(), to: Signer.fromSeed(`${target.seed} 6`).getAddress(), value: "4242" } });
    const tx = new Transaction({ signer, options: { chainId, rcLimit: "100000000", nonce: toBase64url(encodeNonce(1n)), payer: signer.getAddress() } });
    await tx.pushOperation(op);
    const signed = await tx.sign();
    const message = fromKoinosJson<protocol.Transaction>("cairn.protocol.v1.Transaction", signed);
    const res = await client.submitTransaction({ transaction: message, broadcast: true });
    expect(res.receipt?.events[0]?.name).toBe("token.transfer_event");
    await eventually(async () => {
      const head = await client.getAccountNonce({ account: message.header!.payer });
      return head.nonce.length === 2 && head.nonce[1] === 1 ? true : undefined;
    }, 15_000, "the transaction to be mined");
  } finally {
    client.close();
  }
});
