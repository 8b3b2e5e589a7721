/**
 * `ReplayBounds` of one subject in a JetStream stream, from the server: the per-subject message
 * count (stream info with a subject filter), the last message of the subject, and the first one
 * (`STREAM.MSG.GET` with `next_by_subj`, nats-server ≥ 2.9).
 */
import { jetstreamManager, type MsgRequest } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { Subjects } from "@cairn/bus";
import { acceptedHeight, type ReplayBounds } from "./replay-bounds.ts";

/** Which stream, as the bus was configured (`NatsEventBusOptions`). */
export interface NatsStreamRef {
  url: string | string[];
  /** Default `KOINOS`. */
  stream?: string;
  /** Default `""` (none). */
  subjectPrefix?: string;
}

/** Measures `subject` (default `koinos.block.accept`; a concrete subject, no wildcards) in the stream. */
export async function natsReplayBounds(ref: NatsStreamRef, subject: string = Subjects.blockAccept): Promise<ReplayBounds> {
  const stream = ref.stream ?? "KOINOS";
  const wire = ref.subjectPrefix ? `${ref.subjectPrefix}.${subject}` : subject;
  const nc = await connect({ servers: ref.url, reconnect: false, name: "cairn-replay-bounds" });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream, { subjects_filter: wire });
    const count = info.state.subjects?.[wire] ?? 0;
    if (count === 0) return { count: 0, firstSequence: 0, lastSequence: 0 };
    const last = await jsm.streams.getMessage(stream, { last_by_subj: wire });
    // The client's types lag the server API, which accepts `next_by_subj` here.
    const first = await jsm.streams.getMessage(stream, { seq: info.state.first_seq, next_by_subj: wire } as unknown as MsgRequest);
    if (last === null || first === null) return { count: 0, firstSequence: 0, lastSequence: 0 };
    return { count, firstSequence: first.seq, lastSequence: last.seq, firstHeight: subject === Subjects.blockAccept ? acceptedHeight(first.data) : undefined };
  } finally {
    await nc.close();
  }
}
