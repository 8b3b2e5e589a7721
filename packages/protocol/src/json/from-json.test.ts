/** fromKoinosJson: accepted input forms; results are full, encodable ts-proto messages. */
import { describe, expect, test } from "bun:test";
import { fromBase58, fromHex } from "@cairn/core";
import { block_producer, chain, protocol } from "@cairn/proto";
import { fromKoinosJson, toKoinosJson } from "./index.ts";

const ADDRESS = "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs";
const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";

describe("fromKoinosJson", () => {
  test("returns a full ts-proto message (defaults filled) that encodes", () => {
    const msg = fromKoinosJson<chain.SubmitTransactionRequest>("cairn.chain.v1.SubmitTransactionRequest", { broadcast: true });
    expect(msg).toStrictEqual(chain.SubmitTransactionRequest.fromPartial({ broadcast: true }));
    expect(chain.SubmitTransactionRequest.decode(chain.SubmitTransactionRequest.encode(msg).finish())).toStrictEqual(msg);
    const empty = fromKoinosJson<protocol.Transaction>("cairn.protocol.v1.Transaction", {});
    expect(empty).toStrictEqual(protocol.Transaction.create());
  });

  test("nested messages get their defaults too", () => {
    const tx = fromKoinosJson<protocol.Transaction>("cairn.protocol.v1.Transaction", { header: { rc_limit: "1" } });
    expect(tx.header).toStrictEqual(protocol.TransactionHeader.fromPartial({ rc_limit: 1n }));
  });

  test("accepts lowerCamelCase keys", () => {
    const req = fromKoinosJson<chain.ReadContractRequest>("cairn.chain.v1.ReadContractRequest", { contractId: KOIN, entryPoint: 7, args: "AQ" });
    expect(req).toStrictEqual(chain.ReadContractRequest.fromPartial({ contract_id: fromBase58(KOIN), entry_point: 7, args: Uint8Array.of(1) }));
    const tx = fromKoinosJson<protocol.Transaction>("cairn.protocol.v1.Transaction", { header: { rcLimit: "10", operationMerkleRoot: "AQI=" } });
    expect(tx.header?.rc_limit).toBe(10n);
    expect(tx.header?.operation_merkle_root).toStrictEqual(Uint8Array.of(1, 2));
  });

  test("ignores unknown keys and treats null as absent", () => {
    const req = fromKoinosJson<chain.GetAccountNonceRequest>("cairn.chain.v1.GetAccountNonceRequest", { account: ADDRESS, extra: { deep: [1] }, __proto__x: 1 });
    expect(req.account).toStrictEqual(fromBase58(ADDRESS));
    const res = fromKoinosJson<chain.GetHeadInfoResponse>("cairn.chain.v1.GetHeadInfoResponse", { head_topology: null, head_block_time: null });
    expect(res).toStrictEqual(chain.GetHeadInfoResponse.create());
    const opt = fromKoinosJson<chain.ProposeBlockResponse>("cairn.chain.v1.ProposeBlockResponse", { receipt: null });
    expect(opt.receipt).toBeUndefined();
  });

  test("64-bit integers from strings or exact numbers; 32-bit from numbers or numeric strings", () => {
    const v = (j: object) => fromKoinosJson<protocol.ValueType>("cairn.protocol.v1.ValueType", j);
    expect(v({ uint64_value: "18446744073709551615" }).uint64_value).toBe((1n << 64n) - 1n);
    expect(v({ uint64_value: 42 }).uint64_value).toBe(42n);
    expect(v({ int64_value: "-9223372036854775808" }).int64_value).toBe(-(1n << 63n));
    expect(v({ sint64_value: -3 }).sint64_value).toBe(-3n);
    expect(v({ fixed64_value: "007" }).fixed64_value).toBe(7n);
    expect(v({ sfixed64_value: "-1" }).sfixed64_value).toBe(-1n);
    expect(v({ uint32_value: "4294967295" }).uint32_value).toBe(4294967295);
    expect(v({ int32_value: -2147483648 }).int32_value).toBe(-2147483648);
    expect(v({ sint32_value: "-12" }).sint32_value).toBe(-12);
  });

  test("floats from numbers, numeric strings and NaN/Infinity names", () => {
    const d = (double_value: unknown) => fromKoinosJson<{ double_value?: number }>("google.protobuf.UninterpretedOption", { double_value }).double_value;
    expect(d(1.5)).toBe(1.5);
    expect(d("2.25")).toBe(2.25);
    expect(d("NaN")).toBeNaN();
    expect(d("-Infinity")).toBe(-Infinity);
  });

  test("enums by name or number", () => {
    const byName = fromKoinosJson<protocol.CallerData>("cairn.protocol.v1.CallerData", { caller_privilege: "user_mode" });
    expect(byName.caller_privilege).toBe(protocol.Privilege.user_mode);
    const byNumber = fromKoinosJson<block_producer.SetProductionModeRequest>("cairn.block_producer.v1.SetProductionModeRequest", { mode: 2, intervalMs: 500 });
    expect(byNumber).toStrictEqual({ mode: block_producer.ProductionMode.PRODUCTION_MODE_INTERVAL, interval_ms: 500 });
  });

  test("bytes: base64url padded or not, base58, 0x hex in either case", () => {
    const t = (j: object) => fromKoinosJson<protocol.Transaction>("cairn.protocol.v1.Transaction", j);
    expect(t({ signatures: ["-_8=", "-_8", "", "AQID"] }).signatures).toStrictEqual([Uint8Array.of(0xfb, 0xff), Uint8Array.of(0xfb, 0xff), new Uint8Array(), Uint8Array.of(1, 2, 3)]);
    expect(t({ id: "0x1220ABcd" }).id).toStrictEqual(fromHex("1220abcd"));
    expect(t({ id: "0x" }).id).toStrictEqual(new Uint8Array());
    expect(t({ header: { payer: ADDRESS } }).header?.payer).toStrictEqual(fromBase58(ADDRESS));
  });

  test("oneof members and optional fields keep presence", () => {
    const byId = fromKoinosJson<chain.InvokeSystemCallRequest>("cairn.chain.v1.InvokeSystemCallRequest", { id: "0" });
    expect(byId.id).toBe(0n);
    expect(byId.name).toBeUndefined();
    expect(toKoinosJson("cairn.chain.v1.InvokeSystemCallRequest", byId)).toStrictEqual({ id: "0" });
    const delta = fromKoinosJson<protocol.StateDeltaEntry>("cairn.protocol.v1.StateDeltaEntry", { value: "" });
    expect(delta.value).toStrictEqual(new Uint8Array());
    expect(fromKoinosJson<protocol.StateDeltaEntry>("cairn.protocol.v1.StateDeltaEntry", {}).value).toBeUndefined();
  });

  test("google.protobuf.Any from {type_url, value}", () => {
    const v = fromKoinosJson<protocol.ValueType>("cairn.protocol.v1.ValueType", { message_value: { type_url: "x/y", value: "KAE=" } });
    expect(v.message_value).toStrictEqual({ type_url: "x/y", value: Uint8Array.of(0x28, 0x01) });
  });

  test("nested and repeated messages, addressed by camelCase too", () => {
    const receipt = fromKoinosJson<protocol.BlockReceipt>("cairn.protocol.v1.BlockReceipt", {
      height: "3",
      transactionReceipts: [{ events: [{ sequence: 1, source: KOIN, impacted: [ADDRESS] }], reverted: true }],
    });
    expect(receipt.transaction_receipts[0]?.reverted).toBe(true);
    expect(receipt.transaction_receipts[0]?.events[0]).toStrictEqual(
      protocol.EventData.fromPartial({ sequence: 1, source: fromBase58(KOIN), impacted: [fromBase58(ADDRESS)] }),
    );
  });
});
