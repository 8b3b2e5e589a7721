/**
 * What lets the dev node swap its services underneath a gateway that keeps running (revert,
 * reset): service implementations that forward every call to the current instance, waiting while
 * a swap is in progress, and a bus facade whose subscriptions move to each new bus.
 */
import type { BusMessage, EventBus, Subscription } from "@cairn/bus";
import type { GatewayBus } from "@cairn/gateway";
import type { AnyServiceDefinition, ServiceImplementation } from "@cairn/rpc";

/** A gate calls wait at while the services are being replaced. */
export interface SwapGate {
  /** While a swap is in progress, a promise of its end; otherwise undefined (no await on the hot path). */
  busy(): Promise<void> | undefined;
  /** Runs `fn` with the gate closed. */
  closed<T>(fn: () => Promise<T>): Promise<T>;
}

export function createSwapGate(): SwapGate {
  let current: Promise<void> | undefined;
  return {
    busy: () => current,
    async closed(fn) {
      let open!: () => void;
      const previous = current;
      const mine = new Promise<void>((resolve) => (open = resolve));
      current = mine;
      await previous;
      try {
        return await fn();
      } finally {
        if (current === mine) current = undefined;
        open();
      }
    },
  };
}

/**
 * An implementation of `definition` whose every method waits for the gate, then calls the same
 * method of `current()`.
 */
export function forwardingImplementation<TDef extends AnyServiceDefinition>(definition: TDef, current: () => ServiceImplementation<TDef>, gate: SwapGate): ServiceImplementation<TDef> {
  const impl: Record<string, unknown> = {};
  for (const key of Object.keys(definition.methods)) {
    impl[key] = async (request: unknown, context: unknown) => {
      for (let busy = gate.busy(); busy !== undefined; busy = gate.busy()) await busy;
      const target = current() as Record<string, (req: unknown, ctx: unknown) => unknown>;
      const fn = target[key];
      if (typeof fn !== "function") throw new Error(`${definition.fullName} has no method ${key}`);
      return fn.call(target, request, context);
    };
  }
  return impl as ServiceImplementation<TDef>;
}

/** The gateway's bus: subscriptions made on it follow the current bus across swaps. */
export interface SwitchableBus extends GatewayBus {
  /** Moves every live subscription to `bus` (from new messages on). */
  switchTo(bus: Pick<EventBus, "subscribe">): Promise<void>;
}

export function createSwitchableBus(initial: Pick<EventBus, "subscribe">): SwitchableBus {
  let bus = initial;
  interface Entry {
    pattern: string;
    handler: (m: BusMessage) => void | Promise<void>;
    inner: Subscription | undefined;
    closed: boolean;
  }
  const entries = new Set<Entry>();
  return {
    async subscribe(pattern, handler) {
      const entry: Entry = { pattern, handler, inner: undefined, closed: false };
      entry.inner = await bus.subscribe(pattern, handler, { deliverFrom: "new" });
      entries.add(entry);
      return {
        close: async () => {
          entry.closed = true;
          entries.delete(entry);
          await entry.inner?.close();
        },
      };
    },
    async switchTo(next) {
      bus = next;
      for (const entry of entries) {
        const old = entry.inner;
        entry.inner = await next.subscribe(entry.pattern, entry.handler, { deliverFrom: "new" });
        await old?.close().catch(() => undefined);
      }
    },
  };
}
