/** Progress of a long replay (rebuilds, reindex, republish): blocks done, rate and time left, and its one-line text. */

/** One progress report. */
export interface ReplayProgress {
  /** Blocks applied so far. */
  done: number;
  /** Blocks to apply in all. */
  total: number;
  /** Average rate since the start. */
  blocksPerSecond: number;
  /** Estimated time to finish at that rate (0 when done). */
  secondsLeft: number;
  /** Time since the start. */
  elapsedSeconds: number;
}

/** Measures progress against `total` from the moment it is created. */
export function progressMeter(total: number, now: () => number = () => performance.now()): (done: number) => ReplayProgress {
  const started = now();
  return (done) => {
    const elapsedSeconds = (now() - started) / 1000;
    const blocksPerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
    const left = Math.max(total - done, 0);
    const secondsLeft = left === 0 ? 0 : blocksPerSecond > 0 ? left / blocksPerSecond : Number.POSITIVE_INFINITY;
    return { done, total, blocksPerSecond, secondsLeft, elapsedSeconds };
  };
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** `1,200/5,000 blocks (24.0%) · 850 blocks/s · 4s left`. */
export function formatProgress(p: ReplayProgress): string {
  const pct = p.total === 0 ? 100 : (p.done / p.total) * 100;
  return `${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")} blocks (${pct.toFixed(1)}%) · ${Math.round(p.blocksPerSecond).toLocaleString("en-US")} blocks/s · ${duration(p.secondsLeft)} left`;
}
