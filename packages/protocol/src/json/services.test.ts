/** The RPC catalog: snake_case JSON-RPC names, types, and keys that exist in ts-proto's definitions. */
import { describe, expect, test } from "bun:test";
import { CairnError, ErrorStatus } from "@cairn/core";
import * as generated from "@cairn/proto";
import { jsonRpcServiceName, listServices, messageFns, serviceMethods, snakeCase } from "./index.ts";

interface GenericDefinition {
  fullName: string;
  methods: Record<string, { name: string; requestType: unknown; responseType: unknown }>;
}

describe("listServices / serviceMethods", () => {
  test("chain lists every RPC, in proto order, with snake_case names", () => {
    const methods = serviceMethods("cairn.chain.v1.ChainService");
    expect(methods.map((m) => m.jsonRpcName)).toStrictEqual([
      "submit_block",
      "submit_transaction",
      "get_head_info",
      "get_chain_id",
      "get_fork_heads",
      "read_contract",
      "get_account_nonce",
      "get_account_rc",
      "get_resource_limits",
      "invoke_system_call",
      "propose_block",
    ]);
    const head = methods.find((m) => m.name === "GetHeadInfo");
    expect(head).toStrictEqual({
      name: "GetHeadInfo",
      jsonRpcName: "get_head_info",
      jsonRpcMethod: "chain.get_head_info",
      definitionKey: "getHeadInfo",
      inputType: "cairn.chain.v1.GetHeadInfoRequest",
      outputType: "cairn.chain.v1.GetHeadInfoResponse",
      methodKind: "unary",
      description: "Head topology, LIB, state merkle root and head block time.",
    });
  });

  test("the services koilib calls are listed under their Koinos names", () => {
    const names = listServices().map((s) => s.jsonRpcService);
    for (const s of ["chain", "block_store", "mempool", "account_history", "transaction_store", "contract_meta_store"]) expect(names).toContain(s);
    const blockStore = listServices().find((s) => s.jsonRpcService === "block_store");
    expect(blockStore?.typeName).toBe("cairn.block_store.v1.BlockStoreService");
    expect(blockStore?.methods.map((m) => m.jsonRpcMethod)).toContain("block_store.get_blocks_by_height");
  });

  test("every method's definition key and types match ts-proto's generic definition", () => {
    const namespaces = generated as unknown as Record<string, Record<string, GenericDefinition | undefined> | undefined>;
    let checked = 0;
    // grpc.health.v1 is in the descriptor set (for reflection) but has no ts-proto namespace.
    for (const s of listServices().filter((x) => x.typeName.startsWith("cairn."))) {
      const def = namespaces[s.jsonRpcService]?.[s.definitionName];
      expect(def?.fullName).toBe(s.typeName);
      for (const m of s.methods) {
        const entry = def!.methods[m.definitionKey];
        expect(entry?.name).toBe(m.name);
        expect(entry?.requestType).toBe(messageFns(m.inputType));
        expect(entry?.responseType).toBe(messageFns(m.outputType));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(28);
  });

  test("an unknown service is NotFound", () => {
    expect(() => serviceMethods("cairn.chain.v1.Nope")).toThrow(CairnError);
    try {
      serviceMethods("cairn.chain.v1.Nope");
    } catch (e) {
      expect((e as CairnError).status).toBe(ErrorStatus.NotFound);
    }
  });
});

describe("name helpers", () => {
  test("snakeCase", () => {
    expect(snakeCase("GetHeadInfo")).toBe("get_head_info");
    expect(snakeCase("GetAccountRc")).toBe("get_account_rc");
    expect(snakeCase("CheckPendingAccountResources")).toBe("check_pending_account_resources");
    expect(snakeCase("GetHTTPInfo")).toBe("get_http_info");
    expect(snakeCase("Get2Things")).toBe("get2_things");
  });

  test("jsonRpcServiceName", () => {
    expect(jsonRpcServiceName("cairn.chain.v1")).toBe("chain");
    expect(jsonRpcServiceName("cairn.block_store.v1")).toBe("block_store");
    expect(jsonRpcServiceName("other.thing")).toBe("other.thing");
  });
});
