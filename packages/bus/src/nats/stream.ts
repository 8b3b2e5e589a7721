/** Creates or updates the JetStream stream that captures the bus's subjects. */
import type { Logger } from "@cairn/core";
import { DiscardPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";

export interface StreamSettings {
  name: string;
  /** Wire subjects (already prefixed). */
  subjects: string[];
  storage: "file" | "memory";
  /** `num_replicas`: copies kept by a JetStream cluster; undefined keeps an existing stream's (a new one gets 1). */
  streamReplicas: number | undefined;
  maxAgeMs: number;
  maxBytes: number;
}

/** Makes the stream exist with `s`; an existing stream keeps its data and gets the new limits and replica count. */
export async function ensureStream(jsm: JetStreamManager, s: StreamSettings, logger: Logger): Promise<void> {
  const limits = {
    subjects: s.subjects,
    max_age: nanos(s.maxAgeMs),
    max_bytes: s.maxBytes,
    discard: DiscardPolicy.Old,
    ...(s.streamReplicas === undefined ? {} : { num_replicas: s.streamReplicas }),
  };
  try {
    const info = await jsm.streams.info(s.name);
    const c = info.config;
    if (sameSubjects(c.subjects, s.subjects) && c.max_age === limits.max_age && c.max_bytes === limits.max_bytes && c.discard === limits.discard && (s.streamReplicas === undefined || c.num_replicas === s.streamReplicas)) return;
    await jsm.streams.update(s.name, limits);
    logger.info({ stream: s.name, subjects: s.subjects, maxAgeMs: s.maxAgeMs, maxBytes: s.maxBytes, replicas: s.streamReplicas }, "stream updated");
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    const config: Partial<StreamConfig> & { name: string } = {
      name: s.name,
      ...limits,
      retention: RetentionPolicy.Limits,
      storage: s.storage === "file" ? StorageType.File : StorageType.Memory,
      num_replicas: s.streamReplicas ?? 1,
    };
    await jsm.streams.add(config);
    logger.info({ stream: s.name, subjects: s.subjects, storage: s.storage, replicas: s.streamReplicas }, "stream created");
  }
}

function sameSubjects(a: string[] | undefined, b: string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}
