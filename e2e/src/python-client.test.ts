/**
 * A client in another language (Python, generated from proto/) calls chain, block store and
 * account history on a running one-process node. Needs Debian's python3-grpcio and
 * python3-grpc-tools: under CI=true they must be there (.ci/run installs them); elsewhere the test
 * is skipped with a printed notice when they are missing.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type E2eTarget, startTarget } from "./target.ts";

const root = join(import.meta.dir, "../..");
const hasGrpc = Bun.spawnSync(["/usr/bin/python3", "-c", "import grpc, grpc_tools"]).exitCode === 0;
if (!hasGrpc && process.env.CI === "true") throw new Error("CI=true but /usr/bin/python3 lacks grpc/grpc_tools (apt-get install python3-grpcio python3-grpc-tools)");
if (!hasGrpc) console.warn("python client example: python3-grpcio/python3-grpc-tools missing, skipped");

let target: E2eTarget | undefined;
beforeAll(async () => {
  if (hasGrpc) target = await startTarget({}, { local: true });
});
afterAll(async () => {
  await target?.stop();
});

test.skipIf(!hasGrpc)("the Python client example calls chain, block store and account history", async () => {
  const p = target!.node!.grpcPorts;
  const proc = Bun.spawn([join(root, "examples/python/run.sh"), `127.0.0.1:${p.chain}`, `127.0.0.1:${p.blockStore}`, `127.0.0.1:${p.accountHistory}`], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const code = await proc.exited;
  if (code !== 0) console.error(out, err);
  expect(code).toBe(0);
  expect(out).toContain("chain.GetHeadInfo: height");
  expect(out).toContain("block_store.GetBlocksByHeight: block 1");
  expect(out).toContain("account_history.GetAccountHistory(1AEjdUWG3hN2ifM9rbQLSXxVBm1RD7Pv89)");
  expect(out.trim().endsWith("ok")).toBe(true);
});
