/**
 * The dev controls on a dev node whose services keep their tables in Postgres (`--database-url`,
 * a database of the test's own, dropped afterwards): snapshot → transfers → revert gives back the
 * same state, blocks and history, and reset goes back to block 1. Runs when Postgres is reachable,
 * always under CI=true.
 */
import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { Contract, Provider, Signer, utils } from "koilib";
import { postgresTestUrl } from "@cairn/db/testing";
import { type E2eTarget, startTarget } from "./target.ts";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
const server = await postgresTestUrl();
const database = `cairn_devctl_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
let target: E2eTarget | undefined;

afterAll(async () => {
  await target?.stop();
  if (!server) return;
  const admin = postgres(server, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`drop database if exists ${database} with (force)`).catch(() => undefined);
  await admin.end();
});

describe("dev.* on Postgres", () => {
  test.skipIf(!server)("snapshot → transfers → revert, then reset", async () => {
    const admin = postgres(server!, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${database}`);
    await admin.end();
    const url = new URL(server!);
    url.pathname = `/${database}`;
    target = await startTarget({ mode: "manual", databaseUrl: url.toString() }, { local: true });
    const provider = new Provider([target.url]);
    const alice = Signer.fromSeed(`${target.seed} 0`);
    const bob = Signer.fromSeed(`${target.seed} 1`);
    alice.provider = provider;
    const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer: alice });
    const balance = async (a: string) => BigInt(((await koin.functions.balanceOf!({ owner: a })).result?.value as string | undefined) ?? "0");
    const observe = async () => {
      const head = await provider.getHeadInfo();
      return {
        head,
        balances: [await balance(alice.getAddress()), await balance(bob.getAddress())],
        nonce: await provider.getNonce(alice.getAddress()),
        blocks: await provider.call("block_store.get_blocks_by_height", { head_block_id: head.head_topology.id, ancestor_start_height: 1, num_blocks: 100, return_block: true, return_receipt: true }),
        history: await provider.call("account_history.get_account_history", { address: bob.getAddress(), limit: 100, ascending: true }),
      };
    };

    await provider.call("dev.mine_blocks", { count: "2" });
    const before = await observe();
    const { id } = await provider.call<{ id: string }>("dev.snapshot", {});
    await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "777" });
    await provider.call("dev.mine_blocks", { count: "1" });
    expect(await balance(bob.getAddress())).toBe(before.balances[1]! + 777n);
    expect(await provider.call("dev.revert", { id })).toEqual({ reverted: true });
    expect(await observe()).toEqual(before);

    expect(await provider.call("dev.reset", {})).toEqual({ reset: true });
    expect((await provider.getHeadInfo()).head_topology.height).toBe("1");
    expect(await provider.getNonce(alice.getAddress())).toBe(0);
  }, 300_000);
});
