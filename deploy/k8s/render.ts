#!/usr/bin/env bun
/**
 * Renders a kustomization under deploy/k8s to plain manifests, for clusters and CI machines
 * without kustomize (kubectl ≥ 1.14 has it built in: `kubectl apply -k` gives the same objects).
 *
 *   bun deploy/k8s/render.ts overlays/production | kubectl apply -f -
 *
 * It understands exactly the kustomization fields these manifests use — `resources` (files and
 * directories), `namespace`, `images`, `replicas` and `patches` holding RFC 6902 JSON patches
 * with a kind/name target — and refuses any other field, so it can never silently render
 * something kustomize would not. deploy/k8s/k8s.test.ts compares it with `kubectl kustomize`
 * where kubectl is installed.
 */
import { dirname, join, resolve } from "node:path";
import jsonpatch, { type Operation } from "fast-json-patch";

/** A Kubernetes object as parsed from YAML. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path: string; target: { kind: string; name: string } }[];
}

const KNOWN_FIELDS = new Set(["apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches"]);
/** Kinds that live outside namespaces (none of Cairn's, but kept right). */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition"]);
/** Workload kinds whose pod template holds containers; `replicas` applies to the first three. */
const WORKLOADS = new Set(["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job"]);

/** The objects of a manifest file: Bun.YAML gives an array for several documents, the object for one. */
async function readDocuments(path: string): Promise<unknown[]> {
  const parsed = Bun.YAML.parse(await Bun.file(path).text()) as unknown;
  return (Array.isArray(parsed) ? parsed : [parsed]).filter((d) => d !== null && d !== undefined);
}

/** Renders the kustomization in `dir` (a folder with kustomization.yaml). */
export async function render(dir: string): Promise<Manifest[]> {
  const root = resolve(dir);
  const k = Bun.YAML.parse(await Bun.file(join(root, "kustomization.yaml")).text()) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) throw new Error(`${root}/kustomization.yaml: render.ts does not support ${unknown.join(", ")}`);

  const out: Manifest[] = [];
  for (const entry of k.resources ?? []) {
    const path = join(root, entry);
    if (await Bun.file(join(path, "kustomization.yaml")).exists()) out.push(...(await render(path)));
    else for (const doc of await readDocuments(path)) out.push(doc as Manifest);
  }

  for (const patch of k.patches ?? []) {
    const ops = Bun.YAML.parse(await Bun.file(join(root, patch.path)).text()) as Operation[];
    if (!Array.isArray(ops)) throw new Error(`${patch.path}: only RFC 6902 JSON patches (a list of operations) are supported`);
    const targets = out.filter((m) => m.kind === patch.target.kind && m.metadata.name === patch.target.name);
    if (targets.length === 0) throw new Error(`${patch.path}: no ${patch.target.kind} ${patch.target.name} to patch`);
    for (const target of targets) jsonpatch.applyPatch(target, ops, true, true);
  }

  for (const m of out) {
    if (k.namespace !== undefined && !CLUSTER_SCOPED.has(m.kind)) m.metadata.namespace = k.namespace;
    if (WORKLOADS.has(m.kind)) {
      const podSpec = (m.spec as { template: { spec: { containers: { image: string }[]; initContainers?: { image: string }[] } } }).template.spec;
      for (const c of [...(podSpec.initContainers ?? []), ...podSpec.containers]) c.image = retag(c.image, k.images ?? []);
    }
    const replicas = k.replicas?.find((r) => r.name === m.metadata.name);
    if (replicas !== undefined && ["Deployment", "StatefulSet", "ReplicaSet"].includes(m.kind)) (m.spec as { replicas: number }).replicas = replicas.count;
  }
  for (const r of k.replicas ?? []) {
    if (!out.some((m) => m.metadata.name === r.name && ["Deployment", "StatefulSet", "ReplicaSet"].includes(m.kind))) throw new Error(`replicas: no workload named ${r.name}`);
  }
  return out;
}

/** kustomize's image rule: the name before the tag or digest must equal `name`. */
function retag(image: string, rules: NonNullable<Kustomization["images"]>): string {
  const at = image.indexOf("@");
  const colon = image.lastIndexOf(":");
  const end = at >= 0 ? at : colon > image.lastIndexOf("/") ? colon : image.length;
  const name = image.slice(0, end);
  const rule = rules.find((r) => r.name === name);
  if (rule === undefined) return image;
  const suffix = rule.newTag !== undefined ? `:${rule.newTag}` : image.slice(end);
  return `${rule.newName ?? name}${suffix}`;
}

/** The manifests as one multi-document YAML stream. */
export function toYaml(manifests: readonly Manifest[]): string {
  return manifests.map((m) => Bun.YAML.stringify(m, null, 2)).join("\n---\n") + "\n";
}

if (import.meta.main) {
  const target = process.argv[2];
  if (target === undefined) {
    console.error("usage: bun deploy/k8s/render.ts <kustomization folder, e.g. overlays/production>");
    process.exit(2);
  }
  const dir = await Bun.file(join(target, "kustomization.yaml")).exists() ? target : join(dirname(import.meta.path), target);
  process.stdout.write(toYaml(await render(dir)));
}
