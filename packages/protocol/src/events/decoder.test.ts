import { describe, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { FieldDescriptorProto_Type, FieldOptionsSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { toBase58, toBase64url } from "@cairn/core";
import { token } from "@cairn/proto";
import { defaultJsonCodec } from "../json/index.ts";
import { createEventDecoder, koinAbiSource, type EventAbiSource } from "./decoder.ts";
import { koinosAbiEvents } from "./koinos-abi.ts";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
const from = new Uint8Array(25).fill(1);
const to = new Uint8Array(25).fill(2);
const transfer = token.TransferArguments.encode({ from, to, value: 123_456_789n, memo: "hi" }).finish();

describe("event decoder", () => {
  test("decodes KOIN's events as Koinos JSON and keeps the raw fields", async () => {
    const decoder = createEventDecoder({ sources: [koinAbiSource(defaultJsonCodec(), KOIN)] });
    await decoder.resolve(KOIN);
    expect(decoder.decode(KOIN, "token.transfer_event", transfer)).toEqual({ from: toBase58(from), to: toBase58(to), value: "123456789", memo: "hi" });
    expect(decoder.decode(KOIN, "token.unknown_event", transfer)).toBeUndefined();
    const receipt = { id: "0x12", events: [{ sequence: 1, source: KOIN, name: "token.transfer_event", data: toBase64url(transfer), impacted: [toBase58(to), toBase58(from)] }] };
    await decoder.annotateAsync(receipt);
    expect(receipt.events[0]).toEqual({
      sequence: 1,
      source: KOIN,
      name: "token.transfer_event",
      data: toBase64url(transfer),
      impacted: [toBase58(to), toBase58(from)],
      decoded: { from: toBase58(from), to: toBase58(to), value: "123456789", memo: "hi" },
    } as never);
  });

  test("an unknown contract stays raw; sources are asked once per contract", async () => {
    let asked = 0;
    const none: EventAbiSource = async () => {
      asked++;
      return undefined;
    };
    const decoder = createEventDecoder({ sources: [none] });
    const parcel = { event: { source: "1Other", name: "x", data: toBase64url(transfer) } };
    expect(decoder.annotate(parcel).event).toEqual({ source: "1Other", name: "x", data: toBase64url(transfer) });
    await decoder.annotateAsync(parcel);
    await decoder.annotateAsync(parcel);
    expect(asked).toBe(1);
    expect("decoded" in parcel.event).toBe(false);
  });

  test("a failing source is asked again, a later source answers", async () => {
    let calls = 0;
    const flaky: EventAbiSource = () => {
      if (++calls === 1) throw new Error("unreachable");
      return undefined;
    };
    const decoder = createEventDecoder({ sources: [flaky, koinAbiSource(defaultJsonCodec(), KOIN)] });
    await decoder.resolve(KOIN);
    expect(calls).toBe(1);
    await decoder.resolve(KOIN);
    expect(calls).toBe(2);
    expect(decoder.decode(KOIN, "token.transfer_event", transfer)?.value).toBe("123456789");
  });
});

describe("koinosAbiEvents", () => {
  /** `[(koinos.btype) = n]`: an extension this registry does not know, so an unknown field 50000. */
  function btypeOption(btype: number) {
    const options = create(FieldOptionsSchema, {});
    options.$unknown = [{ no: 50000, wireType: WireType.Varint, data: new Uint8Array([btype]) }];
    return options;
  }
  /** A contract ABI as Koinos writes it: events by name and the contract's descriptors (base64). */
  function abiWith(btype: number): string {
    const set = create(FileDescriptorSetSchema, {
      file: [
        {
          name: "my/contract.proto",
          package: "my.contract",
          syntax: "proto3",
          messageType: [
            {
              name: "paid_event",
              field: [
                { name: "payer", number: 1, type: FieldDescriptorProto_Type.BYTES, options: btypeOption(btype) },
                { name: "amount", number: 2, type: FieldDescriptorProto_Type.UINT64, jsonName: "amount" },
                { name: "note", number: 3, type: FieldDescriptorProto_Type.STRING, jsonName: "note" },
              ],
            },
          ],
        },
      ],
    });
    return JSON.stringify({ methods: {}, events: { "my.paid_event": { argument: "my.contract.paid_event" } }, types: Buffer.from(toBinary(FileDescriptorSetSchema, set)).toString("base64") });
  }
  // payer = bytes 1, amount = uint64 2, note = string 3
  const data = new Uint8Array([0x0a, 25, ...from, 0x10, 0xe8, 0x07, 0x1a, 2, 0x6f, 0x6b]);

  test("decodes an uploaded contract's event with its btype", () => {
    expect(koinosAbiEvents(abiWith(6))!.decode("my.paid_event", data)).toEqual({ payer: toBase58(from), amount: "1000", note: "ok" });
    expect(koinosAbiEvents(abiWith(2))!.decode("my.paid_event", data)).toEqual({ payer: `0x${"01".repeat(25)}`, amount: "1000", note: "ok" });
    expect(koinosAbiEvents(abiWith(0))!.decode("other", data)).toBeUndefined();
  });

  test("text that is not a Koinos ABI gives no decoder", () => {
    expect(koinosAbiEvents("not json")).toBeUndefined();
    expect(koinosAbiEvents(JSON.stringify({ methods: {} }))).toBeUndefined();
    expect(koinosAbiEvents(JSON.stringify({ events: {}, types: "!!" }))).toBeUndefined();
  });
});

test("a source that answers synchronously decodes the very first event", () => {
  const decoder = createEventDecoder({ sources: [koinAbiSource(defaultJsonCodec(), KOIN)] });
  expect(decoder.decode(KOIN, "token.mint_event", token.MintArguments.encode({ to, value: 5n }).finish())).toEqual({ to: toBase58(to), value: "5" });
});

test("answers expire after maxAgeMs (a contract uploaded again brings its new ABI)", async () => {
  let clock = 0;
  let asked = 0;
  const source: EventAbiSource = () => {
    asked++;
    return undefined;
  };
  const decoder = createEventDecoder({ sources: [source], maxAgeMs: 1000, now: () => clock });
  await decoder.resolve("1Contract");
  await decoder.resolve("1Contract");
  expect(asked).toBe(1);
  clock = 1001;
  await decoder.resolve("1Contract");
  expect(asked).toBe(2);
});
