/** The in-process bus's message log: sequence-numbered, bounded by count and bytes (oldest dropped first). */
import { EventMessage } from "../event-message.ts";

/** One stored message. */
export interface LogEntry {
  readonly sequence: number;
  readonly subject: string;
  /** The bytes; an `EventMessage` kept as published is encoded here, on the first read. */
  readonly data: Uint8Array;
  /** The decoded message as published; kept for the newest {@link PAYLOADS_KEPT} messages only. */
  readonly payload: object | undefined;
}

/**
 * How many of the newest messages keep their decoded payload beside the bytes. Consumers that
 * keep up (every one in the one-process node) read it; one further behind decodes the bytes. It
 * bounds what the payloads hold in memory (a decoded block is several times its bytes). A message
 * published as an `EventMessage` whose bytes nobody read yet is encoded as it leaves this window
 * (unless the log dropped it before).
 */
export const PAYLOADS_KEPT = 1024;

/** A stored message: its bytes as published, or the `EventMessage` that encodes them on the first read. */
class Entry implements LogEntry {
  payload: object | undefined;
  private source: Uint8Array | EventMessage;

  constructor(
    readonly sequence: number,
    readonly subject: string,
    source: Uint8Array | EventMessage,
    payload: object | undefined,
    private log: MemoryLog | undefined,
  ) {
    this.source = source;
    this.payload = payload;
  }

  get data(): Uint8Array {
    const s = this.source;
    if (s instanceof Uint8Array) return s;
    const bytes = s.data;
    this.source = bytes;
    this.log?.encoded(bytes.length);
    return bytes;
  }

  /** Dropped from the log: bytes encoded later (a consumer still holding it) no longer count. */
  detach(): void {
    this.log = undefined;
  }

  /** Bytes counted against the log's `maxBytes` (0 while not encoded). */
  get size(): number {
    return this.source instanceof Uint8Array ? this.source.length : 0;
  }

  /** Leaves the payload window: the bytes are encoded (if they were not) and the payload dropped. */
  keepBytesOnly(): void {
    void this.data;
    this.payload = undefined;
  }
}

export interface MemoryLogLimits {
  /** Messages kept; older ones are dropped. Default 100,000. */
  maxMessages?: number;
  /**
   * Payload bytes kept; older messages are dropped. Default 64 MiB: in the one-process node the
   * log is a short catch-up buffer, not the system of record (block_store is), and the node must
   * stay within its memory budget.
   */
  maxBytes?: number;
  /**
   * Messages every consumer has already taken (delivered and acknowledged, or passed over by its
   * filter) that stay in the log for subscribers that start later. Default unlimited: only
   * `maxMessages`/`maxBytes` bound the log. The one-process dev node sets it (a few thousand), so
   * the log holds what its consumers have yet to handle plus a short tail, not the last 100,000
   * messages (the memory target of architecture §9: ~1 KB a message, three messages a transfer).
   */
  keepHandled?: number;
}

export class MemoryLog {
  private readonly entries: (Entry | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  private last = 0;
  private readonly maxMessages: number;
  private readonly maxBytes: number;
  readonly keepHandled: number;

  constructor(limits: MemoryLogLimits = {}) {
    this.maxMessages = limits.maxMessages ?? 100_000;
    this.maxBytes = limits.maxBytes ?? 64 * 1024 * 1024;
    this.keepHandled = limits.keepHandled ?? Number.POSITIVE_INFINITY;
  }

  /** Sequence of the oldest retained message (`lastSequence + 1` when empty). */
  get firstSequence(): number {
    return this.entries[this.head]?.sequence ?? this.last + 1;
  }

  /** Sequence of the newest message ever appended (0 before the first). */
  get lastSequence(): number {
    return this.last;
  }

  /**
   * Stores a message: `data` as given (the caller copies bytes it does not own), or an
   * `EventMessage` whose bytes are encoded only when read (they count against `maxBytes` from then).
   */
  append(subject: string, data: Uint8Array | EventMessage, payload?: object): number {
    const sequence = ++this.last;
    const entry = new Entry(sequence, subject, data, payload, this);
    this.entries.push(entry);
    this.bytes += entry.size;
    this.trim();
    return sequence;
  }

  /**
   * Ends the payload window of the message {@link PAYLOADS_KEPT} places behind the newest (its
   * bytes are encoded if they were not). Called after `release`, so a message dropped by then is
   * never encoded.
   */
  closePayloadWindow(): void {
    const old = this.entries[this.entries.length - 1 - PAYLOADS_KEPT];
    if (old !== undefined && old.payload !== undefined) old.keepBytesOnly();
    this.trim();
  }

  /** An entry's bytes were just encoded: they count from now. */
  encoded(length: number): void {
    this.bytes += length;
  }

  /** The message at `sequence`, or undefined when dropped or not yet written. */
  get(sequence: number): LogEntry | undefined {
    const first = this.firstSequence;
    if (sequence < first || sequence > this.last) return undefined;
    return this.entries[this.head + (sequence - first)];
  }

  /**
   * Drops messages below `handledBelow` (the lowest sequence some consumer has yet to handle)
   * beyond the newest {@link keepHandled} of them.
   */
  release(handledBelow: number): void {
    if (this.keepHandled === Number.POSITIVE_INFINITY) return;
    const cut = handledBelow - this.keepHandled;
    while (this.head < this.entries.length && this.entries[this.head]!.sequence < cut) this.dropOldest();
    this.compact();
  }

  private dropOldest(): void {
    const entry = this.entries[this.head]!;
    this.bytes -= entry.size;
    entry.detach();
    this.entries[this.head] = undefined;
    this.head++;
  }

  private trim(): void {
    while (this.entries.length - this.head > this.maxMessages || (this.bytes > this.maxBytes && this.entries.length - this.head > 1)) this.dropOldest();
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }
}
