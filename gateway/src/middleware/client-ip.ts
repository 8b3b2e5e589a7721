/**
 * The client's address for rate limiting: the first entry of a trusted proxy header when one is
 * configured, else the socket's peer address from Bun's server (the `env` Hono gets from
 * `Bun.serve`), else `unknown` (e.g. `app.request` in tests).
 */
import type { Context } from "hono";

interface RequestIpServer {
  requestIP(request: Request): { address: string } | null;
}

/** Bun's server from Hono's env (`Bun.serve({ fetch: app.fetch })` passes it as `env`). */
export function bunServerOf(c: Context): unknown {
  return serverOfEnv(c.env);
}

/** Bun's server from a fetch handler's second argument (the server itself, or `{ server }`). */
export function serverOfEnv(env: unknown): unknown {
  if (typeof env !== "object" || env === null) return undefined;
  return "server" in env ? (env as { server: unknown }).server : env;
}

/** The client address of `request` served by `server` (Bun's, or undefined). */
export function clientIpOf(request: Request, server: unknown, header: string | undefined): string {
  if (header !== undefined) {
    const value = request.headers.get(header);
    if (value !== null) {
      const first = value.split(",")[0]!.trim();
      if (first !== "") return first;
    }
  }
  const s = server as Partial<RequestIpServer> | undefined;
  if (s !== undefined && typeof s.requestIP === "function") return s.requestIP(request)?.address ?? "unknown";
  return "unknown";
}

/** The client address of `c`'s request. */
export function clientIp(c: Context, header: string | undefined): string {
  return clientIpOf(c.req.raw, bunServerOf(c), header);
}
