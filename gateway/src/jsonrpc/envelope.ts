/**
 * The JSON-RPC envelope, checked exactly as koinos-jsonrpc does (Go `encoding/json` into
 * `{jsonrpc string, method string, id RawMessage, params RawMessage}`, then `validateRequest`):
 *
 * 1. not an object → -32700 with Go's "cannot unmarshal" text; `null` decodes to an empty request;
 *    keys match case-insensitively and the last one wins; `jsonrpc`/`method` that are neither a
 *    string nor null → -32700;
 * 2. `id` missing → -32600 "missing ID"; a number must be integral (within int64) and other types
 *    are refused, each with id `null` in the answer;
 * 3. `jsonrpc` must be exactly "2.0" → else -32600 with the id echoed.
 */
import { InvalidRequestData, JsonRpcCode, JsonRpcMessage, type JsonRpcError } from "./errors.ts";
import { goSyntaxError } from "./go-syntax-error.ts";

/** A request that passed the envelope checks. */
export interface Call {
  readonly ok: true;
  readonly id: unknown;
  readonly method: string;
  /** `undefined` when the request had no `params` key. */
  readonly params: unknown;
}

/** A request refused by the envelope checks, with the id its answer carries. */
export interface Refused {
  readonly ok: false;
  readonly id: unknown;
  readonly error: JsonRpcError;
}

const TWO_63 = 2 ** 63;

function goKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "number":
      return "number";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    default:
      return "object";
  }
}

function parseError(data: string): Refused {
  return { ok: false, id: null, error: { code: JsonRpcCode.ParseError, message: JsonRpcMessage.Parse, data } };
}

function invalid(id: unknown, data: string): Refused {
  return { ok: false, id, error: { code: JsonRpcCode.InvalidRequest, message: JsonRpcMessage.Invalid, data } };
}

/** Checks one parsed request value. */
export function checkEnvelope(value: unknown): Call | Refused {
  if (value === null) return invalid(null, InvalidRequestData.MissingId);
  if (typeof value !== "object" || Array.isArray(value)) {
    return parseError(`json: cannot unmarshal ${goKind(value)} into Go value of type jsonrpc.RPCRequest`);
  }
  const obj = value as Record<string, unknown>;
  let jsonrpc = "";
  let method = "";
  let id: unknown;
  let hasId = false;
  let params: unknown;
  let typeError: string | undefined;
  for (const key in obj) {
    const field = key.length <= 7 ? key.toLowerCase() : "";
    if (field === "") continue;
    const v = obj[key];
    if (field === "id") {
      id = v;
      hasId = true;
    } else if (field === "params") {
      params = v;
    } else if (field === "jsonrpc" || field === "method") {
      if (typeof v === "string") {
        if (field === "jsonrpc") jsonrpc = v;
        else method = v;
      } else if (v !== null) {
        typeError ??= `json: cannot unmarshal ${goKind(v)} into Go struct field RPCRequest.${field} of type string`;
      }
    }
  }
  if (typeError !== undefined) return parseError(typeError);
  if (!hasId) return invalid(null, InvalidRequestData.MissingId);
  if (typeof id === "number") {
    if (!Number.isInteger(id) || id >= TWO_63 || id < -TWO_63) return invalid(null, InvalidRequestData.FractionalId);
  } else if (typeof id !== "string" && id !== null) {
    return invalid(null, InvalidRequestData.UnsupportedId);
  }
  if (jsonrpc !== "2.0") return invalid(id, InvalidRequestData.Version);
  return { ok: true, id, method, params };
}

/**
 * The `data` of -32700 for a body `JSON.parse` refused: Go's own text (go-syntax-error.ts), or
 * the parser's description should the two parsers ever disagree.
 */
export function syntaxErrorData(text: string, err: unknown): string {
  const go = goSyntaxError(new TextEncoder().encode(text));
  if (go !== undefined) return go;
  const message = err instanceof Error ? err.message : String(err);
  return `invalid JSON: ${message.replace(/^JSON Parse error:\s*/, "")}`;
}
