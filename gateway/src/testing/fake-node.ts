/**
 * Test twins of the services behind the gateway: small fake implementations over an in-memory
 * block list, served through `createInProcessClient` so requests and responses really cross the
 * protobuf encoding and the error mapping, as they would over gRPC. Not a chain: just enough
 * behaviour for the gateway's tests and bench.
 */
import { CairnError, ErrorStatus, fromBase58, toBase58, toHex } from "@cairn/core";
import { account_history, block_producer, block_store, broadcast, chain, contract_meta_store, dev, mempool, protocol, token, transaction_store } from "@cairn/proto";
import { encodeNonce } from "@cairn/protocol";
import { createInProcessClient, type ServiceImplementation } from "@cairn/rpc";
import type { GatewayClients } from "../table/method-table.ts";

/** Address of key row 1 (protocol §8.1). */
export const ALICE = "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs";
/** KOIN on mainnet. */
export const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
/** The chain id of protocol §8.3 (mainnet), as bytes. */
export const CHAIN_ID = Buffer.from("EiBZK_GGVP0H_fXVAM3j6EAuz3-B-l3ejxRSewi7qIBfSA==", "base64url");

/** A multihash-shaped id (sha2-256) from a seed. */
export function fakeId(seed: string): Uint8Array {
  const digest = new Bun.CryptoHasher("sha256").update(seed).digest();
  return Uint8Array.from([0x12, 0x20, ...digest]);
}

/** `0x` hex. */
export const hex = (b: Uint8Array) => `0x${toHex(b)}`;

interface Stored {
  block: protocol.Block;
  receipt: protocol.BlockReceipt;
}

/** Knobs tests turn. */
export interface FakeNodeControls {
  /** Milliseconds every chain call waits before answering. */
  delayMs: number;
  /** Head block time override (ms); default the head block's timestamp. */
  headTime: bigint | undefined;
  /** What `mempool.get_pending_transaction_count` answers (default 0). */
  pendingCount?: bigint;
  /** KOIN balances by base58 address. */
  balances: Map<string, bigint>;
  /** Confirmed nonces by base58 address. */
  nonces: Map<string, bigint>;
  /** Resource credits by base58 address (absent = 0). */
  rc: Map<string, bigint>;
  /** When set, submit_transaction throws it. */
  submitError: CairnError | undefined;
  /** Requests seen, by method key (e.g. "submitTransaction"). */
  calls: { method: string; request: unknown }[];
}

/** The fake node. */
export interface FakeNode {
  readonly controls: FakeNodeControls;
  /** Clients for `createApp`, by service full name. */
  readonly clients: GatewayClients;
  /** Appends a block on `parent` (default the head); it becomes head when `makeHead` (default true). */
  addBlock(parent?: Uint8Array, makeHead?: boolean, transactions?: protocol.Transaction[]): Stored;
  /** Blocks by height along the head chain. */
  blockAt(height: number): Stored | undefined;
  readonly head: Stored | undefined;
  /** The BlockAccepted payload of a stored block. */
  blockAccepted(s: Stored, head: boolean): Uint8Array;
}

/** Builds a fake node with `blocks` blocks on one chain. */
export function createFakeNode(blocks = 0): FakeNode {
  const byId = new Map<string, Stored>();
  let head: Stored | undefined;
  let salt = 0;
  const controls: FakeNodeControls = { delayMs: 0, headTime: undefined, balances: new Map(), nonces: new Map(), rc: new Map(), submitError: undefined, calls: [] };

  const wait = () => (controls.delayMs > 0 ? Bun.sleep(controls.delayMs) : undefined);
  const record = (method: string, request: unknown) => controls.calls.push({ method, request });

  function addBlock(parent = head?.block.id, makeHead = true, transactions: protocol.Transaction[] = []): Stored {
    const prev = parent === undefined ? undefined : byId.get(hex(parent));
    const height = (prev?.block.header?.height ?? 0n) + 1n;
    const id = fakeId(`block ${height} ${salt++}`);
    const block = protocol.Block.fromPartial({
      id,
      header: { previous: parent ?? fakeId("genesis"), height, timestamp: 1_700_000_000_000n + height * 3000n, signer: fromBase58(ALICE) },
      transactions,
      signature: new Uint8Array([1, 2, 3]),
    });
    const receipt = protocol.BlockReceipt.fromPartial({ id, height, disk_storage_used: 10n });
    const stored = { block, receipt };
    byId.set(hex(id), stored);
    if (makeHead) head = stored;
    return stored;
  }
  for (let i = 0; i < blocks; i++) addBlock();

  /** Walks back from `tip` to `height`. */
  function ancestorAt(tip: Stored, height: bigint): Stored | undefined {
    let s: Stored | undefined = tip;
    while (s !== undefined && s.block.header!.height > height) s = byId.get(hex(s.block.header!.previous));
    return s !== undefined && s.block.header!.height === height ? s : undefined;
  }
  const item = (s: Stored, withBlock: boolean, withReceipt: boolean) =>
    block_store.BlockItem.fromPartial({ block_id: s.block.id, block_height: s.block.header!.height, block: withBlock ? s.block : undefined, receipt: withReceipt ? s.receipt : undefined });

  const chainImpl: Partial<ServiceImplementation<typeof chain.ChainServiceDefinition>> = {
    async getHeadInfo() {
      record("getHeadInfo", {});
      await wait();
      if (head === undefined) return chain.GetHeadInfoResponse.fromPartial({ head_topology: { id: new Uint8Array(34) } });
      const h = head.block.header!;
      return chain.GetHeadInfoResponse.fromPartial({
        head_topology: { id: head.block.id, height: h.height, previous: h.previous },
        last_irreversible_block: h.height > 60n ? h.height - 60n : 0n,
        head_state_merkle_root: fakeId("state"),
        head_block_time: controls.headTime ?? h.timestamp,
      });
    },
    async getChainId() {
      await wait();
      return { chain_id: CHAIN_ID };
    },
    async getAccountNonce(req) {
      record("getAccountNonce", req);
      return { nonce: encodeNonce(controls.nonces.get(addr(req.account)) ?? 0n) };
    },
    async getAccountRc(req) {
      if (req.account.length === 0) throw new CairnError("chain.missing_required_arguments", "missing expected field", { status: ErrorStatus.InvalidArgument, chainCode: -1002, data: {} });
      return { rc: controls.rc.get(addr(req.account)) ?? 0n };
    },
    async readContract(req) {
      record("readContract", req);
      if (addr(req.contract_id) !== KOIN || req.entry_point !== 0x5c721497) throw new CairnError("chain.reversion", "unknown entry point", { status: ErrorStatus.Aborted, chainCode: 1, data: { logs: [] } });
      const owner = addr(token.BalanceOfArguments.decode(req.args).owner);
      return { result: token.Uint64Result.encode({ value: controls.balances.get(owner) ?? 0n }).finish(), logs: [] };
    },
    async submitTransaction(req) {
      record("submitTransaction", req);
      await wait();
      if (controls.submitError !== undefined) throw controls.submitError;
      return { receipt: protocol.TransactionReceipt.fromPartial({ id: req.transaction?.id ?? new Uint8Array(), payer: req.transaction?.header?.payer ?? new Uint8Array(), rc_used: 1234n, rc_limit: req.transaction?.header?.rc_limit ?? 0n }) };
    },
    async getResourceLimits() {
      return chain.GetResourceLimitsResponse.fromPartial({ resource_limit_data: { disk_storage_limit: 409600n, disk_storage_cost: 10n } });
    },
    async getForkHeads() {
      return chain.GetForkHeadsResponse.fromPartial({});
    },
  };

  const blockStoreImpl: Partial<ServiceImplementation<typeof block_store.BlockStoreServiceDefinition>> = {
    async getBlocksByHeight(req) {
      const tip = byId.get(hex(req.head_block_id));
      if (tip === undefined) throw new CairnError("block_store.not_found", `Block not present - ID: ${hex(req.head_block_id)}`, { status: ErrorStatus.NotFound });
      const items: block_store.BlockItem[] = [];
      for (let h = req.ancestor_start_height; h < req.ancestor_start_height + BigInt(req.num_blocks) && h <= tip.block.header!.height; h++) {
        const s = ancestorAt(tip, h);
        if (s !== undefined) items.push(item(s, req.return_block, req.return_receipt));
      }
      return { block_items: items };
    },
    async getBlocksById(req) {
      return { block_items: req.block_ids.map((id) => { const s = byId.get(hex(id)); return s === undefined ? block_store.BlockItem.fromPartial({}) : item(s, req.return_block, req.return_receipt); }) };
    },
    async getHighestBlock() {
      return { topology: head === undefined ? undefined : { id: head.block.id, height: head.block.header!.height, previous: head.block.header!.previous } };
    },
    async addBlock(req) {
      record("addBlock", req);
      return {};
    },
  };

  const txStoreImpl: Partial<ServiceImplementation<typeof transaction_store.TransactionStoreServiceDefinition>> = {
    async getTransactionsById(req) {
      const out: transaction_store.TransactionItem[] = [];
      for (const s of byId.values()) {
        for (const tx of s.block.transactions) {
          if (req.transaction_ids.some((id) => hex(id) === hex(tx.id))) out.push({ transaction: tx, containing_blocks: [s.block.id] });
        }
      }
      return { transactions: out };
    },
  };

  const historyImpl: Partial<ServiceImplementation<typeof account_history.AccountHistoryServiceDefinition>> = {
    async getAccountHistory(req) {
      record("getAccountHistory", req);
      const entries = [...byId.values()].slice(0, Number(req.limit)).map((s, i) => account_history.AccountHistoryEntry.fromPartial({ seq_num: BigInt(i), block: { header: s.block.header, receipt: s.receipt } }));
      return { values: entries };
    },
  };

  const metaImpl: Partial<ServiceImplementation<typeof contract_meta_store.ContractMetaStoreServiceDefinition>> = {
    async getContractMeta() {
      return { meta: { abi: "{}" } };
    },
  };
  const mempoolImpl: Partial<ServiceImplementation<typeof mempool.MempoolServiceDefinition>> = {
    async getPendingTransactionCount() {
      return { count: controls.pendingCount ?? 0n };
    },
  };
  const producerImpl: Partial<ServiceImplementation<typeof block_producer.BlockProducerServiceDefinition>> = {
    async produceBlock() {
      record("produceBlock", {});
      return block_producer.ProduceBlockResponse.fromPartial({ height: 1n });
    },
  };

  const devImpl: Partial<ServiceImplementation<typeof dev.DevServiceDefinition>> = {
    async snapshot() {
      record("snapshot", {});
      return { id: 1n };
    },
    async getStatus() {
      return dev.GetStatusResponse.fromPartial({ mode: "instant" });
    },
  };

  const full = <T>(impl: Partial<T>) => impl as T;
  const clients: GatewayClients = {
    [chain.ChainServiceDefinition.fullName]: createInProcessClient(chain.ChainServiceDefinition, full(chainImpl)),
    [block_store.BlockStoreServiceDefinition.fullName]: createInProcessClient(block_store.BlockStoreServiceDefinition, full(blockStoreImpl)),
    [transaction_store.TransactionStoreServiceDefinition.fullName]: createInProcessClient(transaction_store.TransactionStoreServiceDefinition, full(txStoreImpl)),
    [account_history.AccountHistoryServiceDefinition.fullName]: createInProcessClient(account_history.AccountHistoryServiceDefinition, full(historyImpl)),
    [contract_meta_store.ContractMetaStoreServiceDefinition.fullName]: createInProcessClient(contract_meta_store.ContractMetaStoreServiceDefinition, full(metaImpl)),
    [mempool.MempoolServiceDefinition.fullName]: createInProcessClient(mempool.MempoolServiceDefinition, full(mempoolImpl)),
    [block_producer.BlockProducerServiceDefinition.fullName]: createInProcessClient(block_producer.BlockProducerServiceDefinition, full(producerImpl)),
    [dev.DevServiceDefinition.fullName]: createInProcessClient(dev.DevServiceDefinition, full(devImpl)),
  };

  return {
    controls,
    clients,
    addBlock,
    blockAt: (height) => (head === undefined ? undefined : ancestorAt(head, BigInt(height))),
    get head() {
      return head;
    },
    blockAccepted: (s, isHead) => broadcast.BlockAccepted.encode(broadcast.BlockAccepted.fromPartial({ block: s.block, receipt: s.receipt, live: true, head: isHead })).finish(),
  };
}

function addr(bytes: Uint8Array): string {
  return toBase58(bytes);
}
