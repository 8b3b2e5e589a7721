#!/usr/bin/env bun
/**
 * Checks render.ts against kustomize itself: renders each kustomization both ways
 * (`kubectl kustomize`) and compares the objects (order aside). Needs kubectl; .ci/run runs it
 * where kubectl is installed.
 *
 *   bun deploy/k8s/compare-kustomize.ts
 */
import { join } from "node:path";
import { render } from "./render.ts";

const key = (m: { kind: string; metadata: { name: string } }) => `${m.kind}/${m.metadata.name}`;
let failed = false;
for (const target of ["base", "overlays/dev", "overlays/production"]) {
  const dir = join(import.meta.dir, target);
  const kubectl = Bun.spawnSync(["kubectl", "kustomize", dir]);
  if (kubectl.exitCode !== 0) throw new Error(`kubectl kustomize ${target} failed: ${kubectl.stderr.toString()}`);
  const parsed = Bun.YAML.parse(kubectl.stdout.toString()) as unknown;
  const theirs = new Map((Array.isArray(parsed) ? parsed : [parsed]).map((m) => [key(m), JSON.stringify(m)]));
  const ours = new Map((await render(dir)).map((m) => [key(m), JSON.stringify(m)]));
  const canonical = (json: string) => JSON.stringify(sortKeys(JSON.parse(json)));
  const differing = [...new Set([...theirs.keys(), ...ours.keys()])].filter((k) => theirs.get(k) === undefined || ours.get(k) === undefined || canonical(theirs.get(k)!) !== canonical(ours.get(k)!));
  if (differing.length > 0) failed = true;
  console.log(`${target}: ${ours.size} objects, ${differing.length === 0 ? "identical to kubectl kustomize" : `differ from kubectl kustomize: ${differing.join(", ")}`}`);
}
process.exit(failed ? 1 : 0);

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}
