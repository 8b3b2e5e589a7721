/**
 * Request counts and duration histograms for the hot path, kept in plain numbers and rendered in
 * Prometheus form only when /metrics is scraped. prom-client's own label handling (validation and
 * hashing of the label object on every observation) costs more per request than the rest of a
 * head-info call; these objects implement the part of prom-client's metric interface its
 * `Registry` reads (`name`, `help`, `type`, `get()`, `reset()`), so they sit in the same registry.
 */
import type { MetricsRegistry, prom } from "@cairn/core";

interface MethodStats {
  readonly outcomes: Map<string, number>;
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** Counts and durations by method. */
export class RequestStats {
  private readonly byMethod = new Map<string, MethodStats>();

  constructor(private readonly bounds: readonly number[]) {}

  /** Records one finished call. */
  observe(method: string, outcome: string, seconds: number): void {
    let m = this.byMethod.get(method);
    if (m === undefined) {
      m = { outcomes: new Map(), buckets: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.byMethod.set(method, m);
    }
    m.outcomes.set(outcome, (m.outcomes.get(outcome) ?? 0) + 1);
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    m.buckets[i]!++;
    m.sum += seconds;
    m.count++;
  }

  /** Registers `<counterName>{method,outcome}` and `<histogramName>{method}` in `registry`. */
  register(registry: MetricsRegistry, counter: { name: string; help: string }, histogram: { name: string; help: string }): void {
    const reset = () => this.byMethod.clear();
    const counterMetric = {
      ...counter,
      type: "counter",
      aggregator: "sum",
      reset,
      get: async () => ({
        ...counter,
        type: "counter",
        aggregator: "sum",
        values: [...this.byMethod].flatMap(([method, m]) => [...m.outcomes].map(([outcome, value]) => ({ labels: { method, outcome }, value }))),
      }),
    };
    const histogramMetric = {
      ...histogram,
      type: "histogram",
      aggregator: "sum",
      reset,
      get: async () => ({
        ...histogram,
        type: "histogram",
        aggregator: "sum",
        values: [...this.byMethod].flatMap(([method, m]) => {
          let cumulative = 0;
          const rows = this.bounds.map((le, i) => {
            cumulative += m.buckets[i]!;
            return { metricName: `${histogram.name}_bucket`, labels: { le, method }, value: cumulative };
          });
          rows.push({ metricName: `${histogram.name}_bucket`, labels: { le: "+Inf" as unknown as number, method }, value: m.count });
          return [...rows, { metricName: `${histogram.name}_sum`, labels: { method } as never, value: m.sum }, { metricName: `${histogram.name}_count`, labels: { method } as never, value: m.count }];
        }),
      }),
    };
    registry.registerMetric(counterMetric as unknown as prom.Metric);
    registry.registerMetric(histogramMetric as unknown as prom.Metric);
  }
}
