/**
 * `cairn dev --data`: the dev controls and checkpoints across restarts. A "crash" is a copy of
 * the data directory taken while the node runs (after the calls it made returned): a node started
 * on the copy must find exactly what was acknowledged — the head, the production mode and clock
 * the controls set, a revert's or reset's outcome (never the blocks they abandoned) — and a
 * checkpoint plus the journal after it rebuild the same chain as the journal alone.
 */
import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@cairn/core";
import { type DevNode, devOptionsSchema, startDevNode } from "@cairn/cli";

const root = mkdtempSync(join(tmpdir(), "cairn-dev-data-controls-"));
const nodes: DevNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

type Result = Record<string, unknown>;
async function call(node: DevNode, method: string, params: unknown = {}): Promise<Result> {
  const res = await fetch(node.url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: Result; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result ?? {};
}

const head = async (node: DevNode) => {
  const h = (await call(node, "chain.get_head_info")).head_topology as { id: string; height: string };
  return { id: h.id, height: Number(h.height) };
};

async function start(dir: string, more: Record<string, unknown> = {}): Promise<DevNode> {
  const node = await startDevNode(devOptionsSchema.parse({ data: dir, port: 0, grpcPortBase: 0, ...more }), silentLogger());
  nodes.push(node);
  return node;
}

async function stop(node: DevNode): Promise<void> {
  await node.stop();
  nodes.splice(nodes.indexOf(node), 1);
}

let copies = 0;
/** The data directory as a crash would leave it now (every acknowledged call is on disk). */
function crashCopy(dir: string): string {
  const copy = join(root, `crash-${++copies}`);
  cpSync(dir, copy, { recursive: true });
  return copy;
}

test("controls, revert and reset survive a crash; a clean stop leaves a checkpoint", async () => {
  const dir = join(root, "data");
  const node = await start(dir);
  await call(node, "dev.mine_blocks", { count: 3 });
  const { id: snapshotId } = (await call(node, "dev.snapshot")) as { id: string };
  const atSnapshot = await head(node);
  await call(node, "dev.mine_blocks", { count: 2 });
  await call(node, "dev.increase_time", { ms: "3600000" });
  await call(node, "dev.set_production_mode", { mode: "manual", interval_ms: "250" });
  const before = await head(node);

  const crashed = await start(crashCopy(dir));
  expect(await head(crashed)).toEqual(before);
  const status = (await call(crashed, "dev.get_status")) as { mode: string; interval_ms: string; offset_ms: string };
  expect(status.mode).toBe("manual");
  expect(status.interval_ms).toBe("250");
  expect(Number(status.offset_ms)).toBeGreaterThanOrEqual(3_600_000);
  await stop(crashed);

  await call(node, "dev.revert", { id: snapshotId });
  expect(await head(node)).toEqual(atSnapshot);
  const afterRevert = await start(crashCopy(dir));
  expect(await head(afterRevert)).toEqual(atSnapshot);
  // The reverted chain goes on from there, not from the abandoned blocks.
  await call(afterRevert, "dev.mine_blocks", { count: 1 });
  expect((await head(afterRevert)).height).toBe(atSnapshot.height + 1);
  await stop(afterRevert);

  await call(node, "dev.reset");
  const genesisHead = await head(node);
  expect(genesisHead.height).toBe(1);
  const afterReset = await start(crashCopy(dir));
  expect(await head(afterReset)).toEqual(genesisHead);
  await stop(afterReset);

  // A clean stop writes a checkpoint: the restart replays nothing and finds the same head.
  await call(node, "dev.mine_blocks", { count: 4 });
  const last = await head(node);
  await stop(node);
  expect(readdirSync(join(dir, "snapshots")).length).toBeGreaterThan(0);
  const again = await start(dir);
  expect(await head(again)).toEqual(last);
  await stop(again);
}, 180_000);

test("checkpoints taken while blocks come: the journal before them goes, a crash after one rebuilds the chain", async () => {
  const dir = join(root, "checkpoints");
  const node = await start(dir, { checkpointBlocks: 20 });
  for (let i = 0; i < 5; i++) await call(node, "dev.mine_blocks", { count: 15 });
  // The node looks once a second whether a checkpoint is due.
  const deadline = Date.now() + 10_000;
  while (readdirSync(join(dir, "snapshots")).length < 2 && Date.now() < deadline) {
    await call(node, "dev.mine_blocks", { count: 15 });
    await Bun.sleep(300);
  }
  expect(readdirSync(join(dir, "snapshots")).length).toBe(2);
  await call(node, "dev.mine_blocks", { count: 3 });
  const before = await head(node);
  const copy = crashCopy(dir);
  // Only segments a kept snapshot still needs are left.
  expect(readdirSync(join(copy, "journal")).length).toBeLessThanOrEqual(3);
  const crashed = await start(copy, { checkpointBlocks: 20 });
  expect(await head(crashed)).toEqual(before);
  const items = (await call(crashed, "block_store.get_blocks_by_height", { head_block_id: before.id, ancestor_start_height: "1", num_blocks: 1000, return_block: false, return_receipt: false })).block_items as unknown[];
  expect(items.length).toBe(before.height);
  await stop(crashed);
  await stop(node);
}, 180_000);
