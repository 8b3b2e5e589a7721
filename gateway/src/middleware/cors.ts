/**
 * CORS exactly as koinos-jsonrpc v1.2.0 sends it, on every response, and `OPTIONS` → 204 on any
 * path. REST routes additionally allow GET. Responses are built with these headers directly (no
 * middleware pass per request: the JSON-RPC path is the hot one).
 */

/** Koinos's CORS headers (JSON-RPC). */
export const JSON_RPC_CORS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type, Authorization",
};

/** The same for REST and operational routes, which are read with GET. */
export const REST_CORS: Readonly<Record<string, string>> = {
  ...JSON_RPC_CORS,
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
};

const JSON_RPC_JSON_HEADERS = { ...JSON_RPC_CORS, "Content-Type": "application/json" };
const REST_JSON_HEADERS = { ...REST_CORS, "Content-Type": "application/json" };

/** A JSON-RPC answer: always HTTP 200, `application/json`, CORS. */
export function jsonRpcResponse(body: string): Response {
  return new Response(body, { status: 200, headers: JSON_RPC_JSON_HEADERS });
}

/** A REST / operational JSON answer with CORS. */
export function restJsonResponse(body: string, status = 200, extra?: Record<string, string>): Response {
  return new Response(body, { status, headers: extra === undefined ? REST_JSON_HEADERS : { ...REST_JSON_HEADERS, ...extra } });
}

/** The answer to a preflight on any path. */
export function preflightResponse(path: string): Response {
  return new Response(null, { status: 204, headers: isRestPath(path) ? REST_CORS : JSON_RPC_CORS });
}

/** True for paths served by REST or operational routes (not JSON-RPC). */
export function isRestPath(path: string): boolean {
  return path.startsWith("/v1/") || path === "/health" || path === "/metrics" || path === "/openapi.json" || path === "/ws";
}
