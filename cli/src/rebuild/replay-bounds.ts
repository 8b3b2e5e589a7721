/**
 * What a replay of one subject will read, measured before it starts: how many messages the bus
 * log holds for it (the progress total), where they begin and end (the replay stops at the last
 * one measured, so blocks arriving meanwhile are left to the live consumer), and the height of
 * the first block (a stream that no longer starts at block 1 cannot rebuild the whole store).
 * `memoryReplayBounds` reads the in-process broker; `natsReplayBounds` (nats-bounds.ts) asks the
 * JetStream server.
 */
import { EVENT_CATALOG, Subjects, subjectMatches, type MemoryBroker } from "@cairn/bus";

/** The part of the bus log a replay covers. */
export interface ReplayBounds {
  /** Messages of the subject in the log. */
  count: number;
  /** Sequence of the first of them (0 when none). */
  firstSequence: number;
  /** Sequence of the last of them when measured (0 when none): the replay ends there. */
  lastSequence: number;
  /** For `koinos.block.accept`: height of the block in the first message (undefined when none or undecodable). */
  firstHeight?: bigint;
}

/** Height of the block in a `BlockAccepted` payload, or undefined when it does not decode. */
export function acceptedHeight(data: Uint8Array): bigint | undefined {
  try {
    return EVENT_CATALOG[Subjects.blockAccept].fns.decode(data).block?.header?.height;
  } catch {
    return undefined;
  }
}

/** Measures `subject` (default `koinos.block.accept`) in an in-process broker's log. */
export function memoryReplayBounds(broker: MemoryBroker, subject: string = Subjects.blockAccept): ReplayBounds {
  const { log } = broker;
  const bounds: ReplayBounds = { count: 0, firstSequence: 0, lastSequence: 0 };
  for (let seq = log.firstSequence; seq <= log.lastSequence; seq++) {
    const entry = log.get(seq);
    if (entry === undefined || !subjectMatches(subject, entry.subject)) continue;
    if (bounds.count === 0) {
      bounds.firstSequence = seq;
      bounds.firstHeight = acceptedHeight(entry.data);
    }
    bounds.count++;
    bounds.lastSequence = seq;
  }
  return bounds;
}
