/**
 * What account history consumes (protocol §6, architecture §4). One durable consumer, `account_history`,
 * on `koinos.block.*`: `koinos.block.accept` (applied), `koinos.block.irreversible` (the LIB) and
 * `koinos.block.forks` (ignored), in log order — the chain publishes a block's irreversible notice
 * before its accept. Several instances share the durable consumer as a queue; with
 * `maxAckPending` 1 only one message is in flight across all of them. It publishes nothing.
 */
import type { Logger } from "@cairn/core";
import { type MessageHandler, Subjects, decodeEvent } from "@cairn/bus";
import type { AccountHistoryIndexer } from "./indexer.ts";
import type { AccountHistoryMetrics } from "./metrics.ts";

/** The durable consumer name (and NATS connection name) of account history. */
export const ACCOUNT_HISTORY_DURABLE = "account_history";
/** The subjects it subscribes to. */
export const ACCOUNT_HISTORY_SUBJECTS = "koinos.block.*";

/**
 * The bus handler: decodes and dispatches. A payload that does not decode is logged and
 * acknowledged (redelivering it would never help); a failing step (database, block store) rejects,
 * so the bus delivers the message again.
 */
export function createEventHandler(indexer: AccountHistoryIndexer, logger: Logger, metrics?: AccountHistoryMetrics): MessageHandler {
  return async (m) => {
    switch (m.subject) {
      case Subjects.blockAccept: {
        const msg = decodeEvent(Subjects.blockAccept, m, logger);
        const outcome = msg ? await indexer.blockAccepted(msg) : "undecodable";
        metrics?.events.inc({ subject: m.subject, outcome });
        return;
      }
      case Subjects.blockIrreversible: {
        const msg = decodeEvent(Subjects.blockIrreversible, m, logger);
        if (msg) await indexer.irreversible(msg);
        metrics?.events.inc({ subject: m.subject, outcome: msg ? "applied" : "undecodable" });
        return;
      }
      default:
        return;
    }
  };
}

