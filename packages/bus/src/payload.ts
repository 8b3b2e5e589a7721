/** Decoding a message's protobuf payload in a consumer, skipping (and logging) one that is not. */
import type { Logger } from "@cairn/core";
import type { BusMessage } from "./event-bus.ts";

/**
 * `type.decode(message.data)`, or undefined — logged at error — when the bytes are not that
 * message: a corrupt payload is skipped (acked) rather than redelivered forever.
 */
export function decodePayload<T>(type: { decode(bytes: Uint8Array): T }, message: Pick<BusMessage, "subject" | "data">, logger: Logger): T | undefined {
  try {
    return type.decode(message.data);
  } catch (err) {
    logger.error({ subject: message.subject, bytes: message.data.length, err: String(err) }, "undecodable event skipped");
    return undefined;
  }
}
