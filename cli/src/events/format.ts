/**
 * One bus message as one JSON line: `{"subject","sequence","payload"}` with the payload in Koinos
 * JSON (protocol §1.4: 64-bit integers as strings, bytes per their btype), or
 * `{"subject","sequence","payload_base64"}` when the subject has no known payload type, when the
 * bytes do not decode as that type, or when raw output was asked for.
 */
import { payloadTypeOf } from "@cairn/bus";
import { toKoinosJson, type JsonObject } from "@cairn/protocol";

/** What formatting needs of a message (a `BusMessage` has it). */
export interface EventLike {
  readonly subject: string;
  readonly sequence: number;
  readonly data: Uint8Array;
}

/** The object printed for one message. */
export interface EventLine {
  subject: string;
  sequence: number;
  /** Koinos JSON of the decoded payload (absent when `payload_base64` is set). */
  payload?: JsonObject;
  /** The payload bytes, standard base64, when not decoded. */
  payload_base64?: string;
  /** Why a payload of a known type was not decoded. */
  error?: string;
}

/** Decodes `message` by its subject into an {@link EventLine}; `raw` keeps the bytes as base64. */
export function eventLine(message: EventLike, raw = false): EventLine {
  const base = { subject: message.subject, sequence: message.sequence };
  const type = raw ? undefined : payloadTypeOf(message.subject);
  if (type === undefined) return { ...base, payload_base64: Buffer.from(message.data).toString("base64") };
  try {
    return { ...base, payload: toKoinosJson(type.name, type.fns.decode(message.data)) };
  } catch (err) {
    return { ...base, payload_base64: Buffer.from(message.data).toString("base64"), error: `not a ${type.name}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** {@link eventLine} as one line of JSON (no trailing newline). */
export function formatEvent(message: EventLike, raw = false): string {
  return JSON.stringify(eventLine(message, raw));
}
