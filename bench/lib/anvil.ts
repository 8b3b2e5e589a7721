/**
 * anvil (Foundry's local EVM chain, the tool application developers compare a dev chain with),
 * from the optional dev dependency `@foundry-rs/anvil-linux-amd64`: started on a free port with
 * 101 funded accounts, and EIP-1559 value transfers signed ahead with viem, in nonce order per
 * sender. `anvilBinary()` is undefined when the package is not installed (then the benchmark
 * says so instead of measuring).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { type HDAccount, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { onCleanup, spawnChild, stopChild } from "./children.ts";
import { freePort, rssMb } from "./util.ts";

/** anvil's default mnemonic: its accounts are funded with 10,000 ETH each. */
const MNEMONIC = "test test test test test test test test test test test junk";
export const ANVIL_CHAIN_ID = 31337;

/** Path of the anvil binary the optional dependency installed, or undefined. */
export function anvilBinary(): string | undefined {
  try {
    const pkg = Bun.resolveSync("@foundry-rs/anvil-linux-amd64/package.json", import.meta.dir);
    const bin = join(dirname(pkg), "bin", "anvil");
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

export async function anvilVersion(bin: string): Promise<string> {
  const p = Bun.spawnSync([bin, "--version"]);
  return p.stdout.toString().split("\n")[0]?.replace(/^anvil Version:\s*/i, "anvil ").trim() ?? "unknown";
}

export interface AnvilProcess {
  url: string;
  pid: number;
  rssMb(): number | undefined;
  stop(): Promise<void>;
}

/** Starts anvil with `accounts` funded accounts and the mode flags; resolves when it answers. */
export async function startAnvil(bin: string, accounts: number, modeArgs: string[]): Promise<AnvilProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnChild([bin, "--port", String(port), "--host", "127.0.0.1", "--accounts", String(accounts), "--silent", ...modeArgs], { stdout: "ignore", stderr: "ignore" });
  const stop = onCleanup(`anvil ${port}`, () => stopChild(proc, 5_000));
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`anvil exited with ${proc.exitCode}`);
    const ok = await evmRpc(url, "eth_chainId", []).then(() => true, () => false);
    if (ok) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error("anvil did not answer within 30 s");
    }
    await Bun.sleep(20);
  }
  return { url, pid: proc.pid, rssMb: () => rssMb(proc.pid), stop };
}

export async function evmRpc<T = unknown>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** A JSON-RPC batch (anvil answers arrays). */
export async function evmBatch<T = unknown>(url: string, calls: { method: string; params: unknown[] }[]): Promise<T[]> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(calls.map((c, i) => ({ jsonrpc: "2.0", id: i, ...c }))) });
  const body = (await res.json()) as { id: number; result?: T; error?: { message: string } }[];
  body.sort((a, b) => a.id - b.id);
  return body.map((b) => {
    if (b.error) throw new Error(b.error.message);
    return b.result as T;
  });
}

export interface EvmAccount {
  address: `0x${string}`;
  sign: ReturnType<typeof privateKeyToAccount>["signTransaction"];
}

/** anvil's funded accounts 0…n-1 (HD derivation from its default mnemonic). */
export function anvilAccounts(n: number): EvmAccount[] {
  return Array.from({ length: n }, (_, i) => {
    const hd: HDAccount = mnemonicToAccount(MNEMONIC, { addressIndex: i });
    const key = `0x${Buffer.from(hd.getHdKey().privateKey!).toString("hex")}` as `0x${string}`;
    const account = privateKeyToAccount(key);
    return { address: account.address, sign: account.signTransaction };
  });
}

/** `count` 1-wei transfers from each sender to `to`, nonces from `nextNonce[s]`: eth_sendRawTransaction bodies and hashes. */
export async function signEvmTransfers(senders: EvmAccount[], to: `0x${string}`, nextNonce: number[], count: number): Promise<{ bodies: string[][]; hashes: string[] }> {
  const { keccak256 } = await import("viem");
  const bodies: string[][] = [];
  const hashes: string[] = [];
  for (let s = 0; s < senders.length; s++) {
    const list: string[] = [];
    for (let k = 0; k < count; k++) {
      const raw = await senders[s]!.sign({ chainId: ANVIL_CHAIN_ID, type: "eip1559", to, value: 1n, nonce: nextNonce[s]! + k, gas: 21_000n, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1n });
      hashes.push(keccak256(raw));
      list.push(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] }));
    }
    nextNonce[s] = nextNonce[s]! + count;
    bodies.push(list);
  }
  return { bodies, hashes };
}

/** How many of `hashes` the blocks from `fromHeight + 1` to `toHeight` hold, and duplicates (batched reads of 200 blocks). */
export async function countEvmInBlocks(url: string, hashes: Set<string>, fromHeight: number, toHeight: number): Promise<{ found: number; duplicates: number; blocks: number }> {
  const seen = new Set<string>();
  let duplicates = 0;
  let blocks = 0;
  for (let h = fromHeight + 1; h <= toHeight; h += 200) {
    const calls = [];
    for (let k = h; k <= Math.min(toHeight, h + 199); k++) calls.push({ method: "eth_getBlockByNumber", params: [`0x${k.toString(16)}`, false] });
    for (const block of await evmBatch<{ transactions: string[] }>(url, calls)) {
      blocks++;
      for (const t of block.transactions) {
        if (!hashes.has(t)) continue;
        if (seen.has(t)) duplicates++;
        seen.add(t);
      }
    }
  }
  return { found: seen.size, duplicates, blocks };
}
