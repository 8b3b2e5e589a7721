/** The swap gate, the forwarding implementations and the switchable bus of the dev node. */
import { describe, expect, test } from "bun:test";
import { createMemoryEventBus } from "@cairn/bus";
import { chain } from "@cairn/proto";
import type { ServiceImplementation } from "@cairn/rpc";
import { createSwapGate, createSwitchableBus, forwardingImplementation } from "./forward.ts";

type ChainImpl = ServiceImplementation<typeof chain.ChainServiceDefinition>;

describe("forwarding across a swap", () => {
  test("calls reach the current implementation, and wait while a swap is in progress", async () => {
    const gate = createSwapGate();
    const answer = (height: bigint) => ({ getHeadInfo: async () => chain.GetHeadInfoResponse.fromPartial({ head_topology: { height } }) }) as unknown as ChainImpl;
    let current = answer(1n);
    const impl = forwardingImplementation(chain.ChainServiceDefinition, () => current, gate);
    const call = () => impl.getHeadInfo({}, {} as never) as Promise<chain.GetHeadInfoResponse>;
    expect(gate.busy()).toBeUndefined();
    expect((await call()).head_topology?.height).toBe(1n);

    let finish!: () => void;
    const swapped = gate.closed(async () => {
      await new Promise<void>((r) => (finish = r));
      current = answer(2n);
    });
    await Bun.sleep(1);
    expect(gate.busy()).toBeDefined();
    const during = call();
    let settled = false;
    void during.then(() => (settled = true));
    await Bun.sleep(20);
    expect(settled).toBe(false);
    finish();
    await swapped;
    expect((await during).head_topology?.height).toBe(2n);
    expect(gate.busy()).toBeUndefined();
  });
});

describe("switchable bus", () => {
  test("subscriptions follow the bus it is switched to; closed ones stay closed", async () => {
    const first = createMemoryEventBus();
    const second = createMemoryEventBus();
    await first.start();
    await second.start();
    const bus = createSwitchableBus(first);
    const seen: string[] = [];
    const kept = await bus.subscribe("koinos.block.>", (m) => void seen.push(`kept ${new TextDecoder().decode(m.data)}`));
    const dropped = await bus.subscribe("koinos.block.>", (m) => void seen.push(`dropped ${new TextDecoder().decode(m.data)}`));
    await first.publish("koinos.block.accept", new TextEncoder().encode("a"));
    await Bun.sleep(20);
    await dropped.close();
    await bus.switchTo(second);
    await first.publish("koinos.block.accept", new TextEncoder().encode("old"));
    await second.publish("koinos.block.accept", new TextEncoder().encode("b"));
    await Bun.sleep(20);
    expect(seen.sort()).toEqual(["dropped a", "kept a", "kept b"]);
    await kept.close();
    await first.close();
    await second.close();
  });
});
