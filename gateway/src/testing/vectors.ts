/** Koinos vectors used by the gateway tests (protocol §8). */
import { ALICE, KOIN } from "./fake-node.ts";

/** The KOIN transfer of protocol §8.3 as koilib sends it (Koinos JSON). */
export const TRANSFER_TX = {
  header: {
    chain_id: "EiBZK_GGVP0H_fXVAM3j6EAuz3-B-l3ejxRSewi7qIBfSA==",
    rc_limit: "500000000",
    nonce: "KAE=",
    operation_merkle_root: "EiDdLXp4gZE4ihE8FXTGBUjVSUTgqV9zC9UgQl91s-pQLw==",
    payer: ALICE,
  },
  operations: [{ call_contract: { contract_id: KOIN, entry_point: 670398154, args: "ChkApwBiv05TFmne03A3-i03fe-5mIg8WhE4EhkAassKCbYPQ1aujNkkpMDQHUc3u4IsuQFxGOgH" } }],
  id: "0x12207b158903d779aaad3ea10a70a71daa00ae02f2ae5ce7fbe32fc4c9cf57733602",
  signatures: ["IGUsy4LYbEPPsqcAQFnBWNz_lbHF5ACr2dunzFanldmJagdfIFaZytH3btP-NW2Nf4F2yzsoOtxiqDKOhzKM2wc="],
};
