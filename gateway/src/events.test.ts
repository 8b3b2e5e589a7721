/** Contract events decoded in REST answers (KOIN built in; other contracts raw unless their ABI is known). */
import { expect, test } from "bun:test";
import { fromBase58, toBase64url } from "@cairn/core";
import { protocol, token } from "@cairn/proto";
import { createApp } from "./app.ts";
import { ALICE, createFakeNode, KOIN } from "./testing/fake-node.ts";
import { get } from "./testing/http.ts";

const BOB = "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH";

test("GET /v1/blocks/:height — KOIN events gain `decoded`, raw fields kept; unknown contracts stay raw", async () => {
  const node = createFakeNode(3);
  const data = token.TransferArguments.encode({ from: fromBase58(ALICE), to: fromBase58(BOB), value: 250_000_000n }).finish();
  const other = protocol.EventData.fromPartial({ sequence: 2, source: fromBase58(BOB), name: "thing_event", data: new Uint8Array([1, 2]) });
  node.blockAt(2)!.receipt.transaction_receipts = [
    protocol.TransactionReceipt.fromPartial({ id: new Uint8Array(34), events: [protocol.EventData.fromPartial({ sequence: 1, source: fromBase58(KOIN), name: "token.transfer_event", data, impacted: [fromBase58(BOB), fromBase58(ALICE)] }), other] }),
  ];
  const app = createApp({}, { clients: node.clients });
  const { json } = await get(app, "/v1/blocks/2");
  const [koin, raw] = json.receipt.transaction_receipts[0].events;
  expect(koin).toEqual({
    sequence: 1,
    source: KOIN,
    name: "token.transfer_event",
    data: toBase64url(data),
    impacted: [BOB, ALICE],
    decoded: { from: ALICE, to: BOB, value: "250000000" },
  });
  expect(raw.decoded).toBeUndefined();
  expect(raw.data).toBe(toBase64url(new Uint8Array([1, 2])));
});
