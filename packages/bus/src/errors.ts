/** Bus error codes: every deliberate failure of `@cairn/bus` is a `CairnError` with one of these. */
import { CairnError, ErrorStatus } from "@cairn/core";

/** Codes raised by the bus (`bus.<what>`). */
export enum BusErrorCode {
  /** A subject or pattern is malformed, or a subject lies outside the captured subjects. */
  InvalidSubject = "bus.invalid_subject",
  /** A durable consumer name is malformed. */
  InvalidDurable = "bus.invalid_durable",
  /** Subscribe options out of range (`deliverFrom.sequence` < 1, `maxAckPending` < 1, `maxDeliver` < 1). */
  InvalidOptions = "bus.invalid_options",
  /** `publish`/`subscribe` before `start()` resolved. */
  NotStarted = "bus.not_started",
  /** `publish`/`subscribe` after `close()`. */
  Closed = "bus.closed",
  /** The broker did not accept a message (no stream, timeout, connection lost). */
  PublishFailed = "bus.publish_failed",
  /** `deleteDurable` while a subscription of this bus still uses the consumer. */
  DurableInUse = "bus.durable_in_use",
  /** A durable consumer exists with another subject pattern (its position would be ambiguous). */
  DurableConflict = "bus.durable_conflict",
  /** The broker is unreachable or refused a stream/consumer operation. */
  Unavailable = "bus.unavailable",
}

export function invalidSubject(subject: string, reason: string): CairnError {
  return new CairnError(BusErrorCode.InvalidSubject, `invalid subject "${subject}": ${reason}`, {
    status: ErrorStatus.InvalidArgument,
    data: { subject, reason },
  });
}

export function notStarted(): CairnError {
  return new CairnError(BusErrorCode.NotStarted, "event bus not started", { status: ErrorStatus.FailedPrecondition });
}

export function closed(): CairnError {
  return new CairnError(BusErrorCode.Closed, "event bus closed", { status: ErrorStatus.FailedPrecondition });
}

export function invalidDurable(name: string): CairnError {
  return new CairnError(BusErrorCode.InvalidDurable, `invalid durable name "${name}": 1-64 of [A-Za-z0-9_-]`, {
    status: ErrorStatus.InvalidArgument,
    data: { durable: name },
  });
}

export function durableInUse(durable: string): CairnError {
  return new CairnError(BusErrorCode.DurableInUse, "durable consumer in use", { status: ErrorStatus.FailedPrecondition, data: { durable } });
}

export function durableConflict(durable: string, existing: string, requested: string): CairnError {
  return new CairnError(
    BusErrorCode.DurableConflict,
    `durable consumer "${durable}" exists for "${existing}", not "${requested}": use another durable name or deleteDurable first`,
    { status: ErrorStatus.FailedPrecondition, data: { durable, existing, requested } },
  );
}
