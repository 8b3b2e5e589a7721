/** toJsonSchema: the Koinos JSON form of messages as JSON Schema. */
import { describe, expect, test } from "bun:test";
import { defaultJsonCodec, toJsonSchema } from "./index.ts";

type Schema = Record<string, any>;

describe("toJsonSchema", () => {
  test("Transaction: hex id, $ref header, arrays, encodings named", () => {
    const s = toJsonSchema("cairn.protocol.v1.Transaction") as Schema;
    expect(s.type).toBe("object");
    expect(s.title).toBe("cairn.protocol.v1.Transaction");
    expect(s.description).toBe("A transaction as submitted by clients.");
    expect(s.properties.id).toMatchObject({ type: "string", format: "hex", pattern: "^0x([0-9a-fA-F]{2})*$" });
    expect(s.properties.id.description).toContain("TRANSACTION_ID");
    expect(s.properties.header).toStrictEqual({ $ref: "#/$defs/cairn.protocol.v1.TransactionHeader" });
    expect(s.properties.operations).toStrictEqual({ type: "array", items: { $ref: "#/$defs/cairn.protocol.v1.Operation" } });
    expect(s.properties.signatures).toMatchObject({ type: "array", items: { type: "string", format: "base64url" } });

    const header = s.$defs["cairn.protocol.v1.TransactionHeader"];
    expect(header.properties.rc_limit).toMatchObject({ type: "string", format: "uint64", pattern: "^[0-9]+$" });
    expect(header.properties.payer).toMatchObject({ type: "string", format: "base58" });
    expect(header.properties.payer.description).toContain("ADDRESS");
    expect(header.properties.chain_id.description).toContain("URL-safe base64");
    const op = s.$defs["cairn.protocol.v1.Operation"];
    expect(op.description).toContain("At most one of upload_contract, call_contract, set_system_call, set_system_contract (oneof op).");
    expect(Object.keys(s.$defs).sort()).toStrictEqual([
      "cairn.protocol.v1.CallContractOperation",
      "cairn.protocol.v1.ContractCallBundle",
      "cairn.protocol.v1.Operation",
      "cairn.protocol.v1.SetSystemCallOperation",
      "cairn.protocol.v1.SetSystemContractOperation",
      "cairn.protocol.v1.SystemCallTarget",
      "cairn.protocol.v1.TransactionHeader",
      "cairn.protocol.v1.UploadContractOperation",
    ]);
  });

  test("enums as value names, 32-bit as bounded integers, optional presence noted", () => {
    const caller = toJsonSchema("cairn.protocol.v1.CallerData") as Schema;
    expect(caller.properties.caller_privilege).toMatchObject({ type: "string", enum: ["kernel_mode", "user_mode"] });
    const rc = toJsonSchema("cairn.chain.v1.ReadContractRequest") as Schema;
    expect(rc.properties.entry_point).toStrictEqual({ type: "integer", format: "uint32", minimum: 0, maximum: 4294967295 });
    expect(rc.$defs).toBeUndefined();
    const delta = toJsonSchema("cairn.protocol.v1.StateDeltaEntry") as Schema;
    expect(delta.properties.value.description).toContain("Written whenever set");
  });

  test("refPrefix for OpenAPI components", () => {
    const s = toJsonSchema("cairn.chain.v1.GetHeadInfoResponse", { refPrefix: "#/components/schemas/" }) as Schema;
    expect(s.properties.head_topology).toStrictEqual({ $ref: "#/components/schemas/cairn.protocol.v1.BlockTopology" });
    expect(s.$defs["cairn.protocol.v1.BlockTopology"].properties.id.format).toBe("hex");
  });

  test("every Cairn message has a JSON-serialisable schema whose $refs resolve", () => {
    const codec = defaultJsonCodec();
    let n = 0;
    for (const m of codec.descriptors.registry) {
      if (m.kind !== "message" || !m.typeName.startsWith("cairn.")) continue;
      const s = codec.toJsonSchema(m.typeName) as Schema;
      const text = JSON.stringify(s);
      for (const [, ref] of text.matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)) expect(s.$defs?.[ref!]).toBeDefined();
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });
});
