/**
 * `chain.get_head_info` through the gateway vs a bare `Bun.serve` JSON endpoint (architecture §9
 * target: the gateway at ≥ 50% of bare). Not a test.
 *
 *   bun gateway/bench/head-info.bench.ts [--seconds=5] [--concurrency=64] [--rounds=3]
 *
 * Each server runs in its own child process (so the load generator does not share its event
 * loop); the load is a fetch loop with N requests in flight, the same JSON-RPC body koilib sends.
 * The gateway is the real app (`createApp`, default options, access log on a silent logger) over
 * an in-process ChainService client returning a fixed head info (protobuf encode/decode included).
 * A third server is the gateway with the event-fed read cache on (`readCache.enabled`, an in-memory
 * bus with no block events, so head info is served from the cache). Rounds alternate the three
 * and the medians are reported, so a busy machine skews all three alike.
 */
import { silentLogger } from "@cairn/core";
import { chain } from "@cairn/proto";
import { createInProcessClient, type ServiceImplementation } from "@cairn/rpc";
import { createApp } from "../src/app.ts";
import { createFakeBus } from "../src/testing/fake-bus.ts";
import { websocket } from "../src/ws/route.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);

const HEAD = chain.GetHeadInfoResponse.fromPartial({
  head_topology: { id: new Uint8Array(34).fill(7), height: 123456n, previous: new Uint8Array(34).fill(6) },
  last_irreversible_block: 123396n,
  head_state_merkle_root: new Uint8Array(34).fill(9),
  head_block_time: 1_700_000_000_000n,
});
const FIXED_RESULT = {
  head_topology: { id: `0x${"07".repeat(34)}`, height: "123456", previous: `0x${"06".repeat(34)}` },
  last_irreversible_block: "123396",
  head_state_merkle_root: Buffer.from(new Uint8Array(34).fill(9)).toString("base64url"),
  head_block_time: "1700000000000",
};
const BODY = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain.get_head_info", params: {} });

function serve(kind: string): void {
  if (kind === "bare") {
    const server = Bun.serve({
      port: 0,
      async fetch(req) {
        const body = JSON.parse(await req.text()) as { id: unknown };
        return new Response(JSON.stringify({ jsonrpc: "2.0", result: FIXED_RESULT, id: body.id }), { headers: { "Content-Type": "application/json" } });
      },
    });
    console.log(server.port);
    return;
  }
  const impl = { getHeadInfo: () => HEAD } as unknown as ServiceImplementation<typeof chain.ChainServiceDefinition>;
  const cached = kind === "gateway-cache";
  const app = createApp(cached ? { readCache: { enabled: true } } : {}, {
    bus: cached ? createFakeBus() : undefined, clients: { [chain.ChainServiceDefinition.fullName]: createInProcessClient(chain.ChainServiceDefinition, impl) }, logger: silentLogger() });
  const server = Bun.serve({ port: 0, fetch: app.fetch, websocket });
  console.log(server.port);
}

async function load(port: number, seconds: number, concurrency: number): Promise<number> {
  const url = `http://127.0.0.1:${port}/`;
  const one = async () => {
    const r = await fetch(url, { method: "POST", body: BODY });
    const j = (await r.json()) as { result?: unknown };
    if (j.result === undefined) throw new Error(`bad answer ${JSON.stringify(j)}`);
  };
  for (let i = 0; i < 500; i++) await one(); // warm-up (JIT, connections)
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await one();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function measure(kind: string, seconds: number, concurrency: number): Promise<number> {
  const child = Bun.spawn(["bun", import.meta.path, `--serve=${kind}`], { stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  const port = Number(new TextDecoder().decode(value).trim());
  try {
    return await load(port, seconds, concurrency);
  } finally {
    child.kill();
    await child.exited;
  }
}

const serveKind = process.argv.find((a) => a.startsWith("--serve="))?.split("=")[1];
if (serveKind !== undefined) {
  serve(serveKind);
} else {
  const seconds = arg("seconds", 5);
  const concurrency = arg("concurrency", 64);
  const rounds = arg("rounds", 3);
  const kinds = ["bare", "gateway", "gateway-cache"] as const;
  const results: Record<string, number[]> = { bare: [], gateway: [], "gateway-cache": [] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of kinds) results[kind]!.push(await measure(kind, seconds, concurrency));
    console.log(`round ${r + 1}: ${kinds.map((k) => `${k} ${results[k]!.at(-1)!.toFixed(0)}`).join(", ")} req/s`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bare = median(results.bare!);
  const gateway = median(results.gateway!);
  const cachedRate = median(results["gateway-cache"]!);
  console.log(`bare Bun.serve JSON endpoint                      : ${bare.toFixed(0)} req/s`);
  console.log(`gateway chain.get_head_info (in-process client)   : ${gateway.toFixed(0)} req/s  (${((gateway / bare) * 100).toFixed(1)}% of bare; target ≥ 50%)`);
  console.log(`gateway chain.get_head_info, readCache on         : ${cachedRate.toFixed(0)} req/s  (${((cachedRate / bare) * 100).toFixed(1)}% of bare)`);
}
