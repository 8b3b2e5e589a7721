/**
 * `GET /ws`: upgrades to a WebSocket through Hono's Bun helper and hands the connection to the
 * hub. `Bun.serve` must be given {@link websocket} (re-exported from `hono/bun`) next to
 * `fetch: app.fetch`; `main.ts` does so. Without a Bun server (e.g. `app.request` in tests) or
 * without an upgrade header the route answers 426. With `maxConnections` open already it answers
 * 503 `gateway.ws_full`; a connection that got through in a race with the last free slot is closed
 * at once with 1013 ("try again later").
 */
import type { Context, Next } from "hono";
import { upgradeWebSocket, websocket } from "hono/bun";
import type { GatewayEnv } from "../hono-env.ts";
import { bunServerOf } from "../middleware/client-ip.ts";
import { RestErrorCode, restError } from "../rest/errors.ts";
import type { WsHub } from "./hub.ts";
import type { Session, WsPeer } from "./session.ts";

/** The Bun.serve `websocket` handler the gateway needs (Hono's, unchanged). */
export { websocket };

/** The /ws handler. */
export function wsRoute(hub: WsHub, maxConnections = Number.POSITIVE_INFINITY) {
  const max = maxConnections;
  const full = () => hub.connections >= max;
  const upgrade = upgradeWebSocket(() => {
    let session: Session | undefined;
    return {
      onOpen(_event, ws) {
        if (full()) {
          ws.close(1013, `too many WebSocket connections (${max}), try again later`);
          return;
        }
        session = hub.open(ws.raw as WsPeer);
      },
      onMessage(event, _ws) {
        session?.receive(typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer));
      },
      onClose() {
        session?.closed();
      },
    };
  });
  return async (c: Context<GatewayEnv>, next: Next): Promise<Response | void> => {
    const server = bunServerOf(c) as { upgrade?: unknown } | undefined;
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket" || typeof server?.upgrade !== "function") {
      return restError(426, "gateway.upgrade_required", "connect with a WebSocket client", undefined, { Upgrade: "websocket" });
    }
    if (full()) return restError(503, RestErrorCode.WsFull, `too many WebSocket connections (${max}), try again later`, undefined, { "Retry-After": "5" });
    return upgrade(c, next);
  };
}
