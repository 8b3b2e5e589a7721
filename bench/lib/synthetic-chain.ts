/**
 * A chain of KOIN-transfer blocks made in this process, fast, for benchmarks that need many
 * blocks in a store or a stream (the rebuilds): each block holds `perBlock` transfers between the
 * dev accounts and a receipt with their `token.transfer_event`s, the shapes the chain produces.
 * Block ids, transaction ids and merkle roots are real and every block is signed by the dev
 * producer key; transaction signatures are 65-byte placeholders (nothing downstream of the chain
 * verifies them, and signing 100,000+ of them would be most of the bench's time).
 */
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, ZERO_ID, addressFromBase58, buildBlock, buildTransaction } from "@cairn/protocol";
import { type Account, KOIN_ADDRESS, devAccount } from "./koinos.ts";

const KOIN = addressFromBase58(KOIN_ADDRESS);
const CHAIN_ID = new Uint8Array(34).fill(7);
const PLACEHOLDER_SIGNATURE = new Uint8Array(65).fill(1);
const START_MS = 1_700_000_000_000n;

export interface SyntheticBlock {
  block: protocol.Block;
  receipt: protocol.BlockReceipt;
}

export interface SyntheticChainOptions {
  /** Transfers per block. */
  perBlock: number;
  /** Distinct senders (each also receives from the one before it). Default 100. */
  accounts?: number;
}

/** Blocks 1, 2, … of one chain, built on demand (a generator: hold only what you store). */
export function* syntheticChain(options: SyntheticChainOptions): Generator<SyntheticBlock> {
  const accounts: Account[] = Array.from({ length: options.accounts ?? 100 }, (_, i) => devAccount(i));
  const producer = devAccount(0).key;
  const nonces = accounts.map(() => 0n);
  let previous = ZERO_ID;
  let k = 0;
  for (let height = 1n; ; height++) {
    const transactions: protocol.Transaction[] = [];
    const receipts: protocol.TransactionReceipt[] = [];
    for (let i = 0; i < options.perBlock; i++, k++) {
      const s = k % accounts.length;
      const from = accounts[s]!;
      const to = accounts[(s + 1) % accounts.length]!;
      const args = token.TransferArguments.encode({ from: from.address, to: to.address, value: 1n }).finish();
      const op = protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN, entry_point: KoinEntryPoint.transfer, args } });
      const tx = buildTransaction({ chainId: CHAIN_ID, nonce: ++nonces[s]!, rcLimit: 10_000_000n, operations: [op], payer: from.address });
      tx.signatures.push(PLACEHOLDER_SIGNATURE);
      transactions.push(tx);
            receipts.push(
        protocol.TransactionReceipt.fromPartial({
          id: tx.id,
          payer: from.address,
          max_payer_rc: 10_000_000n,
          rc_limit: 10_000_000n,
          rc_used: 450_000n,
          disk_storage_used: 96n,
          network_bandwidth_used: 312n,
          compute_bandwidth_used: 5_200n,
          events: [{ sequence: 0, source: KOIN, name: "token.transfer_event", data: args, impacted: [to.address, from.address] }],
        }),
      );
    }
    const block = buildBlock({ previous, height, timestamp: START_MS + height * 3_000n, previousStateMerkleRoot: new Uint8Array(34), transactions }, producer);
    const receipt = protocol.BlockReceipt.fromPartial({
      id: block.id,
      height,
      disk_storage_used: 96n * BigInt(options.perBlock),
      network_bandwidth_used: 312n * BigInt(options.perBlock),
      compute_bandwidth_used: 5_200n * BigInt(options.perBlock),
      state_merkle_root: new Uint8Array(34),
      transaction_receipts: receipts,
    });
    previous = block.id;
    yield { block, receipt };
  }
}
