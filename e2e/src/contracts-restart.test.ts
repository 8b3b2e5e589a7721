/**
 * A WASM contract's storage survives a restart of the one-process node on the same data
 * directory: deployed and written through koilib, read back through koilib after the restart.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileTestContract } from "@cairn/chain/testing/contracts";
import { tokenAbi } from "@cairn/chain/token-abi";
import { Contract, Provider, Signer } from "koilib";
import { type E2eTarget, startTarget } from "./target.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-contracts-e2e-"));
let target: E2eTarget | undefined;
afterAll(async () => {
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("an sdk-as token's balances persist across blocks and a node restart", async () => {
  const bytecode = await compileTestContract("token");
  target = await startTarget({ memory: false, data: dir }, { local: true });
  const connect = (url: string, i: number) => {
    const s = Signer.fromSeed(`${target!.seed} ${i}`);
    s.provider = new Provider([url]);
    return s;
  };
  let owner = connect(target.url, 3);
  const deployed = await new Contract({ id: owner.getAddress(), bytecode, provider: owner.provider, signer: owner }).deploy({
    abi: tokenAbi(["name", "symbol", "decimals", "total_supply", "balance_of", "transfer", "mint"]),
  });
  await deployed.transaction!.wait();
  const tok = new Contract({ id: owner.getAddress(), provider: owner.provider, signer: owner });
  await tok.fetchAbi();
  const minted = await tok.functions.mint!({ to: owner.getAddress(), value: "555" });
  await minted.transaction!.wait();
  // A later block, then the restart.
  const sent = await tok.functions.transfer!({ from: owner.getAddress(), to: connect(target.url, 1).getAddress(), value: "55" });
  await sent.transaction!.wait();
  await target.stop();
  target = await startTarget({ memory: false, data: dir }, { local: true });
  owner = connect(target.url, 3);
  const again = new Contract({ id: owner.getAddress(), provider: owner.provider });
  await again.fetchAbi();
  expect((await again.functions.balance_of!({ owner: owner.getAddress() })).result).toEqual({ value: "500" });
  expect((await again.functions.total_supply!()).result).toEqual({ value: "555" });
}, 240_000);
