/** What `cairn dev` prints at start (as anvil does): accounts with keys, KOIN, chain id, endpoints, a koilib snippet. */
import { styleText } from "node:util";
import { toBase64url } from "@cairn/core";
import type { DevNode } from "./node.ts";
import type { DevOptions } from "./options.ts";

/**
 * `n` with commas between groups of three digits, as `toLocaleString("en-US")` writes it, without
 * loading the ICU locale data (its first call costs ~40 ms, on the way to the node's first answer).
 */
export function groupThousands(n: number | bigint): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export interface BannerOptions {
  /** ANSI colours (a terminal). Default false. */
  color?: boolean;
}

export function banner(node: DevNode, opts: DevOptions, { color = false }: BannerOptions = {}): string {
  const bold = (s: string) => (color ? styleText("bold", s, { validateStream: false }) : s);
  const lines: string[] = [];
  const storage = opts.databaseUrl ? "Postgres" : node.dataDir === undefined ? "in memory (gone when the node stops; --data <dir> keeps it)" : `${node.dataDir} (locked while this node runs)`;
  lines.push("", bold("Cairn dev node"), "==============", "");
  lines.push(`Chain id          ${toBase64url(node.chainId)}`);
  lines.push(`Seed              "${opts.seed}"`);
  lines.push(`KOIN contract     ${node.koin.address}  (${node.koin.decimals} decimals: 1 KOIN = ${groupThousands(10 ** node.koin.decimals)} satoshis)`);
  lines.push(`Block producer    ${node.producerAddress}  (key sha256("${opts.seed} producer"))`);
  lines.push(`Block production  ${opts.mode}${opts.mode === "interval" ? ` every ${opts.intervalMs} ms` : ""}`);
  lines.push(`Storage           ${storage}`);
  lines.push("");
  lines.push(bold(`Dev accounts (${groupThousands(opts.balance)} KOIN each; koilib: Signer.fromSeed("${opts.seed} <i>"))`));
  lines.push("");
  for (const a of node.accounts) lines.push(`(${a.index}) ${a.addressBase58.padEnd(35)} ${a.wif}`);
  lines.push("");
  lines.push(`JSON-RPC          ${node.url}`);
  lines.push(`Explorer          ${node.url}/  (in a browser)`);
  lines.push(`REST              ${node.url}/v1/head   (OpenAPI: ${node.url}/openapi.json)`);
  lines.push(`WebSocket         ${node.url.replace("http", "ws")}/ws`);
  const grpc = Object.entries(node.grpcPorts)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  lines.push(`gRPC              ${grpc}`);
  lines.push("");
  lines.push(bold("koilib"));
  lines.push(`  const provider = new Provider("${node.url}");`);
  lines.push(`  const signer = Signer.fromSeed("${opts.seed} 0"); signer.provider = provider;`);
  lines.push(`  const koin = new Contract({ id: "${node.koin.address}", abi: utils.tokenAbi, provider, signer }).functions;`);
  lines.push("");
  lines.push(node.dataDir === undefined ? "Ctrl-C stops the node (and drops the chain)." : "Ctrl-C stops the node; run again with the same --data to resume the chain.");
  lines.push("");
  return lines.join("\n");
}
