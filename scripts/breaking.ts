#!/usr/bin/env bun
/**
 * `buf breaking` of proto/ against the last released contract, a buf image committed at
 * contracts/released.binpb (written by `bun run contracts:release`). Fails on any FILE-level
 * break: inside v1 contracts evolve additively; a break is a new v2 package.
 */
import { $ } from "bun";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const against = join(root, "contracts/released.binpb");
const result = await $`${join(root, "node_modules/.bin/buf")} breaking --against ${against}`.cwd(root).nothrow();
if (result.exitCode !== 0) {
  console.error("buf breaking: proto/ breaks the released contract (contracts/released.binpb)");
  process.exit(result.exitCode);
}
console.log("buf breaking: no breaking change against contracts/released.binpb");
