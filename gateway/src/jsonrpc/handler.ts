/**
 * JSON-RPC over a request body: parse, check the envelope (envelope.ts), resolve the method in the
 * table, check access, decode params, call with the timeout, encode the result — each step with
 * koinos-jsonrpc's error when it fails. Batches (a JSON array) run their calls concurrently and
 * answer an array in the same order. Transport concerns (body size, CORS, HTTP) live in route.ts.
 */
import type { Logger } from "@cairn/core";
import { type GatewayMetrics, type Outcome, UNKNOWN_METHOD } from "../metrics.ts";
import type { Caller } from "../table/caller.ts";
import { classifyFailure, failureOutcome, joinPieces, type Piece } from "../table/invoke.ts";
import type { RateVerdict } from "../middleware/rate-limit.ts";
import type { MethodTable } from "../table/method-table.ts";
import { checkEnvelope, syntaxErrorData } from "./envelope.ts";
import { accessError, batchTooLarge, failureError, InvalidRequestData, JsonRpcCode, JsonRpcMessage, rateLimited, translateError, type JsonRpcError } from "./errors.ts";

/** What the handler needs. */
export interface JsonRpcHandlerDeps {
  readonly table: MethodTable;
  readonly caller: Caller;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

/** Takes `cost` tokens from the calling client's bucket (see middleware/rate-limit.ts). */
export type TakeTokens = (cost: number) => RateVerdict;

/** The options the handler reads. */
export interface JsonRpcHandlerOptions {
  readonly maxBatchSize: number;
}

/** The answer to one HTTP request: the JSON text (or its UTF-8 bytes) and the methods called (for the access log). */
export interface JsonRpcAnswer {
  readonly body: string | Uint8Array;
  readonly methods: readonly string[];
}

/** `{"jsonrpc":"2.0","error":{…},"id":…}` as text. */
export function errorText(id: unknown, error: JsonRpcError): string {
  return `{"jsonrpc":"2.0","error":${JSON.stringify(error)},"id":${JSON.stringify(id ?? null)}}`;
}

function resultText(id: unknown, resultJson: string): string {
  return `{"jsonrpc":"2.0","result":${resultJson},"id":${JSON.stringify(id ?? null)}}`;
}

/** {@link resultText} as UTF-8 from the result's pieces: one copy, no text built. */
function resultBytes(id: unknown, parts: readonly Piece[]): Uint8Array {
  return joinPieces(parts, '{"jsonrpc":"2.0","result":', `,"id":${JSON.stringify(id ?? null)}}`);
}

/** Builds the body handler. */
export function createJsonRpcHandler(options: JsonRpcHandlerOptions, deps: JsonRpcHandlerDeps) {
  const { table, metrics, logger } = deps;

  const refuse = (id: unknown, error: JsonRpcError, method: string, outcome: Outcome, started: number): string => {
    metrics.observe(method, outcome, (performance.now() - started) / 1000);
    return errorText(id, error);
  };

  /** Answers one parsed request value (as bytes when `bytes` and the answer came in pieces). */
  async function one(value: unknown, methods: string[], bytes = false): Promise<string | Uint8Array> {
    const started = performance.now();
    const env = checkEnvelope(value);
    if (!env.ok) return refuse(env.id, env.error, UNKNOWN_METHOD, "rejected", started);
    const resolved = table.resolve(env.method);
    if (!resolved.ok) return refuse(env.id, translateError(resolved.reason), UNKNOWN_METHOD, "rejected", started);
    const m = resolved.method;
    methods.push(m.name);
    if (m.access !== "allowed") return refuse(env.id, accessError(m.access), m.name, "rejected", started);
    // Koinos decodes params only when present, and refuses anything but an object.
    const params = env.params;
    if (params !== undefined && (typeof params !== "object" || params === null || Array.isArray(params))) {
      return refuse(env.id, failureError({ kind: "bad_params", error: new Error("params is not an object") }), m.name, "rejected", started);
    }
    try {
      const answer = await deps.caller.answer(m, params);
      metrics.observe(m.name, "ok", (performance.now() - started) / 1000);
      return bytes && answer.parts !== undefined ? resultBytes(env.id, answer.parts) : resultText(env.id, answer.text);
    } catch (err) {
      const failure = classifyFailure(err);
      if (failure.kind === "internal") logger.error({ method: m.name, err: String(err) }, "call failed unexpectedly");
      return refuse(env.id, failureError(failure), m.name, failureOutcome(failure), started);
    }
  }

  /** Answers a whole body. */
  return async function handle(text: string, takeTokens?: TakeTokens): Promise<JsonRpcAnswer> {
    const methods: string[] = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { body: refuse(null, { code: JsonRpcCode.ParseError, message: JsonRpcMessage.Parse, data: syntaxErrorData(text, err) }, UNKNOWN_METHOD, "rejected", performance.now()), methods };
    }
    const batch = Array.isArray(value);
    const size = batch ? (value as unknown[]).length : 1;
    if (batch && size === 0) {
      return { body: refuse(null, { code: JsonRpcCode.InvalidRequest, message: JsonRpcMessage.Invalid, data: InvalidRequestData.EmptyBatch }, UNKNOWN_METHOD, "rejected", performance.now()), methods };
    }
    if (batch && size > options.maxBatchSize) {
      return { body: refuse(null, batchTooLarge(size, options.maxBatchSize), UNKNOWN_METHOD, "rejected", performance.now()), methods };
    }
    if (takeTokens !== undefined) {
      const verdict = takeTokens(size);
      if (!verdict.ok) return { body: refuse(null, rateLimited(verdict.retryAfterSeconds), UNKNOWN_METHOD, "rate_limited", performance.now()), methods };
    }
    if (!batch) return { body: await one(value, methods, true), methods };
    const answers = await Promise.all((value as unknown[]).map((v) => one(v, methods)));
    return { body: `[${answers.join(",")}]`, methods };
  };
}

/** The body handler's type. */
export type JsonRpcHandler = ReturnType<typeof createJsonRpcHandler>;
