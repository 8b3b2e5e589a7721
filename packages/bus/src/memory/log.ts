/** The in-process bus's message log: sequence-numbered, bounded by count and bytes (oldest dropped first). */

/** One stored message. */
export interface LogEntry {
  readonly sequence: number;
  readonly subject: string;
  readonly data: Uint8Array;
  /** The decoded message as published; kept for the newest {@link PAYLOADS_KEPT} messages only. */
  payload: object | undefined;
}

/**
 * How many of the newest messages keep their decoded payload beside the bytes. Consumers that
 * keep up (every one in the one-process node) read it; one further behind decodes the bytes. It
 * bounds what the payloads hold in memory (a decoded block is several times its bytes).
 */
export const PAYLOADS_KEPT = 1024;

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
  private readonly entries: (LogEntry | undefined)[] = [];
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

  append(subject: string, data: Uint8Array, payload?: object): number {
    const sequence = ++this.last;
    this.entries.push({ sequence, subject, data, payload });
    const old = this.entries[this.entries.length - 1 - PAYLOADS_KEPT];
    if (old !== undefined) old.payload = undefined;
    this.bytes += data.length;
    this.trim();
    return sequence;
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
    this.bytes -= this.entries[this.head]!.data.length;
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
