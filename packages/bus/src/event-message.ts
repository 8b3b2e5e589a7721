/**
 * An event built from its decoded payload whose bytes are encoded the first time `data` is read
 * (`eventMessage` and `contractEventMessage` make them). NATS reads `data` to send it, so its wire
 * is what an eager encoding gave; the in-process bus keeps the message as it is and hands the
 * payload to its consumers, so in the one-process node an event nobody reads as bytes (every
 * block, transaction and mempool accept, every contract event parcel) is never encoded.
 */
import type { OutgoingMessage } from "./event-bus.ts";
import { markFresh } from "./fresh-bytes.ts";

export class EventMessage<T extends object = object> implements OutgoingMessage {
  private bytes: Uint8Array | undefined;

  constructor(
    readonly subject: string,
    readonly payload: T,
    private readonly encode: (payload: T) => Uint8Array,
  ) {}

  /** The payload's bytes, encoded on the first read (fresh: read-only like the payload). */
  get data(): Uint8Array {
    return (this.bytes ??= markFresh(this.encode(this.payload)));
  }

  /** Whether `data` has been read (the bytes exist). */
  get encoded(): boolean {
    return this.bytes !== undefined;
  }
}
