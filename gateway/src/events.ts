/**
 * The gateway's event decoder: KOIN's events built in, and the events of contracts uploaded with
 * an ABI, whose ABI text the contract meta store serves (`get_contract_meta`, called through the
 * method table like any JSON-RPC call).
 */
import { fromBase58 } from "@cairn/core";
import { type EventDecoder, type EventAbiSource, type JsonCodec, contractMetaAbiSource, createEventDecoder, koinAbiSource } from "@cairn/protocol";
import type { MethodTable } from "./table/method-table.ts";

/** Builds the decoder over the table's contract meta store (when the gateway reaches one). */
export function gatewayEventDecoder(table: MethodTable, codec: JsonCodec, koinAddress: string, timeoutMs: number): EventDecoder {
  const sources: EventAbiSource[] = [koinAbiSource(codec, koinAddress)];
  const meta = table.get("contract_meta_store", "get_contract_meta");
  if (meta !== undefined) {
    sources.push(
      contractMetaAbiSource(async (contract) => {
        const response = (await meta.call(meta.input.fns.fromPartial({ contract_id: fromBase58(contract) }), { deadlineMs: timeoutMs })) as { meta?: { abi: string } };
        return response.meta?.abi;
      }),
    );
  }
  return createEventDecoder({ sources });
}
