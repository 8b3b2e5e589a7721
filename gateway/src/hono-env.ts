/** The Hono environment of the gateway app: per-request variables shared between handlers and middleware. */

/** Hono `Env` of the gateway. `Bindings` is Bun's server when served by `Bun.serve` (absent in `app.request`). */
export type GatewayEnv = {
  Variables: {
    /** Set by the JSON-RPC route, which writes its own access-log line. */
    jsonRpc: boolean | undefined;
  };
};
