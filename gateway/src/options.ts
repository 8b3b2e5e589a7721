/**
 * The gateway's options: one zod schema (the single source of defaults, so `@cairn/config` can
 * layer file → env → flags over it) and the typed result. `createApp` and `startGateway` accept a
 * partial input and fill in the rest with `parseGatewayOptions`.
 */
import { z } from "zod";

/** 2 MiB: a block of a few hundred transactions fits; a runaway body does not reach the parser. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

/** KOIN on mainnet (protocol §5.1); dev chains that deploy it elsewhere override it. */
export const DEFAULT_KOIN_CONTRACT = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";

/** KOIN `balance_of` entry point (protocol §5.2). */
export const DEFAULT_BALANCE_OF_ENTRY_POINT = 0x5c721497;

/** Methods a gateway refuses unless configured otherwise (see `jsonRpc.deny`). */
export const DEFAULT_DENY: readonly string[] = ["block_store.add_block", "block_producer.", "dev."];

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();
const address = z.string().min(1);

/**
 * gRPC address (`host:port`) of each backend service, keyed by the lowerCamelCase JSON-RPC service
 * name (`block_store` → `blockStore`). A service without an address is not served: its JSON-RPC
 * methods answer "invalid service name provided". Defaults are the standard ports (architecture §1) on localhost.
 */
const servicesSchema = z.object({
  /** `cairn.chain.v1.ChainService`. Default `localhost:50051`. */
  chain: address.default("localhost:50051"),
  /** `cairn.contract_meta_store.v1.ContractMetaStoreService`, hosted by the chain. Default `localhost:50051`. */
  contractMetaStore: address.default("localhost:50051"),
  /**
   * `cairn.p2p.v1.P2pService` (`p2p.get_gossip_status`), hosted by the chain: Cairn has no p2p
   * network and answers that gossip is off. Default `localhost:50051`.
   */
  p2p: address.default("localhost:50051"),
  /** `cairn.block_store.v1.BlockStoreService`. Default `localhost:50052`. */
  blockStore: address.default("localhost:50052"),
  /** `cairn.transaction_store.v1.TransactionStoreService`, hosted by the block store. Default `localhost:50052`. */
  transactionStore: address.default("localhost:50052"),
  /** `cairn.mempool.v1.MempoolService`. Default `localhost:50053`. */
  mempool: address.default("localhost:50053"),
  /**
   * `cairn.account_history.v1.AccountHistoryService`. Default unset: account history is an
   * optional service (compose profiles `account_history`, `grpc`, `api`, `all`); set it to serve it.
   */
  accountHistory: address.optional(),
  /**
   * `cairn.block_producer.v1.BlockProducerService` (admin). Default unset, and even when set its
   * methods stay unreachable until removed from `jsonRpc.deny`.
   */
  blockProducer: address.optional(),
  /**
   * `cairn.dev.v1.DevService` (development controls, `dev.*`: snapshots, time, balances), served
   * by the one-process dev node. Default unset, and even when set its methods stay unreachable
   * until `dev.` is removed from `jsonRpc.deny`.
   */
  dev: address.optional(),
});

const jsonRpcSchema = z.object({
  /**
   * Method prefixes that may be called (Koinos whitelist): when non-empty, only methods matching
   * one are served ("method not whitelisted"). Written `chain.` or `koinos.rpc.chain.`.
   * Default empty (everything not denied).
   */
  allow: z.array(z.string()).default([]),
  /**
   * Method prefixes that may not be called (Koinos blacklist, "method blacklisted"). Default
   * `block_store.add_block`, `block_producer.` and `dev.`: only the node itself may write blocks to
   * the store, production is admin-only, and development controls (snapshot, revert, set_balance…)
   * have no place on a public node. Replace the list (e.g. `[]`) to expose them.
   */
  deny: z.array(z.string()).default([...DEFAULT_DENY]),
  /**
   * Read methods whose concurrent identical calls share one service call (single-flight): a call
   * arriving while an identical one is in flight gets that one's answer. Default the head and
   * chain-wide reads koilib polls (`chain.get_head_info` first of all): under load they would
   * otherwise cost one gRPC round trip each for the same answer. Only list methods without side
   * effects.
   */
  coalesce: z.array(z.string()).default(["chain.get_head_info", "chain.get_chain_id", "chain.get_fork_heads", "chain.get_resource_limits", "block_store.get_highest_block"]),
  /** Most calls in one batch (JSON array) request. Default 100: bounds fan-out per HTTP request. */
  maxBatchSize: positiveInt.default(100),
  /**
   * Largest request body in bytes, for JSON-RPC and REST. Default 2 MiB. Checked on
   * Content-Length before reading and enforced while streaming a body without one.
   */
  maxBodyBytes: positiveInt.default(DEFAULT_MAX_BODY_BYTES),
  /**
   * How long one call may wait for its service, in ms. Default 5000, Koinos's own timeout: past
   * it the client gets "rpc failed, context deadline exceeded", which koilib recognises.
   */
  timeoutMs: positiveInt.default(5000),
});

const rateLimitSchema = z.object({
  /** Per-client-IP token bucket on JSON-RPC and REST calls. Default off (a node behind a proxy limits there). */
  enabled: z.boolean().default(false),
  /** Tokens added per second per client (one JSON-RPC call or REST request costs one). Default 50. */
  requestsPerSecond: z.number().positive().default(50),
  /** Bucket size: the burst a client may send at once. Default 100. */
  burst: positiveInt.default(100),
  /**
   * Header holding the client address when the gateway sits behind a trusted proxy
   * (`x-forwarded-for`: its first entry is used). Default unset: the socket's peer address.
   */
  clientIpHeader: z.string().optional(),
  /** Clients tracked at most; idle full buckets are dropped past it. Default 100000. */
  maxClients: positiveInt.default(100_000),
});

const restSchema = z.object({
  /** KOIN contract address (base58) for `/v1/accounts/:address/balance`. Default mainnet's. */
  koinContractId: z.string().min(1).default(DEFAULT_KOIN_CONTRACT),
  /** `balance_of` entry point of that contract. Default 0x5c721497. */
  balanceOfEntryPoint: z.number().int().min(0).max(0xffffffff).default(DEFAULT_BALANCE_OF_ENTRY_POINT),
  /** Most blocks `/v1/blocks?from=&count=` returns. Default 100 (the block store's own cap is 1000). */
  maxBlocks: positiveInt.max(1000).default(100),
  /** History entries `/v1/accounts/:address/history` returns when `limit` is not given. Default 20. */
  defaultHistoryLimit: positiveInt.max(500).default(20),
});

const wsSchema = z.object({
  /**
   * Open WebSocket connections at most; past it an upgrade is answered 503 `gateway.ws_full` (and
   * a connection opened in a race with the last free slot is closed with 1013 "try again later").
   * Default 10,000.
   */
  maxConnections: positiveInt.default(10_000),
  /** Bytes queued for one WebSocket client before it is closed with 1008 "send buffer exceeded". Default 4 MiB. */
  maxBufferedBytes: positiveInt.default(4 * 1024 * 1024),
  /** Subscriptions one connection may hold. Default 32. */
  maxSubscriptions: positiveInt.default(32),
  /** Most blocks a `from_height` resume replays. Default 10000: older history belongs to REST. */
  maxReplayBlocks: positiveInt.default(10_000),
  /** Recent blocks remembered to compute fork undo lists. Default 1200 (well past Koinos's 60-block irreversibility). */
  forkWindow: positiveInt.default(1200),
});

const readCacheSchema = z.object({
  /**
   * Serve the listed reads from a cache kept current from block events (architecture §9: hot reads such
   * as head info should not cross a gRPC hop). Default on; it takes effect only when the gateway
   * has a bus (it then follows `koinos.block.>` for as long as it runs) and is off without one.
   */
  enabled: z.boolean().default(true),
  /** Methods cached: chain-wide reads that change only with blocks. */
  methods: z.array(z.string()).default(["chain.get_head_info", "chain.get_chain_id", "chain.get_fork_heads", "chain.get_resource_limits"]),
  /** Longest an answer is served, in ms, should block events be lost. Default 1000. */
  maxAgeMs: positiveInt.default(1000),
  /**
   * Most answers held at once (oldest dropped first). Default 1000: the cached reads have one
   * answer per distinct request and a block event clears them all, so this only bites clients
   * sending many distinct requests between blocks.
   */
  maxEntries: positiveInt.default(1000),
});

const jsonCacheSchema = z.object({
  /**
   * Bytes of block item JSON kept for `block_store.get_blocks_by_height` / `get_blocks_by_id`
   * answers (keyed by block id and the parts asked, least recently used dropped first): a cached
   * block is neither read nor encoded again. 0 turns it off. Default 32 MiB (about 1,700 blocks of
   * 10 transfers with their receipts, ~18 KB of JSON each: the last hour and a half of a busy chain).
   */
  blockBytes: z.number().int().min(0).default(32 * 1024 * 1024),
  /**
   * Bytes of account history record JSON kept for `account_history.get_account_history` answers
   * (keyed by the record's content, never its seq_num). 0 turns it off. Default 16 MiB (about
   * 10,000 KOIN transfer records).
   */
  historyBytes: z.number().int().min(0).default(16 * 1024 * 1024),
});

const healthSchema = z.object({
  /** Time each service has to answer its health probe, in ms. Default 1000. */
  timeoutMs: positiveInt.default(1000),
  /**
   * Head older than this (by `head_block_time`) makes `/health` 503, in ms. Default 60000.
   * 0 disables the check (a manual producer, or none).
   */
  maxHeadAgeMs: z.number().int().min(0).default(60_000),
  /**
   * An old head alone is not a fault: `/health` fails only when transactions have been pending
   * in the mempool, with no new block, for longer than `maxHeadAgeMs`. Default false (blocks
   * are expected every interval). Set it for a producer that makes blocks only when
   * transactions arrive (instant mode): a quiet chain is then idle, not stalled.
   */
  idleHeadOk: z.boolean().default(false),
});

/** The gateway's options schema (defaults included). */
export const gatewayOptionsSchema = z.object({
  /** HTTP listen host (also `/metrics`). Default `127.0.0.1`; containers set `0.0.0.0`. */
  host: z.string().default("127.0.0.1"),
  /** HTTP port (architecture §1). Default 8080; 0 picks a free one. */
  port: port.default(8080),
  services: servicesSchema.prefault({}),
  jsonRpc: jsonRpcSchema.prefault({}),
  rateLimit: rateLimitSchema.prefault({}),
  rest: restSchema.prefault({}),
  ws: wsSchema.prefault({}),
  readCache: readCacheSchema.prefault({}),
  /**
   * Answers of block and account history reads assembled from cached JSON of their immutable
   * items (byte for byte what a plain call gives).
   */
  jsonCache: jsonCacheSchema.prefault({}),
  health: healthSchema.prefault({}),
  /** Log one line per HTTP request (method, path, status, duration, JSON-RPC methods). Default true. */
  accessLog: z.boolean().default(true),
  /**
   * Serve the explorer page: `GET /` from a browser, assets under `/explorer/`. Default true (it
   * reads only what REST and /ws already serve); JSON-RPC keeps `POST /` either way.
   */
  explorer: z.boolean().default(true),
  /** How long shutdown waits for in-flight requests, in ms. Default 5000. */
  shutdownGraceMs: z.number().int().min(0).default(5000),
});

/** Validated gateway options, every field filled in. */
export type GatewayOptions = z.output<typeof gatewayOptionsSchema>;

/** What callers may pass: any subset, nested sections included. */
export type GatewayOptionsInput = z.input<typeof gatewayOptionsSchema>;

/** Fills defaults and validates; throws a `ZodError` naming the bad key. */
export function parseGatewayOptions(input: GatewayOptionsInput = {}): GatewayOptions {
  return gatewayOptionsSchema.parse(input);
}

/** The defaults, as one object. */
export function defaultGatewayOptions(): GatewayOptions {
  return parseGatewayOptions({});
}
