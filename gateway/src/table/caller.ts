/**
 * How the front ends (JSON-RPC, REST) call table methods: with the per-call timeout, sharing
 * identical concurrent calls of coalesced methods (single-flight), and answering from the
 * event-fed read cache when it is on, and block and history reads from cached JSON fragments of
 * their items (json-cache.ts) when that is on.
 */
import type { JsonObject } from "@cairn/protocol";
import { decodeParams, invokeMessage, invokeOnce, invokeRequest, requestKey, type JsonAnswer } from "./invoke.ts";
import type { TableMethod } from "./method-table.ts";
import type { JsonCache } from "./json-cache.ts";
import type { ReadCache } from "./read-cache.ts";

/** Calls table methods. */
export interface Caller {
  /** Koinos JSON params in (absent → empty request), the answer as JSON and text out. */
  answer(method: TableMethod, params: unknown): Promise<JsonAnswer>;
  /** {@link Caller.answer}, the JSON only. */
  json(method: TableMethod, params: unknown): Promise<JsonObject>;
  /** A request message in, the response message out (no sharing, no cache). */
  message<T>(method: TableMethod, request: object): Promise<T>;
}

/** Builds the caller. */
export function createCaller(options: { readonly timeoutMs: number }, deps: { readonly cache?: ReadCache | undefined; readonly json?: JsonCache | undefined } = {}): Caller {
  const { timeoutMs } = options;
  const cache = deps.cache;
  const json = deps.json;
  const inFlight = new Map<TableMethod, Map<string, Promise<JsonAnswer>>>();

  const shared = (method: TableMethod, request: object, key: string): Promise<JsonAnswer> => {
    let calls = inFlight.get(method);
    if (calls === undefined) inFlight.set(method, (calls = new Map()));
    let call = calls.get(key);
    if (call === undefined) {
      const done = calls;
      call = invokeRequest(method, request, timeoutMs).finally(() => done.delete(key));
      calls.set(key, call);
    }
    return call;
  };

  const answer = (method: TableMethod, params: unknown): Promise<JsonAnswer> => {
    if (json !== undefined && json.applies(method)) {
      let request: object;
      try {
        request = decodeParams(method, params);
      } catch (err) {
        return Promise.reject(err);
      }
      return json.answer(method, request, timeoutMs);
    }
    const cached = cache !== undefined && cache.applies(method);
    if (!method.coalesce && !cached) return invokeOnce(method, params, timeoutMs);
    // Keyed on the decoded request, never on the raw params (see requestKey).
    let request: object;
    try {
      request = decodeParams(method, params);
    } catch (err) {
      return Promise.reject(err);
    }
    const key = requestKey(method, request);
    if (!cached) return shared(method, request, key);
    const hit = cache.lookup(method, key);
    if (hit !== undefined) return Promise.resolve(hit);
    const generation = cache.generation();
    const call = method.coalesce ? shared(method, request, key) : invokeRequest(method, request, timeoutMs);
    return call.then((a) => {
      cache.store(method, key, generation, a);
      return a;
    });
  };

  return {
    answer,
    json: async (method, params) => (await answer(method, params)).json,
    message: (method, request) => invokeMessage(method, request, timeoutMs),
  };
}
