#!/usr/bin/env bun
/**
 * Crash-test child: applies deterministic blocks to a chain on DATABASE_URL/SCHEMA, printing
 * "applied <height>" after each. With CRASH_AT_HEIGHT=h it SIGKILLs itself inside the database
 * transaction of block h, after the block's rows are written and before they commit.
 */
import { silentLogger } from "@cairn/core";
import { openDatabase } from "@cairn/db";
import { DrizzleChainStore } from "../store/drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "../store/migrations.ts";
import { createTestChain, deterministicBlock } from "./harness.ts";

const url = process.env.DATABASE_URL!;
const schema = process.env.SCHEMA!;
const upTo = Number(process.env.UP_TO ?? "1000000");
const crashAt = process.env.CRASH_AT_HEIGHT ? BigInt(process.env.CRASH_AT_HEIGHT) : undefined;

const handle = await openDatabase(url, { logger: silentLogger(), schemaName: schema, migrationsFolder: MIGRATIONS_FOLDER });
let target: bigint | undefined;
const db = new Proxy(handle.db, {
  get(obj, prop, receiver) {
    if (prop !== "transaction" || crashAt === undefined) return Reflect.get(obj, prop, receiver);
    return (fn: (tx: unknown) => Promise<unknown>) =>
      obj.transaction(async (tx) => {
        const r = await fn(tx);
        if (target === crashAt) process.kill(process.pid, "SIGKILL");
        return r;
      });
  },
});
const t = await createTestChain({ store: new DrizzleChainStore(db), now: () => BigInt(Date.now()) });
for (let h = t.chain.head.height + 1n; h <= BigInt(upTo); h++) {
  target = h;
  await t.chain.submitBlock(deterministicBlock(t, h));
  console.log(`applied ${h}`);
}
await handle.close();
