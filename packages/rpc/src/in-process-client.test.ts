/**
 * What the direct in-process client promises beyond the shared contract suite: with real ts-proto
 * messages, the handler and the caller each hold their own copy (no aliasing either way), every
 * field is set as decoding would set it, and the copy is the same message the round trip gives.
 */
import { describe, expect, test } from "bun:test";
import { chain, protocol } from "@cairn/proto";
import { createInProcessClient } from "./in-process-client.ts";
import type { ServiceImplementation } from "./types.ts";

type Chain = typeof chain.ChainServiceDefinition;

/** A chain service that keeps the blocks it is given and answers head info from its own state. */
function keepingChain() {
  const kept: protocol.Block[] = [];
  const head: chain.GetHeadInfoResponse = {
    head_topology: { id: new Uint8Array([1, 2]), height: 7n, previous: new Uint8Array([3]) },
    last_irreversible_block: 5n,
    head_state_merkle_root: new Uint8Array([9]),
    head_block_time: 1000n,
  };
  const impl = {
    async submitBlock(request: chain.SubmitBlockRequest) {
      kept.push(request.block!);
      return { receipt: { ...protocol.BlockReceipt.fromPartial({ height: request.block?.header?.height ?? 0n }) } };
    },
    async getHeadInfo() {
      return head;
    },
  } as unknown as ServiceImplementation<Chain>;
  return { impl, kept, head };
}

const block = (): protocol.Block =>
  protocol.Block.fromPartial({
    id: new Uint8Array([0x12, 0x20]),
    header: { height: 3n, timestamp: 99n, previous: new Uint8Array([1]) },
    transactions: [{ id: new Uint8Array([7]), operations: [{ call_contract: { contract_id: new Uint8Array([5]), entry_point: 1, args: new Uint8Array() } }] }],
  });

describe("direct in-process client", () => {
  test("the handler keeps a copy: what the caller changes after the call does not reach it", async () => {
    const { impl, kept } = keepingChain();
    const client = createInProcessClient(chain.ChainServiceDefinition, impl, { direct: true });
    const sent = block();
    await client.submitBlock({ block: sent });
    expect(kept[0]).not.toBe(sent);
    sent.header!.height = 1000n;
    sent.transactions.push(protocol.Transaction.fromPartial({}));
    sent.transactions[0]!.operations.length = 0;
    expect(kept[0]).toEqual(block());
  });

  test("the caller gets a copy: changing a response does not change the service's state", async () => {
    const { impl, head } = keepingChain();
    const client = createInProcessClient(chain.ChainServiceDefinition, impl, { direct: true });
    const first = await client.getHeadInfo({});
    expect(first).not.toBe(head);
    first.head_topology!.height = 0n;
    first.last_irreversible_block = 0n;
    const second = await client.getHeadInfo({});
    expect(second.head_topology?.height).toBe(7n);
    expect(second.last_irreversible_block).toBe(5n);
    expect(head.head_topology?.height).toBe(7n);
  });

  test("the handler gets the request as decoding would give it: unknown properties dropped", async () => {
    const seen: chain.SubmitTransactionRequest[] = [];
    const impl = {
      async submitTransaction(request: chain.SubmitTransactionRequest) {
        seen.push(request);
        return chain.SubmitTransactionResponse.fromPartial({});
      },
    } as unknown as ServiceImplementation<Chain>;
    const direct = createInProcessClient(chain.ChainServiceDefinition, impl, { direct: true });
    const roundTrip = createInProcessClient(chain.ChainServiceDefinition, impl);
    const transaction = protocol.Transaction.fromPartial({ id: new Uint8Array([4]), operations: [{ set_system_call: { call_id: 3 } }] });
    const request = { transaction: { ...transaction, note: "not in the message" }, broadcast: true, extra: 1 } as chain.SubmitTransactionRequest;
    await direct.submitTransaction(request);
    await roundTrip.submitTransaction(request);
    expect(seen[0]).toEqual(seen[1]!);
    expect(Object.keys(seen[0]!).sort()).toEqual(["broadcast", "transaction"]);
    expect(Object.keys(seen[0]!.transaction!)).not.toContain("note");
  });

  test("shareRequests: the handler gets the caller's request itself; responses are still copies", async () => {
    const { impl, kept, head } = keepingChain();
    const client = createInProcessClient(chain.ChainServiceDefinition, impl, { direct: true, shareRequests: true });
    const sent = block();
    await client.submitBlock({ block: sent });
    expect(kept[0]).toBe(sent);
    const info = await client.getHeadInfo({});
    expect(info).not.toBe(head);
    expect(info).toEqual(head);
  });

  test("a response comes back equal to the round trip's", async () => {
    const { impl } = keepingChain();
    const direct = createInProcessClient(chain.ChainServiceDefinition, impl, { direct: true });
    const roundTrip = createInProcessClient(chain.ChainServiceDefinition, impl);
    expect(await direct.submitBlock({ block: block() })).toEqual(await roundTrip.submitBlock({ block: block() }));
    expect(await direct.getHeadInfo({})).toEqual(await roundTrip.getHeadInfo({}));
  });
});
