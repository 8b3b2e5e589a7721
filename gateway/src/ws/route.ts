/**
 * `GET /ws`: upgrades to a WebSocket through Hono's Bun helper and hands the connection to the
 * hub. `Bun.serve` must be given {@link websocket} (re-exported from `hono/bun`) next to
 * `fetch: app.fetch`; `main.ts` does so. Without a Bun server (e.g. `app.request` in tests) or
 * without an upgrade header the route answers 426.
 */
import type { Context, Next } from "hono";
import { upgradeWebSocket, websocket } from "hono/bun";
import type { GatewayEnv } from "../hono-env.ts";
import { bunServerOf } from "../middleware/client-ip.ts";
import { restError } from "../rest/errors.ts";
import type { WsHub } from "./hub.ts";
import type { Session, WsPeer } from "./session.ts";

/** The Bun.serve `websocket` handler the gateway needs (Hono's, unchanged). */
export { websocket };

/** The /ws handler. */
export function wsRoute(hub: WsHub) {
  const upgrade = upgradeWebSocket(() => {
    let session: Session | undefined;
    return {
      onOpen(_event, ws) {
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
    return upgrade(c, next);
  };
}
