/**
 * The one-process dev node: chain, block store, mempool, block producer, account history and the
 * gateway in one process, wired with direct in-process clients (each gRPC server still listening
 * on its port), the services' data in memory (the default: in-memory stores, no database at all;
 * with a data directory the same stores kept by a journal and checkpoints, durable/), or in
 * PGlite under the data directory (with NATS), or in Postgres (`storage.ts`), and the in-process
 * bus (or NATS). The services are owned by the dev controller (`dev.*`), which may
 * replace them (revert, reset): the gateway reaches them through forwarding implementations and a
 * bus facade that follow each new set. Stops in reverse order.
 */
import { CairnError, ErrorStatus, type Logger, createMetricsRegistry } from "@cairn/core";
import { addressFromBase58, addressToBase58, contractMetaAbiSource, createEventDecoder, defaultJsonCodec, koinAbiSource } from "@cairn/protocol";
import { type EventBus, type MemoryBroker, createMemoryBroker, createMemoryEventBus, createNatsEventBus } from "@cairn/bus";
import { account_history, block_store, chain as chainPb, contract_meta_store, descriptorSetBytes, dev, mempool as mempoolPb, p2p, transaction_store } from "@cairn/proto";
import { type AnyServiceDefinition, createGrpcServer, createInProcessClient, type ServiceImplementation } from "@cairn/rpc";
import * as chainSvc from "@cairn/chain";
import { DEFAULT_DENY, startGateway } from "@cairn/gateway";
import { createDevClock } from "./clock.ts";
import { createDevController } from "./controller.ts";
import { createSwapGate, forwardingImplementation } from "./forward.ts";
import { startDevConsole } from "./console.ts";
import { DataDirErrorCode, type GenesisFlags, checkGenesisFlags, genesisMismatchMessage, lockDataDir, recordGenesisFlags } from "./data-dir.ts";
import { type DevOptions, dataDirOf } from "./options.ts";
import { assertDevPortsFree } from "./preflight.ts";
import { DIRECT, type DevServices, devPort } from "./services.ts";
import type { DevStorage } from "./storage.ts";
import { createMemoryStorage } from "./memory-storage.ts";
import { type DevDurability, openDevDurability } from "./durable/durability.ts";
import type { ControlState } from "./durable/records.ts";
import { startIdleCollector } from "./idle-gc.ts";

/**
 * Messages of the in-process bus kept after every consumer has handled them (memory target, architecture §9: the log
 * otherwise keeps its last 100,000 messages, ~1 KB each, three a transfer — hundreds of MB). Below the bus's payload
 * window (1,024 messages, @cairn/bus README): a handled event is dropped before it would be encoded to bytes nobody
 * reads (~5% of the node's CPU per transfer). Nothing in this node reads handled messages again: every subscriber
 * starts from new messages or resumes a durable position, and each revert or reset starts a fresh bus.
 */
const DEV_BUS_KEEP_HANDLED = 512;

/** How often the node looks whether a checkpoint is due, ms. */
const CHECKPOINT_POLL_MS = 1_000;

/** The dev node's per-call deadline at the gateway, ms. */
export const DEV_CALL_TIMEOUT_MS = 30_000;

/** KOIN's decimals (the native contract's `decimals`): balances are in units of 10^-8 KOIN. */
const KOIN_DECIMALS = 8;

export interface DevNode {
  chainId: Uint8Array;
  /** The native KOIN contract (base58) and its decimals. */
  koin: { address: string; decimals: number };
  /** Where the chain is kept: a directory, or undefined (memory or Postgres). */
  dataDir: string | undefined;
  accounts: chainSvc.DevAccount[];
  producerAddress: string;
  url: string;
  grpcPorts: Record<string, number | null | undefined>;
  stop(): Promise<void>;
}

/**
 * The services' data when no journal keeps it: Postgres when given, PGlite under the data
 * directory (with NATS as the bus; one instance for every service: each costs ~200 MB), else the
 * in-memory stores. The database kinds load their drivers (and this module) only when asked, so
 * the default path never loads PGlite.
 */
async function openDevStorage(opts: DevOptions, dataDir: string | undefined, logger: Logger): Promise<DevStorage> {
  if (!opts.databaseUrl && dataDir === undefined) return createMemoryStorage();
  const { devDatabaseUrl, openDatabaseStorage } = await import("./database-storage.ts");
  return openDatabaseStorage(devDatabaseUrl({ databaseUrl: opts.databaseUrl, dataDir: dataDir ?? "" }), logger);
}

/** What the dev node may be given besides its options. */
export interface DevNodeDeps {
  /** Where the per-block console lines go; default none (no console). */
  console?: { write(line: string): void; color: boolean };
}

export async function startDevNode(opts: DevOptions, logger: Logger, deps: DevNodeDeps = {}): Promise<DevNode> {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((e) => logger.error({ err: String(e) }, "stop failed"));
  };
  // Ports another process holds fail now, in milliseconds, naming the flag (not after PGlite starts).
  assertDevPortsFree(opts);
  const dataDir = dataDirOf(opts);
  const koinAddress = chainSvc.chainOptionsSchema.parse({}).koinAddress;
  const genesisFlags: GenesisFlags = { seed: opts.seed, accounts: opts.accounts, balance: opts.balance, koinAddress };
  let lock: ReturnType<typeof lockDataDir> | undefined;
  if (dataDir !== undefined) {
    // Before anything opens the database: a second node on the directory, or other genesis flags, stop here.
    const held = lockDataDir(dataDir);
    lock = held;
    stops.push(async () => held.release());
    try {
      checkGenesisFlags(dataDir, genesisFlags);
    } catch (e) {
      held.release();
      throw e;
    }
  }
  try {
    const metrics = createMetricsRegistry("cairn-dev");
    // NATS: one bus for the node's life. In-process: a fresh bus for each set of services, so a
    // revert leaves no event of the abandoned blocks behind.
    const nats: EventBus | undefined = opts.natsUrl ? createNatsEventBus({ url: opts.natsUrl, name: "cairn-dev" }, { logger, metrics }) : undefined;
    if (nats) {
      await nats.start();
      stops.push(() => nats.close());
    }

    // A data directory with the in-process bus: memory stores kept by a journal and checkpoints (durable/).
    let durable: DevDurability | undefined;
    let controls = (): ControlState => ({ offsetMs: 0n, pinned: undefined, mode: opts.mode, intervalMs: opts.intervalMs });
    let storage: DevStorage;
    if (dataDir !== undefined && !opts.databaseUrl && !nats) {
      const d = await openDevDurability(dataDir, { checkpointBlocks: opts.checkpointBlocks }, logger, () => controls());
      durable = d;
      storage = d.storage;
      stops.push(() => d.close());
    } else {
      storage = await openDevStorage(opts, dataDir, logger);
    }
    stops.push(() => storage.close());

    const gate = createSwapGate();
    let broker: MemoryBroker | undefined;
    const controller = createDevController(opts, {
      logger,
      metrics,
      storage,
      durable,
      busSettled: () => broker?.settled ?? true,
      clock: createDevClock(),
      gate,
      openBus: async () => {
        if (nats) return nats;
        broker = createMemoryBroker({ keepHandled: DEV_BUS_KEEP_HANDLED });
        const bus = createMemoryEventBus({ broker }, { logger });
        await bus.start();
        return durable ? durable.wrapBus(bus) : bus;
      },
      closeBus: async (bus) => {
        if (bus !== nats) await bus.close();
      },
      replaceable: nats === undefined,
    });
    await controller.start().catch((e: unknown) => {
      // The chain's own words name no directory and no flag: say which, and the ways out.
      if (dataDir !== undefined && e instanceof Error && /holds chain .* but the genesis configured gives/.test(e.message)) {
        throw new CairnError(DataDirErrorCode.GenesisMismatch, `${genesisMismatchMessage(dataDir, [])} (${e.message})`, { status: ErrorStatus.FailedPrecondition, cause: e });
      }
      throw e;
    });
    stops.push(() => controller.stop());
    controls = () => controller.controls();
    if (durable) {
      const d = durable;
      // Checkpoints off the request path: looked for once a second, taken when enough was journaled.
      let busy = false;
      const timer = setInterval(() => {
        if (busy || !d.checkpointDue()) return;
        busy = true;
        controller
          .checkpoint()
          .catch((e: unknown) => logger.error({ err: String(e) }, "checkpoint failed"))
          .finally(() => (busy = false));
      }, CHECKPOINT_POLL_MS);
      stops.push(async () => clearInterval(timer));
    }
    const first = controller.services;
    if (dataDir !== undefined) recordGenesisFlags(dataDir, genesisFlags, first.chain.chain.rules.chainId);

    // The gateway decodes a whole request from JSON for each call and never touches it again:
    // handed over as it is, not copied.
    const forward = <TDef extends AnyServiceDefinition>(definition: TDef, pick: (s: DevServices) => ServiceImplementation<TDef>, options: { shareResponses?: boolean } = {}) =>
      createInProcessClient(definition, forwardingImplementation(definition, () => pick(controller.services), gate), { ...DIRECT, shareRequests: true, ...options });

    const devServer = createGrpcServer({ host: opts.host, port: devPort(opts, 5), descriptorSet: descriptorSetBytes() }, { logger, metrics });
    devServer.addService(dev.DevServiceDefinition, controller.service);
    const devGrpcPort = await devServer.start();
    stops.push(() => devServer.stop({ graceMs: 1000 }));

    const gateway = await startGateway(
      {
        host: opts.host,
        port: opts.port,
        // The dev controls are what this node is for. Calls wait at the swap gate while revert or
        // reset replaces the services, and those two take a few seconds on a busy machine: a
        // longer deadline than Koinos's 5 s keeps them from failing half-way for the client.
        jsonRpc: { deny: DEFAULT_DENY.filter((rule) => rule !== "dev."), timeoutMs: DEV_CALL_TIMEOUT_MS },
        // Head info and other chain-wide reads served from state kept current by block events (architecture §9).
        readCache: { enabled: true },
        // The head check follows the production mode in force (dev.set_production_mode changes it):
        // interval, the head must be fresh; instant, an old head is idle unless transactions wait
        // longer than maxHeadAgeMs with no block; manual, blocks come when asked, so no head check.
        health: { maxHeadAgeMs: opts.healthMaxHeadAgeMs },
      },
      {
        logger,
        metrics,
        bus: controller.gatewayBus,
        productionMode: () => {
          const p = controller.services.producer;
          return { mode: p.mode, intervalMs: p.intervalMs };
        },
        clients: {
          // The chain builds each answer fresh (a submission's receipt is read-only from then on) and
          // the gateway only turns it into JSON: not copied.
          [chainPb.ChainServiceDefinition.fullName]: forward(chainPb.ChainServiceDefinition, (s) => s.implementations.chain, { shareResponses: true }),
          [contract_meta_store.ContractMetaStoreServiceDefinition.fullName]: forward(contract_meta_store.ContractMetaStoreServiceDefinition, (s) => s.implementations.contractMetaStore),
          [p2p.P2pServiceDefinition.fullName]: forward(p2p.P2pServiceDefinition, (s) => s.implementations.p2p),
          [block_store.BlockStoreServiceDefinition.fullName]: forward(block_store.BlockStoreServiceDefinition, (s) => s.implementations.blockStore),
          [transaction_store.TransactionStoreServiceDefinition.fullName]: forward(transaction_store.TransactionStoreServiceDefinition, (s) => s.implementations.transactionStore),
          [mempoolPb.MempoolServiceDefinition.fullName]: forward(mempoolPb.MempoolServiceDefinition, (s) => s.implementations.mempool),
          // History pages hand out the service's cached decoded records as they are (read-only,
          // each with its content key for the gateway's JSON cache), not a copy of every record.
          [account_history.AccountHistoryServiceDefinition.fullName]: forward(account_history.AccountHistoryServiceDefinition, (s) => s.implementations.accountHistory, { shareResponses: true }),
          [dev.DevServiceDefinition.fullName]: createInProcessClient(dev.DevServiceDefinition, controller.service, DIRECT),
        },
      },
    );
    stops.push(() => gateway.stop());
    lock?.update({ url: gateway.url });
    // The garbage of a burst of work handed back once neither the head nor the requests move (idle-gc.ts).
    const idle = startIdleCollector({ activity: () => Number(controller.services.chain.chain.head.height) + gateway.app.requestCount(), logger });
    stops.push(async () => idle.stop());

    if (deps.console) {
      // On the gateway's bus facade: it follows the services revert and reset put in place.
      const metaClient = forward(contract_meta_store.ContractMetaStoreServiceDefinition, (s) => s.implementations.contractMetaStore);
      const events = createEventDecoder({ sources: [koinAbiSource(defaultJsonCodec(), koinAddress), contractMetaAbiSource(async (contract) => (await metaClient.getContractMeta({ contract_id: addressFromBase58(contract) })).meta?.abi)] });
      const sub = await startDevConsole(controller.gatewayBus, events, { ...deps.console, koinAddress, decimals: KOIN_DECIMALS });
      stops.push(() => sub.close());
    }

    return {
      chainId: first.chain.chain.rules.chainId,
      koin: { address: koinAddress, decimals: KOIN_DECIMALS },
      dataDir,
      accounts: first.chain.dev?.accounts ?? [],
      producerAddress: first.chain.dev ? addressToBase58(first.chain.dev.producerAddress) : "",
      url: gateway.url,
      // Ephemeral ports (grpcPortBase 0) change when revert or reset replaces the services.
      get grpcPorts() {
        return { ...controller.services.grpcPorts, dev: devGrpcPort };
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
