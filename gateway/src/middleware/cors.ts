/**
 * CORS exactly as koinos-jsonrpc v1.2.0 sends it, on every response, and `OPTIONS` → 204 on any
 * path. REST routes additionally allow GET. Answers carry these headers directly (`../responses.ts`
 * builds them; no middleware pass per request: the JSON-RPC path is the hot one).
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

/** The answer to a preflight on any path. */
export function preflightResponse(path: string): Response {
  return new Response(null, { status: 204, headers: isRestPath(path) ? REST_CORS : JSON_RPC_CORS });
}

/** True for paths served by REST or operational routes (not JSON-RPC). */
export function isRestPath(path: string): boolean {
  return path.startsWith("/v1/") || path === "/health" || path === "/metrics" || path === "/openapi.json" || path === "/ws";
}
