/**
 * The explorer page, served by the gateway itself: `GET /` from a browser (an `Accept` naming
 * `text/html`) answers the page; its assets live under `/explorer/`. The page is a static build
 * (`gateway/explorer/dist`, committed) that reads the REST routes and the WebSocket of the same
 * gateway. JSON-RPC keeps `POST /`, and a `GET /` that does not ask for HTML is still JSON-RPC's.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the built page is. */
export const EXPLORER_DIST = fileURLToPath(new URL("../../explorer/dist/", import.meta.url));

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const FILES = ["index.html", "app.js", "style.css"];

/** The explorer's files, read once. */
export interface ExplorerAssets {
  /** `/explorer/<name>` → response, or undefined for an unknown name. */
  asset(name: string): Response | undefined;
  /** The page itself. */
  page(): Response;
}

/** True for a request a browser makes for a page. */
export function wantsHtml(request: Request): boolean {
  return request.method === "GET" && (request.headers.get("accept") ?? "").includes("text/html");
}

/** Reads the built files; `config` is served as `/explorer/config.json` (the KOIN contract id…). */
export function loadExplorer(config: Record<string, unknown>, dir = EXPLORER_DIST): ExplorerAssets {
  const files = new Map<string, { body: Uint8Array; type: string }>();
  for (const name of FILES) {
    const path = `${dir}${name}`;
    // A checkout without the build still answers, with a page that says how to make it.
    const body = existsSync(path) ? readFileSync(path) : Buffer.from(name === "index.html" ? "<!doctype html><p>The explorer is not built: run <code>bun gateway/explorer/build.ts</code>.</p>" : "");
    files.set(name, { body, type: TYPES[name.slice(name.lastIndexOf("."))]! });
  }
  files.set("config.json", { body: Buffer.from(JSON.stringify(config)), type: "application/json" });
  const respond = (f: { body: Uint8Array; type: string }) => new Response(f.body, { headers: { "content-type": f.type, "cache-control": "no-cache" } });
  return {
    asset: (name) => {
      const f = files.get(name);
      return f && name !== "index.html" ? respond(f) : undefined;
    },
    page: () => respond(files.get("index.html")!),
  };
}
