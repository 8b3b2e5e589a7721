/**
 * The Kubernetes manifests, validated offline: every object of the base and of each overlay,
 * rendered (render.ts), is checked against the Kubernetes API schemas that ship in the
 * `kubernetes-models` package (types, required fields, formats) and, for unknown or misspelt
 * fields, against its TypeScript types (tsc's excess-property check). Then what the deployment
 * promises: single writers stay at one replica, NATS is a 3-server cluster with a 3-copy stream,
 * the read services read the Postgres replicas, probes are gRPC health and /health, Services
 * select pods that exist, and the shared config file loads for every service.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../packages/config/src/index.ts";
import { type Manifest, render } from "./render.ts";

const here = import.meta.dir;
const root = join(here, "../..");
const TARGETS = ["base", "overlays/dev", "overlays/production"];
const rendered = new Map<string, Manifest[]>();
for (const t of TARGETS) rendered.set(t, await render(join(here, t)));

/** `kubernetes-models/<group>/<version>/<Kind>` for an apiVersion. */
function modelPath(m: Manifest): string {
  const [group, version] = m.apiVersion.includes("/") ? m.apiVersion.split("/") : ["", m.apiVersion];
  return `kubernetes-models/${group === "" ? "" : `${group}/`}${version}/${m.kind}`;
}

type Container = { name: string; image: string; env?: { name: string; value?: string }[]; ports?: { name?: string; containerPort: number }[]; readinessProbe?: Record<string, unknown>; livenessProbe?: Record<string, unknown>; startupProbe?: Record<string, unknown> };
type PodSpec = { containers: Container[]; initContainers?: Container[] };
const pod = (m: Manifest) => (m.spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } }).template;
const find = (ms: Manifest[], kind: string, name: string) => {
  const m = ms.find((x) => x.kind === kind && x.metadata.name === name);
  if (m === undefined) throw new Error(`no ${kind} ${name}`);
  return m;
};
const envOf = (m: Manifest) => Object.fromEntries((pod(m).spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
const replicasOf = (m: Manifest) => (m.spec as { replicas: number }).replicas;

describe("Kubernetes manifests", () => {
  for (const target of TARGETS) {
    test(`${target}: every object matches the Kubernetes API schema`, async () => {
      const problems: string[] = [];
      for (const m of rendered.get(target)!) {
        const mod = (await import(modelPath(m))) as Record<string, new (data: unknown) => { validate(): void }>;
        const Model = mod[m.kind];
        if (Model === undefined) {
          problems.push(`${m.kind} ${m.metadata.name}: unknown kind for ${m.apiVersion}`);
          continue;
        }
        try {
          new Model(m).validate();
        } catch (err) {
          problems.push(`${m.kind} ${m.metadata.name}: ${String(err)}`);
        }
      }
      expect(problems).toEqual([]);
    }, 30_000);
  }

  test("no unknown or misspelt fields (tsc against the API types)", async () => {
    const dir = join(root, "node_modules/.cache/cairn-k8s-check");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `manifests-${process.pid}.ts`);
    const imports = new Map<string, string>();
    const lines: string[] = [];
    for (const [target, ms] of rendered) {
      ms.forEach((m, i) => {
        const type = `I${m.kind}_${m.apiVersion.replace(/[^a-zA-Z0-9]/g, "_")}`;
        imports.set(type, `import type { I${m.kind} as ${type} } from "${modelPath(m)}";`);
        lines.push(`// ${target}: ${m.kind} ${m.metadata.name}`, `export const m${lines.length} = ${JSON.stringify(m, null, 2)} satisfies ${type};`);
        void i;
      });
    }
    await Bun.write(file, [...imports.values(), ...lines].join("\n"));
    try {
      const tsc = Bun.spawn([join(root, "node_modules/.bin/tsc"), "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", file], { cwd: root, stdout: "pipe", stderr: "pipe" });
      const out = (await new Response(tsc.stdout).text()) + (await new Response(tsc.stderr).text());
      expect({ code: await tsc.exited, out }).toEqual({ code: 0, out: "" });
    } finally {
      rmSync(file, { force: true });
    }
  }, 120_000);

  for (const target of TARGETS) {
    test(`${target}: single writers run once; the read side scales; NATS is a 3-server cluster`, () => {
      const ms = rendered.get(target)!;
      for (const name of ["chain", "block-store", "mempool", "block-producer"]) {
        const m = find(ms, "StatefulSet", name);
        expect({ name, replicas: replicasOf(m) }).toEqual({ name, replicas: 1 });
      }
      expect(replicasOf(find(ms, "StatefulSet", "postgres"))).toBe(1);
      expect(replicasOf(find(ms, "StatefulSet", "nats"))).toBe(3);
      const natsConf = (find(ms, "ConfigMap", "nats-config").data as Record<string, string>)["nats.conf"]!;
      expect(natsConf.match(/nats:\/\/nats-\d\.nats-headless:6222/g)).toHaveLength(3);
      expect(natsConf).toContain("jetstream");
      const cairn = Bun.YAML.parse((find(ms, "ConfigMap", "cairn-config").data as Record<string, string>)["cairn.yaml"]!) as { global: Record<string, unknown> };
      expect(cairn.global["nats-stream-replicas"]).toBe(3);
      expect(find(ms, "Deployment", "account-history")).toBeDefined();
      expect(find(ms, "Deployment", "jsonrpc")).toBeDefined();
      if (target === "overlays/production") {
        expect(replicasOf(find(ms, "Deployment", "jsonrpc"))).toBeGreaterThanOrEqual(2);
        expect(replicasOf(find(ms, "Deployment", "account-history"))).toBeGreaterThanOrEqual(2);
        expect(replicasOf(find(ms, "StatefulSet", "postgres-replica"))).toBeGreaterThanOrEqual(2);
      }
    });

    test(`${target}: reads go to the Postgres replicas, writes to the primary`, () => {
      const ms = rendered.get(target)!;
      for (const [kind, name] of [["StatefulSet", "block-store"], ["Deployment", "account-history"]] as const) {
        const env = envOf(find(ms, kind, name));
        expect(new URL(env.DATABASE_URL!.replace("$(POSTGRES_PASSWORD)", "x")).hostname).toBe("postgres");
        expect(new URL(env.DATABASE_READ_URL!.replace("$(POSTGRES_PASSWORD)", "x")).hostname).toBe("postgres-read");
      }
      for (const name of ["chain", "mempool"]) {
        const env = envOf(find(ms, "StatefulSet", name));
        expect(new URL(env.DATABASE_URL!.replace("$(POSTGRES_PASSWORD)", "x")).hostname).toBe("postgres");
        expect(env.DATABASE_READ_URL).toBeUndefined();
      }
      const read = find(ms, "Service", "postgres-read");
      expect((read.spec as { selector: Record<string, string> }).selector["cairn.io/postgres-role"]).toBe("replica");
      const clone = pod(find(ms, "StatefulSet", "postgres-replica")).spec.initContainers![0]!;
      expect(JSON.stringify(clone)).toContain("pg_basebackup -h postgres");
    });

    test(`${target}: probes are gRPC health for the services and /health for the gateway`, () => {
      const ms = rendered.get(target)!;
      const grpcPorts: Record<string, number> = { chain: 50051, "block-store": 50052, mempool: 50053, "account-history": 50054, "block-producer": 50055 };
      for (const [name, port] of Object.entries(grpcPorts)) {
        const m = ms.find((x) => (x.kind === "StatefulSet" || x.kind === "Deployment") && x.metadata.name === name)!;
        const c = pod(m).spec.containers[0]!;
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect({ name, grpc: probe?.grpc }).toEqual({ name, grpc: { port } });
      }
      const gateway = pod(find(ms, "Deployment", "jsonrpc")).spec.containers[0]!;
      expect(gateway.readinessProbe?.httpGet).toEqual({ path: "/health", port: "http" });
    });

    test(`${target}: every Service selects pods of a workload, on ports the pods declare`, () => {
      const ms = rendered.get(target)!;
      const workloads = ms.filter((m) => m.kind === "StatefulSet" || m.kind === "Deployment");
      for (const svc of ms.filter((m) => m.kind === "Service")) {
        const spec = svc.spec as { selector: Record<string, string>; ports: { name: string; port: number; targetPort?: string | number }[] };
        const matching = workloads.filter((w) => Object.entries(spec.selector).every(([k, v]) => pod(w).metadata.labels[k] === v));
        expect({ service: svc.metadata.name, matches: matching.length > 0 }).toEqual({ service: svc.metadata.name, matches: true });
        for (const port of spec.ports) {
          const wanted = port.targetPort ?? port.port;
          const declared = matching.some((w) => pod(w).spec.containers.some((c) => (c.ports ?? []).some((p) => p.name === wanted || p.containerPort === wanted)));
          expect({ service: svc.metadata.name, port: wanted, declared }).toEqual({ service: svc.metadata.name, port: wanted, declared: true });
        }
      }
    });
  }

  test("the shared config file (ConfigMap cairn-config) loads for every service", async () => {
    const ms = rendered.get("overlays/production")!;
    const file = join(root, "node_modules/.cache/cairn-k8s-check", `cairn-${process.pid}.yaml`);
    await Bun.write(file, (find(ms, "ConfigMap", "cairn-config").data as Record<string, string>)["cairn.yaml"]!);
    const sections: [string, string, string][] = [
      ["chain", "services/chain/src/options.ts", "chainOptionsSchema"],
      ["block-store", "services/block-store/src/options.ts", "blockStoreOptionsSchema"],
      ["mempool", "services/mempool/src/options.ts", "mempoolOptionsSchema"],
      ["account-history", "services/account-history/src/options.ts", "accountHistoryOptionsSchema"],
      ["block-producer", "services/block-producer/src/options.ts", "blockProducerOptionsSchema"],
      ["gateway", "gateway/src/main.ts", "gatewayCliSchema"],
    ];
    try {
      for (const [service, path, exportName] of sections) {
        const schema = ((await import(join(root, path))) as Record<string, Parameters<typeof loadConfig>[0]["schema"]>)[exportName]!;
        const env = { DATABASE_URL: "postgres://cairn:x@postgres:5432/cairn", DATABASE_READ_URL: "postgres://cairn:x@postgres-read:5432/cairn" };
        const options = loadConfig({ service, schema, argv: ["--config", file], env }) as Record<string, unknown>;
        expect({ service, replicas: options.natsStreamReplicas, nats: options.natsUrl }).toEqual({ service, replicas: 3, nats: "nats://nats:4222" });
      }
    } finally {
      rmSync(file, { force: true });
    }
  }, 30_000);
});
