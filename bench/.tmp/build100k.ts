import { silentLogger } from "@cairn/core";
import { devOptionsSchema, startDevNode } from "@cairn/cli";
const dir = process.argv[2]!;
const total = Number(process.argv[3] ?? 100000);
const node = await startDevNode(devOptionsSchema.parse({ data: dir, port: 0, grpcPortBase: 0 }), silentLogger());
const call = async (method: string, params: unknown) => (await (await fetch(node.url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) })).json()) as any;
const t0 = performance.now();
for (;;) {
  const h = Number((await call("chain.get_head_info", {})).result.head_topology.height);
  if (h >= total) break;
  await call("dev.mine_blocks", { count: Math.min(5000, total - h) });
  console.log("height", h, "after", Math.round((performance.now() - t0) / 1000), "s");
}
await node.stop();
console.log("built in", Math.round((performance.now() - t0) / 1000), "s");
