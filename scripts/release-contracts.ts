#!/usr/bin/env bun
/**
 * Records the current proto/ as the released contract (contracts/released.binpb), the baseline
 * of `bun run proto:breaking`. Run it when a release ships, and commit the file with the release.
 */
import { $ } from "bun";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const out = join(root, "contracts/released.binpb");
await $`${join(root, "node_modules/.bin/buf")} build --exclude-source-info -o ${out}`.cwd(root);
console.log(`released contract written to ${out}`);
