/** toKoinosJson: every value encoding and every omission rule of koinos-protocol.md §1.4. */
import { describe, expect, test } from "bun:test";
import { fromBase58, fromHex } from "@cairn/core";
import { block_producer, chain, protocol } from "@cairn/proto";
import { createJsonCodec, toKoinosJson } from "./index.ts";

const ADDRESS = "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs";
const ADDRESS_HEX = "00a70062bf4e531669ded37037fa2d377defb998883c5a1138";
const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
const TX_ID = "0x12207b158903d779aaad3ea10a70a71daa00ae02f2ae5ce7fbe32fc4c9cf57733602";

const json = (type: string, msg: object) => toKoinosJson(`cairn.${type}`, msg);

describe("toKoinosJson value encodings", () => {
  test("bytes without option: URL-safe base64 with padding", () => {
    expect(json("chain.v1.GetChainIdResponse", { chain_id: Uint8Array.of(0xfb, 0xff) })).toStrictEqual({ chain_id: "-_8=" });
    expect(json("chain.v1.GetAccountNonceResponse", { nonce: Uint8Array.of(0x28, 0x01) })).toStrictEqual({ nonce: "KAE=" });
  });

  test("ADDRESS and CONTRACT_ID bytes: base58", () => {
    expect(json("chain.v1.GetAccountRcRequest", { account: fromHex(ADDRESS_HEX) })).toStrictEqual({ account: ADDRESS });
    const req = chain.ReadContractRequest.fromPartial({ contract_id: fromBase58(KOIN), entry_point: 1550980247 });
    expect(json("chain.v1.ReadContractRequest", req)).toStrictEqual({ contract_id: KOIN, entry_point: 1550980247 });
  });

  test("BLOCK_ID, TRANSACTION_ID and HEX bytes: 0x + lowercase hex", () => {
    const topo = protocol.BlockTopology.fromPartial({ id: Uint8Array.of(0x12, 0x20, 0xab), previous: Uint8Array.of(0xcd), height: 5n });
    expect(json("protocol.v1.BlockTopology", topo)).toStrictEqual({ id: "0x1220ab", height: "5", previous: "0xcd" });
    expect(json("protocol.v1.Transaction", protocol.Transaction.fromPartial({ id: fromHex(TX_ID) }))).toStrictEqual({ id: TX_ID });
    expect(json("protocol.v1.ContractMetadataObject", { hash: Uint8Array.of(0xab, 0x01), system: true })).toStrictEqual({ hash: "0xab01", system: true });
  });

  test("repeated bytes are encoded element-wise", () => {
    const ev = protocol.EventData.fromPartial({ impacted: [fromHex(ADDRESS_HEX), fromBase58(KOIN)] });
    expect(json("protocol.v1.EventData", ev)).toStrictEqual({ impacted: [ADDRESS, KOIN] });
    const header = protocol.BlockHeader.fromPartial({ approved_proposals: [Uint8Array.of(1, 2), Uint8Array.of(0xff)] });
    expect(json("protocol.v1.BlockHeader", header)).toStrictEqual({ approved_proposals: ["0x0102", "0xff"] });
    const tx = protocol.Transaction.fromPartial({ signatures: [Uint8Array.of(0xfb), Uint8Array.of(1, 2, 3)] });
    expect(json("protocol.v1.Transaction", tx)).toStrictEqual({ signatures: ["-w==", "AQID"] });
  });

  test("64-bit integers (int64, uint64, sint64, fixed64, sfixed64) are decimal strings", () => {
    const v = (kind: object) => json("protocol.v1.ValueType", kind);
    expect(v({ uint64_value: (1n << 64n) - 1n })).toStrictEqual({ uint64_value: "18446744073709551615" });
    expect(v({ int64_value: -(1n << 63n) })).toStrictEqual({ int64_value: "-9223372036854775808" });
    expect(v({ sint64_value: -5n })).toStrictEqual({ sint64_value: "-5" });
    expect(v({ fixed64_value: 7n })).toStrictEqual({ fixed64_value: "7" });
    expect(v({ sfixed64_value: -7n })).toStrictEqual({ sfixed64_value: "-7" });
    expect(json("chain.v1.GetAccountRcResponse", { rc: 500000000n })).toStrictEqual({ rc: "500000000" });
  });

  test("32-bit integers (int32, uint32, sint32, fixed32, sfixed32) are numbers", () => {
    const v = (kind: object) => json("protocol.v1.ValueType", kind);
    expect(v({ int32_value: -5 })).toStrictEqual({ int32_value: -5 });
    expect(v({ uint32_value: 4294967295 })).toStrictEqual({ uint32_value: 4294967295 });
    expect(v({ sint32_value: -2147483648 })).toStrictEqual({ sint32_value: -2147483648 });
    expect(v({ fixed32_value: 9 })).toStrictEqual({ fixed32_value: 9 });
    expect(v({ sfixed32_value: -9 })).toStrictEqual({ sfixed32_value: -9 });
  });

  test("floating point: numbers, non-finite values as strings", () => {
    // No Cairn message has a double; descriptor.proto's UninterpretedOption does.
    const opt = (double_value: number) => toKoinosJson("google.protobuf.UninterpretedOption", { name: [], double_value });
    expect(opt(1.5)).toStrictEqual({ double_value: 1.5 });
    expect(opt(NaN)).toStrictEqual({ double_value: "NaN" });
    expect(opt(-Infinity)).toStrictEqual({ double_value: "-Infinity" });
  });

  test("bool and string", () => {
    expect(json("protocol.v1.ValueType", { bool_value: true })).toStrictEqual({ bool_value: true });
    expect(json("protocol.v1.ValueType", { string_value: "koin" })).toStrictEqual({ string_value: "koin" });
    expect(json("chain.v1.SubmitTransactionRequest", { broadcast: true })).toStrictEqual({ broadcast: true });
  });

  test("enums by value name; unknown numbers stay numbers", () => {
    expect(json("protocol.v1.CallerData", { caller: new Uint8Array(), caller_privilege: protocol.Privilege.user_mode })).toStrictEqual({ caller_privilege: "user_mode" });
    const mode = block_producer.ProductionMode.PRODUCTION_MODE_INSTANT;
    expect(json("block_producer.v1.GetProductionModeResponse", { mode, interval_ms: 0 })).toStrictEqual({ mode: "PRODUCTION_MODE_INSTANT" });
    expect(json("block_producer.v1.GetProductionModeResponse", { mode: 9, interval_ms: 0 })).toStrictEqual({ mode: 9 });
  });

  test("google.protobuf.Any is written as {type_url, value: base64url}", () => {
    const any = { type_url: "type.googleapis.com/cairn.protocol.v1.ValueType", value: Uint8Array.of(0x28, 0x01) };
    expect(json("protocol.v1.ValueType", { message_value: any })).toStrictEqual({
      message_value: { type_url: "type.googleapis.com/cairn.protocol.v1.ValueType", value: "KAE=" },
    });
  });

  test("nested messages and repeated messages", () => {
    const op = protocol.Operation.fromPartial({ call_contract: { contract_id: fromBase58(KOIN), entry_point: 670398154, args: Uint8Array.of(1) } });
    const tx = protocol.Transaction.fromPartial({ header: { rc_limit: 10n, payer: fromHex(ADDRESS_HEX) }, operations: [op, op] });
    const call = { contract_id: KOIN, entry_point: 670398154, args: "AQ==" };
    expect(json("protocol.v1.Transaction", tx)).toStrictEqual({
      header: { rc_limit: "10", payer: ADDRESS },
      operations: [{ call_contract: call }, { call_contract: call }],
    });
  });

  test("type names may carry a leading dot; a separate codec gives the same output", () => {
    const msg = { rc: 1n };
    expect(toKoinosJson(".cairn.chain.v1.GetAccountRcResponse", msg)).toStrictEqual({ rc: "1" });
    expect(createJsonCodec().toJson("cairn.chain.v1.GetAccountRcResponse", msg)).toStrictEqual({ rc: "1" });
  });
});

describe("toKoinosJson omission rules", () => {
  test("event_data.sequence 0 is omitted, other values kept", () => {
    const ev = protocol.EventData.fromPartial({ name: "koinos.contracts.token.transfer_event", source: fromBase58(KOIN) });
    expect(json("protocol.v1.EventData", ev)).toStrictEqual({ source: KOIN, name: "koinos.contracts.token.transfer_event" });
    expect(json("protocol.v1.EventData", { ...ev, sequence: 3 })).toEqual({ sequence: 3, source: KOIN, name: "koinos.contracts.token.transfer_event" });
  });

  test("reverted:false is omitted, reverted:true written", () => {
    const r = protocol.TransactionReceipt.fromPartial({ rc_used: 5n });
    expect(json("protocol.v1.TransactionReceipt", r)).toStrictEqual({ rc_used: "5" });
    expect(json("protocol.v1.TransactionReceipt", { ...r, reverted: true })).toStrictEqual({ rc_used: "5", reverted: true });
  });

  test("get_account_rc with rc 0 is {}", () => {
    expect(json("chain.v1.GetAccountRcResponse", chain.GetAccountRcResponse.fromPartial({ rc: 0n }))).toStrictEqual({});
  });

  test("read_contract with an empty result is {}", () => {
    expect(json("chain.v1.ReadContractResponse", chain.ReadContractResponse.create())).toStrictEqual({});
  });

  test("head_topology.height 0 and LIB 0 are omitted", () => {
    const info = chain.GetHeadInfoResponse.fromPartial({
      head_topology: { id: Uint8Array.of(0x12, 0x20), previous: new Uint8Array(34), height: 0n },
      last_irreversible_block: 0n,
      head_block_time: 1700000000000n,
    });
    expect(json("chain.v1.GetHeadInfoResponse", info)).toStrictEqual({
      head_topology: { id: "0x1220", previous: "0x" + "00".repeat(34) },
      head_block_time: "1700000000000",
    });
  });

  test("unset message fields are omitted, set-but-empty ones written as {}", () => {
    expect(json("chain.v1.SubmitBlockResponse", chain.SubmitBlockResponse.create())).toStrictEqual({});
    expect(json("chain.v1.SubmitBlockResponse", { receipt: protocol.BlockReceipt.create() })).toStrictEqual({ receipt: {} });
  });

  test("optional message field (ProposeBlockResponse.receipt) is written when set", () => {
    expect(json("chain.v1.ProposeBlockResponse", chain.ProposeBlockResponse.create())).toStrictEqual({});
    const res = chain.ProposeBlockResponse.fromPartial({ receipt: {}, failed_transaction_indices: [0, 2] });
    expect(json("chain.v1.ProposeBlockResponse", res)).toStrictEqual({ receipt: {}, failed_transaction_indices: [0, 2] });
  });

  test("optional bytes (StateDeltaEntry.value): empty but set is written as \"\", unset omitted", () => {
    expect(json("protocol.v1.StateDeltaEntry", protocol.StateDeltaEntry.fromPartial({ key: Uint8Array.of(1), value: new Uint8Array() }))).toStrictEqual({ key: "AQ==", value: "" });
    expect(json("protocol.v1.StateDeltaEntry", protocol.StateDeltaEntry.fromPartial({ key: Uint8Array.of(1) }))).toStrictEqual({ key: "AQ==" });
  });

  test("optional scalar (GetAccountHistoryRequest.seq_num) 0 is written", () => {
    expect(json("account_history.v1.GetAccountHistoryRequest", { address: new Uint8Array(), seq_num: 0n, limit: 0n, ascending: false, irreversible: false })).toStrictEqual({ seq_num: "0" });
  });

  test("oneof members are written even when zero (InvokeSystemCallRequest.id 0, name \"\")", () => {
    expect(json("chain.v1.InvokeSystemCallRequest", chain.InvokeSystemCallRequest.fromPartial({ id: 0n }))).toStrictEqual({ id: "0" });
    expect(json("chain.v1.InvokeSystemCallRequest", chain.InvokeSystemCallRequest.fromPartial({ name: "" }))).toStrictEqual({ name: "" });
    expect(json("protocol.v1.ValueType", { bool_value: false })).toStrictEqual({ bool_value: false });
    expect(json("protocol.v1.ValueType", { bytes_value: new Uint8Array() })).toStrictEqual({ bytes_value: "" });
  });

  test("optional message (InvokeSystemCallRequest.caller_data) empty is written as {}", () => {
    const req = chain.InvokeSystemCallRequest.fromPartial({ name: "get_head_info", caller_data: {} });
    expect(json("chain.v1.InvokeSystemCallRequest", req)).toStrictEqual({ name: "get_head_info", caller_data: {} });
  });

  test("enum 0, empty strings, false, empty bytes and empty lists are omitted; never null", () => {
    const receipt = protocol.TransactionReceipt.fromPartial({ events: [], logs: [], id: new Uint8Array() });
    expect(json("protocol.v1.TransactionReceipt", receipt)).toStrictEqual({});
    expect(json("protocol.v1.CallerData", protocol.CallerData.create())).toStrictEqual({});
    const block = protocol.Block.fromPartial({ header: {}, transactions: [protocol.Transaction.create()] });
    const out = json("protocol.v1.Block", block);
    expect(out).toStrictEqual({ header: {}, transactions: [{}] });
    expect(JSON.stringify(out)).not.toContain("null");
  });
});
