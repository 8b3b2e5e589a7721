/**
 * The dev controls (`cairn.dev.v1.DevService`, JSON-RPC `dev.*`) and the set of services they
 * drive. The controller owns the running services: snapshot records the services' data (the
 * storage's snapshots: store dumps in memory, table copies on a database) while block production
 * is paused; revert and reset stop the services, put the data back (a snapshot's, or nothing —
 * the chain then writes its genesis again), and start fresh services on it
 * with a fresh in-process bus, while calls arriving meanwhile wait at the swap gate. Time goes
 * through the node's clock; balances through a mint or burn transaction signed by the genesis key,
 * in a block produced at once, so block store, account history and events see it like any other.
 */
import { CairnError, ErrorStatus, type Logger, Mutex, type MetricsRegistry, toHex } from "@cairn/core";
import { type EventBus, Subjects } from "@cairn/bus";
import { broadcast, dev, protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, addressFromPrivateKey, buildTransaction, decodeNonce } from "@cairn/protocol";
import type { ServiceImplementation } from "@cairn/rpc";
import { type ProductionMode, producerKeyOf } from "@cairn/block-producer";
import { chainOptionsSchema } from "@cairn/chain";
import type { DevClock } from "./clock.ts";
import { type SwapGate, type SwitchableBus, createSwitchableBus } from "./forward.ts";
import type { DevOptions } from "./options.ts";
import { type DevGeneration, type DevServices, startDevGeneration } from "./services.ts";
import type { DevSnapshot, DevStorage } from "./storage.ts";
import type { DevDurability } from "./durable/durability.ts";
import type { ControlState } from "./durable/records.ts";

export type DevServiceImpl = ServiceImplementation<typeof dev.DevServiceDefinition>;

/** How long set_balance waits for its transaction to reach a block, ms. */
const BLOCK_WAIT_MS = 10_000;
/** Most blocks one `dev.mine_blocks` call produces. */
export const MAX_MINE_BLOCKS = 10_000n;
const MODES: readonly ProductionMode[] = ["instant", "interval", "manual"];

export interface DevControllerDeps {
  logger: Logger;
  metrics: MetricsRegistry;
  /** The services' data and its snapshots. */
  storage: DevStorage;
  /**
   * With `--data`: the journal and checkpoints the memory stores are rebuilt from. The first set
   * of services replays the journal before producing; control changes are journaled; checkpoints.
   */
  durable?: DevDurability;
  /** Whether every bus consumer has caught up (a checkpoint waits for it). */
  busSettled?: () => boolean;
  clock: DevClock;
  gate: SwapGate;
  /** A started bus for a new set of services. */
  openBus(): Promise<EventBus>;
  /** Closes a bus `openBus` gave. */
  closeBus(bus: EventBus): Promise<void>;
  /**
   * Whether services can be replaced (revert, reset). False when the bus outlives them (NATS):
   * its stream still holds the abandoned blocks' events, which new consumers would replay.
   */
  replaceable: boolean;
}

export interface DevController {
  /** The running services (they change on revert and reset). */
  readonly services: DevServices;
  /** The bus the gateway subscribes through: it follows each new set of services. */
  readonly gatewayBus: SwitchableBus;
  /** The DevService implementation. */
  readonly service: DevServiceImpl;
  /** The controls' state that outlives a restart with `--data`. */
  controls(): ControlState;
  /**
   * With `--data`: writes a checkpoint of every store with block production paused (resolves
   * false when there is no data directory or the bus did not settle).
   */
  checkpoint(): Promise<boolean>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const invalid = (code: string, message: string) => new CairnError(`dev.${code}`, message, { status: ErrorStatus.InvalidArgument });

export function createDevController(opts: DevOptions, deps: DevControllerDeps): DevController {
  const log = deps.logger.child({ module: "dev" });
  const { clock } = deps;
  const snapshots = deps.storage.snapshots;
  const koinId = addressFromBase58(chainOptionsSchema.parse({}).koinAddress);
  const genesisKey = producerKeyOf({ devSeed: opts.seed });
  const genesisAddress = addressFromPrivateKey(genesisKey);
  const mutex = new Mutex();
  const taken = new Map<bigint, DevSnapshot>();
  let nextSnapshotId = 1n;
  let mode: ProductionMode = opts.mode;
  let intervalMs = opts.intervalMs;
  let generation: DevGeneration | undefined;
  let gatewayBus: SwitchableBus | undefined;

  const current = (): DevGeneration => {
    if (!generation) throw new CairnError("dev.not_running", "the dev node is not running", { status: ErrorStatus.Unavailable });
    return generation;
  };
  const controls = (): ControlState => ({ offsetMs: clock.offsetMs, pinned: clock.pinned, mode, intervalMs });
  const applyControls = (state: ControlState) => {
    clock.restore(state.offsetMs, state.pinned);
    mode = state.mode;
    intervalMs = state.intervalMs;
  };
  /** Journals the controls' state (with `--data`) once a control changed it. */
  const recordControls = () => deps.durable?.recordControls(controls());
  const launch = (first = false) => {
    const durable = deps.durable;
    return startDevGeneration(opts, {
      ...deps,
      mode,
      intervalMs,
      wrapBlockSink: durable?.wrapBlockSink,
      // The first set replays the journal after the checkpoint, then produces in the mode the controls last had.
      beforeProducer:
        durable && first
          ? async ({ chain, producer, bus }) => {
              if (durable.baseControls) applyControls(durable.baseControls);
              await durable.replay({ chain, producer, bus }, applyControls, (timestamp) => clock.observeBlock(timestamp));
              producer.setMode(mode, intervalMs);
            }
          : undefined,
    });
  };

  /** Stops the services, runs `rewrite` on their stopped data, starts fresh services. */
  async function replace(rewrite: () => Promise<void>): Promise<void> {
    if (!deps.replaceable) throw new CairnError("dev.unsupported", "snapshots, revert and reset need the in-process bus: start cairn dev without --nats-url", { status: ErrorStatus.FailedPrecondition });
    await deps.gate.closed(async () => {
      await current().stop();
      generation = undefined;
      await rewrite();
      generation = await launch();
      await gatewayBus!.switchTo(generation.bus);
      // Readers learn that the head moved: the gateway's read cache forgets, WebSocket clients see the fork heads.
      const heads = await generation.chain.getForkHeads({});
      await generation.bus.publish(Subjects.blockForks, broadcast.ForkHeads.encode({ last_irreversible_block: heads.last_irreversible_block, heads: heads.fork_heads }).finish());
    });
  }

  async function headInfo() {
    return current().chain.getHeadInfo({});
  }

  async function koinBalance(address: Uint8Array): Promise<bigint> {
    const args = token.BalanceOfArguments.encode({ owner: address }).finish();
    const res = await current().chain.readContract({ contract_id: koinId, entry_point: KoinEntryPoint.balance_of, args });
    return token.Uint64Result.decode(res.result).value;
  }

  /** The genesis key's next nonce, counting its pending transactions. */
  async function nextGenesisNonce(): Promise<bigint> {
    const g = current();
    const confirmed = decodeNonce((await g.chain.getAccountNonce({ account: genesisAddress })).nonce);
    const pendingRaw = (await g.mempool.getPendingNonce({ payee: genesisAddress, block_id: undefined })).nonce;
    const pending = pendingRaw.length > 0 ? decodeNonce(pendingRaw) : 0n;
    return (pending > confirmed ? pending : confirmed) + 1n;
  }

  /**
   * Puts the transaction `id` in a block now: once the mempool holds it, a block is produced
   * (in instant or interval mode the producer may have placed it first; the transaction store
   * then says where).
   */
  async function blockWith(id: Uint8Array): Promise<{ block_id: Uint8Array; height: bigint }> {
    const deadline = Date.now() + BLOCK_WAIT_MS;
    while (Date.now() < deadline) {
      const g = current();
      const pending = await g.mempool.getPendingTransactionsById({ transaction_ids: [id], block_id: undefined });
      if (pending.pending_transactions.length > 0) {
        const produced = await g.services.producer.produce();
        const block = produced?.block;
        if (block?.transactions.some((t) => toHex(t.id) === toHex(id))) return { block_id: block.id, height: block.header?.height ?? 0n };
        if (produced?.failed.some((f) => toHex(f) === toHex(id))) throw new CairnError("dev.balance_failed", "the chain left the balance transaction out of the block", { status: ErrorStatus.Internal });
        continue;
      }
      const [item] = (await g.transactionStore.getTransactionsById({ transaction_ids: [id] })).transactions;
      const blockId = item?.containing_blocks[0];
      if (blockId !== undefined) {
        const [found] = (await g.blockStore.getBlocksById({ block_ids: [blockId], return_block: false, return_receipt: false })).block_items;
        return { block_id: blockId, height: found?.block_height ?? 0n };
      }
      await Bun.sleep(10);
    }
    throw new CairnError("dev.balance_failed", `the balance transaction did not reach a block within ${BLOCK_WAIT_MS} ms`, { status: ErrorStatus.Internal });
  }

  /** A checkpoint with block production paused (caller holds the mutex). */
  async function checkpointLocked(): Promise<boolean> {
    const durable = deps.durable;
    if (!durable || !generation) return false;
    const producer = generation.services.producer;
    await producer.stop();
    let resumed: Promise<void> | undefined;
    const resume = () => (resumed ??= producer.start());
    try {
      // Production resumes once the dumps are taken, while the file is written.
      return await durable.checkpoint(controls(), deps.busSettled ?? (() => true), () => void resume());
    } finally {
      await resume();
    }
  }

  const service: DevServiceImpl = {
    snapshot: () =>
      mutex.run(async () => {
        if (!deps.replaceable) throw new CairnError("dev.unsupported", "snapshots need the in-process bus: start cairn dev without --nats-url", { status: ErrorStatus.FailedPrecondition });
        const producer = current().services.producer;
        // No block in flight while the data is recorded, so every service's data agree.
        await producer.stop();
        try {
          const id = nextSnapshotId++;
          taken.set(id, await snapshots.take(id));
          log.info({ id: String(id) }, "snapshot taken");
          return { id };
        } finally {
          await producer.start();
        }
      }),

    revert: (req) =>
      mutex.run(async () => {
        const snap = taken.get(req.id);
        if (!snap) throw invalid("unknown_snapshot", `unknown snapshot id ${req.id}`);
        await replace(() => snapshots.restore(snap));
        // As anvil: the snapshot is used up, and every later one goes with it.
        for (const [id, s] of [...taken]) {
          if (id < req.id) continue;
          taken.delete(id);
          await snapshots.drop(s);
        }
        const head = await headInfo();
        log.info({ id: String(req.id), height: String(head.head_topology?.height ?? 0n) }, "reverted to snapshot");
        return { reverted: true };
      }),

    reset: () =>
      mutex.run(async () => {
        await replace(async () => {
          clock.reset();
          await snapshots.wipe();
        });
        for (const s of taken.values()) await snapshots.drop(s);
        taken.clear();
        log.info({}, "reset to genesis");
        return { reset: true };
      }),

    mineBlocks: (req) =>
      mutex.run(async () => {
        const count = req.count === 0n ? 1n : req.count;
        if (count > MAX_MINE_BLOCKS) throw invalid("too_many_blocks", `count must be at most ${MAX_MINE_BLOCKS}`);
        const produce = async () => {
          for (let i = 0n; i < count; i++) {
            const produced = await current().services.producer.produce();
            // Blocks mined faster than one a millisecond take head time + 1 ms: move the node's
            // clock along with them (as anvil's mine does), or the chain would soon find the next
            // block's timestamp more than 5 s in its future.
            // Journaled in order with the blocks, so a replay validates each block at the same time.
            const ahead = (produced?.block.header?.timestamp ?? 0n) - clock.now();
            if (ahead >= 0n) {
              clock.advance(ahead + 1n);
              await deps.durable?.recordControls(controls(), { deferSync: true });
            }
          }
        };
        // With --data the blocks share fsyncs; all are durable before the answer.
        await (deps.durable ? deps.durable.batch(produce) : produce());
        const head = await headInfo();
        return { head_topology: head.head_topology, head_block_time: head.head_block_time };
      }),

    setNextBlockTime: (req) =>
      mutex.run(async () => {
        const head = await headInfo();
        if (req.timestamp <= head.head_block_time) throw invalid("invalid_timestamp", `timestamp ${req.timestamp} is not after the head block's ${head.head_block_time}`);
        const now = clock.now();
        if (req.timestamp < now) throw invalid("invalid_timestamp", `timestamp ${req.timestamp} is before the node's clock (${now}): time only moves forward`);
        clock.pin(req.timestamp);
        await recordControls();
        return { timestamp: req.timestamp };
      }),

    increaseTime: (req) =>
      mutex.run(async () => {
        clock.advance(req.ms);
        await recordControls();
        return { offset_ms: clock.offsetMs, now: clock.now() };
      }),

    setBalance: (req) =>
      mutex.run(async () => {
        if (req.address.length !== 25) throw invalid("invalid_address", "address must be a 25-byte Koinos address (base58)");
        const balance = await koinBalance(req.address);
        if (balance === req.value) return { transaction_id: new Uint8Array(), block_id: new Uint8Array(), height: 0n };
        const g = current();
        const args =
          req.value > balance
            ? { entry_point: KoinEntryPoint.mint, args: token.MintArguments.encode({ to: req.address, value: req.value - balance }).finish() }
            : { entry_point: KoinEntryPoint.burn, args: token.BurnArguments.encode({ from: req.address, value: balance - req.value }).finish() };
        const operation = protocol.Operation.fromPartial({ call_contract: { contract_id: koinId, ...args } });
        const rc = (await g.chain.getAccountRc({ account: genesisAddress })).rc;
        const chainId = g.services.chain.chain.rules.chainId;
        const tx = buildTransaction({ chainId, nonce: await nextGenesisNonce(), rcLimit: rc, operations: [operation] }, genesisKey);
        const submitted = await g.chain.submitTransaction({ transaction: tx, broadcast: true });
        if (submitted.receipt?.reverted) throw new CairnError("dev.balance_failed", `the balance transaction reverted: ${submitted.receipt.logs.join("; ")}`, { status: ErrorStatus.Internal });
        const placed = await blockWith(tx.id);
        log.info({ address: req.address, value: String(req.value), height: String(placed.height) }, "balance set");
        return { transaction_id: tx.id, ...placed };
      }),

    setProductionMode: (req) =>
      mutex.run(async () => {
        if (!MODES.includes(req.mode as ProductionMode)) throw invalid("invalid_mode", `mode must be one of ${MODES.join(", ")}`);
        if (req.interval_ms !== 0n && req.interval_ms < 10n) throw invalid("invalid_interval", "interval_ms must be at least 10");
        mode = req.mode as ProductionMode;
        if (req.interval_ms !== 0n) intervalMs = Number(req.interval_ms);
        current().services.producer.setMode(mode, intervalMs);
        await recordControls();
        return { mode, interval_ms: BigInt(intervalMs) };
      }),

    getStatus: () => ({
      mode,
      interval_ms: BigInt(intervalMs),
      offset_ms: clock.offsetMs,
      now: clock.now(),
      next_block_time: clock.pinned ?? 0n,
      snapshots: [...taken.keys()],
    }),
  };

  return {
    get services() {
      return current().services;
    },
    get gatewayBus() {
      if (!gatewayBus) throw new Error("dev controller not started");
      return gatewayBus;
    },
    service,
    controls,
    checkpoint: () => mutex.run(checkpointLocked),
    async start() {
      await snapshots.dropAll();
      generation = await launch(true);
      gatewayBus = createSwitchableBus(generation.bus);
    },
    async stop() {
      await mutex.run(async () => {
        // A clean stop leaves a checkpoint of everything: the next start replays nothing.
        if (generation && deps.durable?.hasNew()) await checkpointLocked().catch((e: unknown) => log.error({ err: String(e) }, "checkpoint at stop failed"));
        const g = generation;
        generation = undefined;
        await g?.stop();
        for (const s of taken.values()) await snapshots.drop(s).catch(() => undefined);
        taken.clear();
      });
    },
  };
}
