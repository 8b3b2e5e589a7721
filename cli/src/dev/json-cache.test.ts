/**
 * The dev node's gateway answers block and history reads from its JSON fragment cache: byte for
 * byte what the services' own answers give through the Koinos JSON codec (read over gRPC, no
 * cache), on first and repeated reads, and still after `dev.revert` puts other blocks and other
 * records at the same heights and seq_nums (as a fork switch would).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { silentLogger } from "@cairn/core";
import { account_history, block_store } from "@cairn/proto";
import { defaultJsonCodec } from "@cairn/protocol";
import { createGrpcClient } from "@cairn/rpc";
import { type DevNode, startDevNode } from "./node.ts";
import { devOptionsSchema } from "./options.ts";

const nodes: DevNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => undefined);
});

const codec = defaultJsonCodec();
const PREFIX = '{"jsonrpc":"2.0","result":';
const SUFFIX = ',"id":1}';

/** The `result` text of a JSON-RPC call, as the gateway wrote it. */
async function resultText(node: DevNode, method: string, params: unknown): Promise<string> {
  const res = await fetch(node.url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const raw = await res.text();
  if (!raw.startsWith(PREFIX) || !raw.endsWith(SUFFIX)) throw new Error(`not a result: ${raw.slice(0, 300)}`);
  return raw.slice(PREFIX.length, -SUFFIX.length);
}

async function rpc<T>(node: DevNode, method: string, params: unknown = {}): Promise<T> {
  return JSON.parse(await resultText(node, method, params)) as T;
}

describe("dev node JSON fragment cache", () => {
  test("block and history answers are byte for byte the codec's, before and after a revert rewrites them", async () => {
    const node = await startDevNode(devOptionsSchema.parse({ port: 0, grpcPortBase: 0, console: "off", accounts: 3, mode: "manual" }), silentLogger());
    nodes.push(node);
    const [a, b] = node.accounts;
    const snapshot = await rpc<{ id: string }>(node, "dev.snapshot");

    /** Every read, through the gateway and straight from the services (gRPC, no cache). */
    async function compare(): Promise<number> {
      const ports = node.grpcPorts;
      const blocks = createGrpcClient(block_store.BlockStoreServiceDefinition, `127.0.0.1:${ports.blockStore}`);
      const history = createGrpcClient(account_history.AccountHistoryServiceDefinition, `127.0.0.1:${ports.accountHistory}`);
      try {
        const head = (await rpc<{ head_topology: { id: string; height: string } }>(node, "chain.get_head_info")).head_topology;
        const headId = Buffer.from(head.id.slice(2), "hex");
        let compared = 0;
        for (let pass = 0; pass < 2; pass++) {
          for (const [return_block, return_receipt] of [[true, true], [true, false], [false, true], [false, false]] as const) {
            for (const start of [1n, 2n, 4n]) {
              const direct = await blocks.getBlocksByHeight({ head_block_id: headId, ancestor_start_height: start, num_blocks: 5, return_block, return_receipt });
              const expected = JSON.stringify(codec.toJson("cairn.block_store.v1.GetBlocksByHeightResponse", direct));
              expect(await resultText(node, "block_store.get_blocks_by_height", { head_block_id: head.id, ancestor_start_height: String(start), num_blocks: 5, return_block, return_receipt })).toBe(expected);
              const ids = direct.block_items.map((i) => i.block_id);
              const byId = await blocks.getBlocksById({ block_ids: ids, return_block, return_receipt });
              expect(await resultText(node, "block_store.get_blocks_by_id", { block_ids: ids.map((id) => `0x${Buffer.from(id).toString("hex")}`), return_block, return_receipt })).toBe(JSON.stringify(codec.toJson("cairn.block_store.v1.GetBlocksByIdResponse", byId)));
              compared += 2;
            }
          }
          for (const account of [a!, b!]) {
            for (const ascending of [false, true]) {
              const direct = await history.getAccountHistory({ address: account.address, limit: 10n, ascending, irreversible: false, seq_num: undefined });
              const expected = JSON.stringify(codec.toJson("cairn.account_history.v1.GetAccountHistoryResponse", direct));
              expect(await resultText(node, "account_history.get_account_history", { address: account.addressBase58, limit: "10", ascending })).toBe(expected);
              compared++;
            }
          }
        }
        return compared;
      } finally {
        (blocks as unknown as { close(): void }).close();
        (history as unknown as { close(): void }).close();
      }
    }

    await rpc(node, "dev.set_balance", { address: a!.addressBase58, value: "1000" });
    await rpc(node, "dev.set_balance", { address: b!.addressBase58, value: "2000" });
    await rpc(node, "dev.mine_blocks", { count: "3" });
    await rpc(node, "dev.set_balance", { address: a!.addressBase58, value: "3000" });
    expect(await compare()).toBeGreaterThan(0);
    const before = await resultText(node, "account_history.get_account_history", { address: a!.addressBase58, limit: "10", ascending: true });

    // Other blocks at the same heights, other records at the same seq_nums.
    await rpc(node, "dev.revert", { id: snapshot.id });
    await rpc(node, "dev.mine_blocks", { count: "1" });
    await rpc(node, "dev.set_balance", { address: a!.addressBase58, value: "5555" });
    await rpc(node, "dev.set_balance", { address: b!.addressBase58, value: "7" });
    await rpc(node, "dev.mine_blocks", { count: "2" });
    await rpc(node, "dev.set_balance", { address: b!.addressBase58, value: "8" });
    expect(await compare()).toBeGreaterThan(0);
    expect(await resultText(node, "account_history.get_account_history", { address: a!.addressBase58, limit: "10", ascending: true })).not.toBe(before);
  }, 120_000);
});
