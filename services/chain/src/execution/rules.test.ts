/** Resource limits read from state: decoded once per stored value, shared frozen. */
import { describe, expect, test } from "bun:test";
import { protocol } from "@cairn/proto";
import { METADATA_KEYS } from "@cairn/protocol";
import { SPACES } from "../state/spaces.ts";
import { MemoryState, StateLayer } from "../state/state.ts";
import { resourceLimits } from "./rules.ts";

const limits = (cost: bigint) => protocol.ResourceLimitData.fromPartial({ disk_storage_limit: 100n, compute_bandwidth_cost: cost });

describe("resourceLimits", () => {
  test("the same stored bytes give the same frozen limits; new bytes give the new limits", () => {
    const head = new MemoryState();
    head.apply([{ space: SPACES.metadata, key: METADATA_KEYS.resourceLimitData, value: protocol.ResourceLimitData.encode(limits(3n)).finish() }]);
    const layer = new StateLayer(head);
    const first = resourceLimits(layer);
    expect(first).toEqual(limits(3n));
    expect(resourceLimits(head)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as protocol.ResourceLimitData).compute_bandwidth_cost = 9n;
    }).toThrow();

    layer.put(SPACES.metadata, METADATA_KEYS.resourceLimitData, protocol.ResourceLimitData.encode(limits(7n)).finish());
    expect(resourceLimits(layer)).toEqual(limits(7n));
    expect(resourceLimits(head)).toEqual(limits(3n));
  });

  test("no stored limits: all zero", () => {
    expect(resourceLimits(new MemoryState())).toEqual(protocol.ResourceLimitData.create());
  });
});
