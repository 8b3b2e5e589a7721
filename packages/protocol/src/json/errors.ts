/**
 * Errors of the Koinos JSON codec. Bad client JSON becomes a `JsonCodecError` (InvalidArgument)
 * whose message names the field path; asking for a type or service the descriptors do not know is
 * a `NotFound` CairnError; a proto construct the codec cannot express is `Unimplemented`.
 */
import { CairnError, ErrorStatus } from "@cairn/core";

/** Error codes of the JSON codec. */
export const JsonCodecErrorCode = {
  /** The JSON does not decode into the requested message. */
  Invalid: "protocol.json_invalid",
  /** No message type / service of that name in the descriptors. */
  UnknownType: "protocol.json_unknown_type",
  /** The message uses a proto feature the codec does not support (map fields). */
  Unsupported: "protocol.json_unsupported",
} as const;

/**
 * Bad input to `fromKoinosJson`. `message` is `"<path>: <reason>"`, e.g.
 * `transaction.header.payer: invalid base58 "0OIl"`; `data` carries `type`, `path` and `reason`.
 */
export class JsonCodecError extends CairnError {
  /** Dotted field path with `[i]` list indices (`""` for the top-level value). */
  readonly path: string;
  /** What was wrong, without the path. */
  readonly reason: string;

  constructor(typeName: string, path: string, reason: string) {
    super(JsonCodecErrorCode.Invalid, `${path === "" ? "(root)" : path}: ${reason}`, {
      status: ErrorStatus.InvalidArgument,
      data: { type: typeName, path, reason },
    });
    this.path = path;
    this.reason = reason;
  }
}

/** No message type or service of this name. */
export function unknownTypeError(what: string, name: string): CairnError {
  return new CairnError(JsonCodecErrorCode.UnknownType, `unknown ${what} "${name}"`, {
    status: ErrorStatus.NotFound,
    data: { name },
  });
}

/**
 * Internal: thrown while walking a value; the path is built while the stack unwinds (so the hot
 * path builds no strings) and `fromKoinosJson` turns it into a `JsonCodecError`.
 */
export class FieldError extends Error {
  path = "";

  constructor(readonly reason: string) {
    super(reason);
  }

  /** Prepends a field name. */
  inField(name: string): this {
    this.path = this.path === "" || this.path.startsWith("[") ? name + this.path : `${name}.${this.path}`;
    return this;
  }

  /** Prepends a list index. */
  atIndex(index: number): this {
    this.path = this.path === "" || this.path.startsWith("[") ? `[${index}]${this.path}` : `[${index}].${this.path}`;
    return this;
  }
}

/** A short description of a JSON value for error messages (type, plus a truncated preview). */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "string":
      return `string ${preview(v)}`;
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof v} ${String(v)}`;
    case "object":
      return "object";
    default:
      return typeof v;
  }
}

/** A JSON-quoted string cut to 40 characters. */
export function preview(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}
