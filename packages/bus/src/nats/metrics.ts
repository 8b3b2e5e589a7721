/**
 * The NATS bus's metrics: connection state, and for every durable consumer this process pulls
 * from, the messages the stream holds that it has not been delivered yet (JetStream's
 * `num_pending`, its lag) and those delivered but not acknowledged. Lag is read from the server
 * when Prometheus scrapes, so it is current and costs nothing between scrapes.
 */
import { getOrCreateMetric, prom, type MetricsRegistry } from "@cairn/core";

/** What one bus contributes to a scrape. */
export interface ConsumerLag {
  stream: string;
  consumer: string;
  /** Messages matching the consumer's filter not yet delivered to it. */
  pending: number;
  /** Messages delivered and not yet acknowledged. */
  ackPending: number;
}

/** A bus registered with the metrics: its connection name and how to read its consumers' lag. */
export interface MetricsSource {
  readonly connection: string;
  readonly stream: string;
  connected(): boolean;
  lag(): Promise<ConsumerLag[]>;
}

/** How long a scrape waits for the server's consumer info before reporting what it has. */
const LAG_TIMEOUT_MS = 2_000;

const sourcesByRegistry = new WeakMap<MetricsRegistry, Set<MetricsSource>>();

/** Registers `source` in `registry`'s NATS metrics (declared once per registry); returns an unregister function. */
export function registerBusMetrics(registry: MetricsRegistry, source: MetricsSource): () => void {
  let sources = sourcesByRegistry.get(registry);
  if (sources === undefined) {
    const all = new Set<MetricsSource>();
    sources = all;
    sourcesByRegistry.set(registry, all);
    getOrCreateMetric(registry, "cairn_nats_connected", () =>
      new prom.Gauge({
        name: "cairn_nats_connected",
        help: "1 while the bus's NATS connection is up, 0 while it is down or reconnecting",
        labelNames: ["connection"] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const s of all) this.set({ connection: s.connection }, s.connected() ? 1 : 0);
        },
      }),
    );
    // Both lag gauges read the same consumer infos: one server round per scrape when collected together.
    let inFlight: Promise<ConsumerLag[]> | undefined;
    const readLag = () =>
      (inFlight ??= Promise.all([...all].map((s) => withTimeout(s.lag(), LAG_TIMEOUT_MS).catch(() => [] as ConsumerLag[])))
        .then((r) => r.flat())
        .finally(() => (inFlight = undefined)));
    const lagGauge = (name: string, help: string, pick: (l: ConsumerLag) => number) =>
      getOrCreateMetric(registry, name, () =>
        new prom.Gauge({
          name,
          help,
          labelNames: ["stream", "consumer"] as const,
          registers: [registry],
          async collect() {
            const lags = await readLag();
            this.reset();
            for (const l of lags) this.set({ stream: l.stream, consumer: l.consumer }, pick(l));
          },
        }),
      );
    lagGauge("cairn_jetstream_consumer_pending_messages", "Messages in the stream a durable consumer has not been delivered yet (JetStream num_pending: its lag)", (l) => l.pending);
    lagGauge("cairn_jetstream_consumer_ack_pending_messages", "Messages delivered to a durable consumer and not yet acknowledged", (l) => l.ackPending);
  }
  sources.add(source);
  return () => sources.delete(source);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
