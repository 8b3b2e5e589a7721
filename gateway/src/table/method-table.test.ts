/** The method table: built from the descriptors × clients, resolved with Koinos's rules. */
import { describe, expect, test } from "bun:test";
import { defaultJsonCodec } from "@cairn/protocol";
import { createFakeNode } from "../testing/fake-node.ts";
import { accessChecker } from "./access.ts";
import { buildMethodTable } from "./method-table.ts";

const codec = defaultJsonCodec();
const rules = { allow: [], deny: ["block_store.add_block", "block_producer.", "dev."] };

describe("buildMethodTable", () => {
  const clients = createFakeNode(0).clients;
  const table = buildMethodTable(codec, clients, rules);

  test("has every unary RPC of every served service, straight from the descriptors", () => {
    // Served = given a client (the descriptors also hold services no gateway serves, e.g. grpc.health.v1).
    const served = codec.listServices().filter((s) => s.typeName in clients);
    expect(served.length).toBeGreaterThanOrEqual(8);
    const expected = served.flatMap((s) => s.methods.filter((m) => m.methodKind === "unary").map((m) => m.jsonRpcMethod));
    expect(table.methods.map((m) => m.name).sort()).toEqual(expected.sort());
    for (const name of ["chain.get_head_info", "chain.invoke_system_call", "contract_meta_store.get_contract_meta", "block_store.get_blocks_by_height", "transaction_store.get_transactions_by_id", "mempool.get_pending_nonce", "account_history.get_account_history"]) {
      expect(table.reachable.some((m) => m.name === name)).toBe(true);
    }
  });

  test("reachable excludes what the deny list stops", () => {
    expect(table.reachable.some((m) => m.name === "block_store.add_block")).toBe(false);
    expect(table.reachable.some((m) => m.service.jsonRpcService === "block_producer")).toBe(false);
    expect(table.get("block_store", "add_block")?.access).toBe("blacklisted");
  });

  test("a service without a client is absent", () => {
    const only = buildMethodTable(codec, { "cairn.chain.v1.ChainService": createFakeNode(0).clients["cairn.chain.v1.ChainService"]! }, rules);
    expect(new Set(only.methods.map((m) => m.service.jsonRpcService))).toEqual(new Set(["chain"]));
  });

  test("resolve follows koinos-jsonrpc's parseMethod", () => {
    expect(table.resolve("chain.get_head_info")).toMatchObject({ ok: true, method: { name: "chain.get_head_info" } });
    expect(table.resolve("koinos.rpc.chain.get_head_info")).toMatchObject({ ok: true, method: { name: "chain.get_head_info" } });
    expect(table.resolve("chain")).toEqual({ ok: false, reason: "malformed" });
    expect(table.resolve("x.chain.get_head_info")).toEqual({ ok: false, reason: "invalid_service" });
    expect(table.resolve("chain.")).toEqual({ ok: false, reason: "unknown_method" });
    expect(table.resolve(".get_head_info")).toEqual({ ok: false, reason: "invalid_service" });
  });
});

describe("accessChecker", () => {
  test("rules are qualified with koinos.rpc. and matched as prefixes; allow first", () => {
    const check = accessChecker({ allow: ["chain.", "koinos.rpc.mempool.get_"], deny: ["chain.submit_block"] });
    expect(check("koinos.rpc.chain.get_head_info")).toBe("allowed");
    expect(check("koinos.rpc.chain.submit_block")).toBe("blacklisted");
    expect(check("koinos.rpc.mempool.get_pending_nonce")).toBe("allowed");
    expect(check("koinos.rpc.mempool.check_account_nonce")).toBe("not_whitelisted");
    expect(accessChecker({ allow: [], deny: [] })("koinos.rpc.block_store.add_block")).toBe("allowed");
  });
});
