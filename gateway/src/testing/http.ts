/** Small helpers for driving the app with `app.request` in tests. */
import type { GatewayApp } from "../app.ts";

/** A JSON-RPC envelope for `method`. */
export function call(method: string, params?: unknown, id: unknown = 1): Record<string, unknown> {
  return params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params };
}

/** POSTs `body` (object → JSON text, sent as text/plain like koilib) and parses the answer. */
export async function post(app: GatewayApp, body: unknown, init: { path?: string; headers?: Record<string, string> } = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const res = await app.request(init.path ?? "/", { method: "POST", body: text, headers: { "Content-Type": "text/plain;charset=UTF-8", ...init.headers } });
  const raw = await res.text();
  return { res, raw, json: JSON.parse(raw) as any };
}

/** GETs `path` and parses the JSON answer. */
export async function get(app: GatewayApp, path: string, headers: Record<string, string> = {}) {
  const res = await app.request(path, { headers });
  const raw = await res.text();
  return { res, raw, json: (raw === "" ? undefined : JSON.parse(raw)) as any };
}
