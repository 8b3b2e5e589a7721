/** Object spaces the chain itself uses (Koinos system spaces plus two of Cairn's own). */
import { protocol } from "@cairn/proto";
import { SystemSpace } from "@cairn/protocol";
import { fixedSpace } from "./state.ts";

const system = (id: number): protocol.ObjectSpace => fixedSpace(protocol.ObjectSpace.fromPartial({ system: true, zone: new Uint8Array(), id }));

export const SPACES = {
  metadata: system(SystemSpace.metadata),
  systemCallDispatch: system(SystemSpace.systemCallDispatch),
  contractBytecode: system(SystemSpace.contractBytecode),
  contractMetadata: system(SystemSpace.contractMetadata),
  transactionNonce: system(SystemSpace.transactionNonce),
  /** Cairn: the ABI string of each uploaded contract (key = contract id), served by contract_meta_store. */
  contractAbi: system(100),
  /** Cairn: system contract names → addresses (key = UTF-8 name), for get_contract_address. */
  contractName: system(101),
} as const;
