/**
 * `promtool check metrics` (Prometheus's own linter for the exposition format: metric names,
 * types, `_total` only on counters, help text…) for the metrics suites. promtool comes from
 * Debian's `prometheus` package (.ci/run extracts it); under CI=true a missing promtool is an
 * error, elsewhere the suites that need it are skipped with a printed notice.
 */

/** Path of promtool (PROMTOOL, else on PATH), or undefined when there is none. */
export function findPromtool(): string | undefined {
  const path = process.env.PROMTOOL ?? Bun.which("promtool") ?? undefined;
  if (path === undefined && process.env.CI === "true") throw new Error("CI=true but promtool is missing (install Debian's prometheus package, or set PROMTOOL)");
  if (path === undefined) console.warn("promtool not found: metrics lint skipped (under CI=true this fails)");
  return path;
}

/** Runs `promtool check metrics` on `text`; resolves with its complaints ("" when clean). */
export async function promtoolProblems(promtool: string, text: string): Promise<string> {
  const proc = Bun.spawn([promtool, "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const problems = (out + err).trim();
  return code === 0 && problems === "" ? "" : problems || `promtool exited ${code}`;
}

/** The value of the sample `name{labels…}` in exposition text (labels matched as a subset), or undefined. */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}
