/**
 * The koilib-produced transactions and blocks of `test-fixtures/koinos-vectors.json` round-trip
 * exactly, and the request shapes koilib sends (koinos-protocol.md §8.6) parse into the request
 * message of the method the RPC catalog names.
 *
 * One deliberate difference: koilib writes empty lists (`"operations": []`, `"transactions": []`)
 * while Koinos JSON omits them (§1.4, as Koinos's protojson gateway does), so the expected output
 * is the fixture with its empty lists removed — nothing else may differ.
 */
import { describe, expect, test } from "bun:test";
import { fromBase58, fromBase64url } from "@cairn/core";
import { chain, protocol } from "@cairn/proto";
import { blockFromJson, loadVectors, txFromJson } from "../test-fixtures.ts";
import { type JsonObject, fromKoinosJson, serviceMethods, toKoinosJson } from "./index.ts";

const v = loadVectors();

/** The fixture JSON as Koinos JSON writes it: without empty lists. */
function withoutEmptyLists(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(withoutEmptyLists);
  if (typeof json !== "object" || json === null) return json;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(json)) if (!(Array.isArray(val) && val.length === 0)) out[k] = withoutEmptyLists(val);
  return out;
}
const TX = "cairn.protocol.v1.Transaction";
const BLOCK = "cairn.protocol.v1.Block";

describe("fixture round trips", () => {
  for (const t of v.transactions) {
    test(`transaction "${t.name}"`, () => {
      const msg = fromKoinosJson<protocol.Transaction>(TX, t.transaction);
      expect(toKoinosJson(TX, msg)).toStrictEqual(withoutEmptyLists(t.transaction) as JsonObject);
      const bytes = protocol.Transaction.encode(msg).finish();
      expect(protocol.Transaction.decode(bytes)).toStrictEqual(msg);
      // Same bytes as the fixture loader's independent, hand-written decoding.
      expect(bytes).toStrictEqual(protocol.Transaction.encode(txFromJson(t.transaction)).finish());
    });
  }

  for (const b of v.blocks) {
    test(`block at height ${b.height}`, () => {
      const msg = fromKoinosJson<protocol.Block>(BLOCK, b.block);
      expect(toKoinosJson(BLOCK, msg)).toStrictEqual(withoutEmptyLists(b.block) as JsonObject);
      const bytes = protocol.Block.encode(msg).finish();
      expect(protocol.Block.decode(bytes)).toStrictEqual(msg);
      expect(bytes).toStrictEqual(protocol.Block.encode(blockFromJson(b.block)).finish());
    });
  }
});

describe("koilib request shapes (§8.6)", () => {
  const methods = serviceMethods("cairn.chain.v1.ChainService");
  const parse = <T extends object>(jsonRpcName: string, params: unknown): { type: string; msg: T } => {
    const m = methods.find((x) => x.jsonRpcName === jsonRpcName);
    if (m === undefined) throw new Error(`no chain.${jsonRpcName}`);
    return { type: m.inputType, msg: fromKoinosJson<T>(m.inputType, params) };
  };
  const ADDRESS = "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs";

  test("chain.read_contract", () => {
    const { type, msg } = parse<chain.ReadContractRequest>("read_contract", {
      contract_id: "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL",
      entry_point: 1550980247,
      args: "ChkApwBiv05TFmne03A3-i03fe-5mIg8WhE4",
    });
    expect(type).toBe("cairn.chain.v1.ReadContractRequest");
    expect(msg).toStrictEqual(
      chain.ReadContractRequest.fromPartial({
        contract_id: fromBase58("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL"),
        entry_point: 1550980247,
        args: fromBase64url("ChkApwBiv05TFmne03A3-i03fe-5mIg8WhE4"),
      }),
    );
  });

  test("chain.get_account_nonce and chain.get_account_rc", () => {
    const nonce = parse<chain.GetAccountNonceRequest>("get_account_nonce", { account: ADDRESS });
    expect(nonce.type).toBe("cairn.chain.v1.GetAccountNonceRequest");
    expect(nonce.msg).toStrictEqual(chain.GetAccountNonceRequest.fromPartial({ account: fromBase58(ADDRESS) }));
    const rc = parse<chain.GetAccountRcRequest>("get_account_rc", { account: ADDRESS });
    expect(rc.type).toBe("cairn.chain.v1.GetAccountRcRequest");
    expect(rc.msg).toStrictEqual(chain.GetAccountRcRequest.fromPartial({ account: fromBase58(ADDRESS) }));
  });

  test("chain.get_chain_id with {}", () => {
    const { type, msg } = parse<chain.GetChainIdRequest>("get_chain_id", {});
    expect(type).toBe("cairn.chain.v1.GetChainIdRequest");
    expect(msg).toStrictEqual(chain.GetChainIdRequest.create());
  });

  test("chain.submit_transaction with broadcast:true", () => {
    const fixture = v.transactions[0]!.transaction;
    const { type, msg } = parse<chain.SubmitTransactionRequest>("submit_transaction", { transaction: fixture, broadcast: true });
    expect(type).toBe("cairn.chain.v1.SubmitTransactionRequest");
    expect(msg.broadcast).toBe(true);
    expect(msg.transaction).toStrictEqual(txFromJson(fixture));
    expect(toKoinosJson(type, msg)).toStrictEqual({ transaction: withoutEmptyLists(fixture) as JsonObject, broadcast: true });
  });
});
