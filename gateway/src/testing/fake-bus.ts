/**
 * An in-memory stand-in for the event bus in gateway tests: records subscriptions (so tests can
 * see the gateway subscribe and unsubscribe) and delivers `publish`ed messages to matching ones.
 */
import { subjectMatches } from "@cairn/bus";
import type { GatewayBus, GatewayBusMessage } from "../ws/hub.ts";

/** The fake bus. */
export interface FakeBus extends GatewayBus {
  /** Patterns currently subscribed. */
  readonly patterns: string[];
  /** Delivers to every matching subscription; resolves when handlers have run. */
  publish(subject: string, data: Uint8Array): Promise<void>;
  /** When set, `subscribe` rejects with it. */
  failWith: Error | undefined;
}

/** Builds a fake bus. */
export function createFakeBus(): FakeBus {
  const subs = new Set<{ pattern: string; handler: (m: GatewayBusMessage) => void | Promise<void> }>();
  const bus: FakeBus = {
    failWith: undefined,
    get patterns() {
      return [...subs].map((s) => s.pattern);
    },
    async subscribe(pattern, handler) {
      if (bus.failWith !== undefined) throw bus.failWith;
      const sub = { pattern, handler };
      subs.add(sub);
      return { close: async () => void subs.delete(sub) };
    },
    async publish(subject, data) {
      for (const s of [...subs]) if (subjectMatches(s.pattern, subject)) await s.handler({ subject, data });
    },
  };
  return bus;
}
