/**
 * What the mempool consumes and publishes (protocol §6, architecture §4). One durable consumer,
 * `mempool`, on `koinos.*.*`: every three-token Koinos subject (block accept, transaction accept
 * and fail, …) in log order, and none of the `koinos.event.<contract>.<name>` parcels, which
 * have at least four tokens. Order matters: a transaction's accept always precedes the block that
 * includes it. Publishes `koinos.mempool.accept` after each addition, pipelined, failures logged.
 *
 * Up to {@link MEMPOOL_IN_FLIGHT} messages are in the handler's hands at once, started in log
 * order: each enters the controller's lock in that order (so a block is still applied after the
 * accepts before it), and the transaction accepts that arrive together are committed in one
 * database transaction (group commit), each acknowledged after the commit that holds it.
 */
import type { Logger } from "@cairn/core";
import { type EventBus, type MessageHandler, Subjects, decodeEvent, eventMessage } from "@cairn/bus";
import type { broadcast } from "@cairn/proto";
import type { Mempool } from "./mempool.ts";

/** The mempool's durable consumer name. */
export const MEMPOOL_DURABLE = "mempool";
/** The subjects it subscribes to: every three-token `koinos.*` subject. */
export const MEMPOOL_SUBJECTS = "koinos.*.*";
/** Messages delivered and not yet acknowledged, all handled at once (`maxAckPending` and `concurrency`). */
export const MEMPOOL_IN_FLIGHT = 256;

/**
 * The bus handler: decodes and dispatches. A payload that does not decode is logged and
 * acknowledged (redelivering it would never help); a failing handler (database, block store)
 * rejects, so the bus delivers the message again.
 */
export function createEventHandler(mempool: Mempool, logger: Logger): MessageHandler {
  return async (m) => {
    switch (m.subject) {
      case Subjects.transactionAccept: {
        const msg = decodeEvent(Subjects.transactionAccept, m, logger);
        if (msg) await mempool.transactionAccepted(msg);
        return;
      }
      case Subjects.blockAccept: {
        const msg = decodeEvent(Subjects.blockAccept, m, logger);
        if (msg) await mempool.blockAccepted(msg);
        return;
      }
      case Subjects.transactionFail: {
        const msg = decodeEvent(Subjects.transactionFail, m, logger);
        if (msg) await mempool.transactionFailed(msg.id, msg.reason);
        return;
      }
      default:
        return;
    }
  };
}

/** Publishes `koinos.transaction.fail` (id and reason) without waiting; a failed publish is logged. */
export function transactionFailPublisher(bus: Pick<EventBus, "publishMany">, logger: Logger): (failed: { id: Uint8Array; reason: string }) => void {
  return ({ id, reason }) => {
    bus.publishMany([eventMessage(Subjects.transactionFail, { id, reason })]).catch((err) => logger.error({ subject: Subjects.transactionFail, err: String(err) }, "event publish failed"));
  };
}

/** Publishes `koinos.mempool.accept` without waiting; a failed publish is logged. */
export function mempoolAcceptPublisher(bus: Pick<EventBus, "publishMany">, logger: Logger): (accepted: broadcast.MempoolAccepted) => void {
  return (accepted) => {
    bus.publishMany([eventMessage(Subjects.mempoolAccept, accepted)]).catch((err) => logger.error({ subject: Subjects.mempoolAccept, err: String(err) }, "event publish failed"));
  };
}
