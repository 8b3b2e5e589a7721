/** What `cairn dev` prints at start (as anvil does): accounts with keys, chain id, endpoints. */
import { toBase64url } from "@cairn/core";
import type { DevNode } from "./node.ts";
import type { DevOptions } from "./options.ts";

export function banner(node: DevNode, opts: DevOptions): string {
  const lines: string[] = [];
  lines.push("", "Cairn dev node", "==============", "");
  lines.push(`Chain id          ${toBase64url(node.chainId)}`);
  lines.push(`Seed              "${opts.seed}"`);
  lines.push(`Block producer    ${node.producerAddress}  (key sha256("${opts.seed} producer"))`);
  lines.push(`Block production  ${opts.mode}${opts.mode === "interval" ? ` every ${opts.intervalMs} ms` : ""}`);
  lines.push(`Storage           ${opts.databaseUrl ? "Postgres" : opts.memory ? "in memory" : opts.data}`);
  lines.push("");
  lines.push(`Dev accounts (${opts.balance.toLocaleString("en-US")} KOIN each; koilib: Signer.fromSeed("${opts.seed} <i>"))`);
  lines.push("");
  for (const a of node.accounts) lines.push(`(${a.index}) ${a.addressBase58.padEnd(35)} ${a.wif}`);
  lines.push("");
  lines.push(`JSON-RPC          ${node.url}`);
  lines.push(`REST              ${node.url}/v1/head   (OpenAPI: ${node.url}/openapi.json)`);
  lines.push(`WebSocket         ${node.url.replace("http", "ws")}/ws`);
  const grpc = Object.entries(node.grpcPorts)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  lines.push(`gRPC              ${grpc}`);
  lines.push("", "Ctrl-C stops the node; run again with the same data directory to resume the chain.", "");
  return lines.join("\n");
}
