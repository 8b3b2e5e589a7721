#!/usr/bin/env bun
/**
 * Builds the explorer into `dist/` (committed: the gateway serves it as static files, so a fresh
 * clone, the Docker image and `bun run dev` need no build step). Bun's bundler, Preact with its
 * JSX runtime, minified; the output is deterministic for a given Bun and Preact version.
 *
 *   bun gateway/explorer/build.ts            rebuild dist/
 *   bun gateway/explorer/build.ts --check    fail when dist/ differs from a fresh build
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const here = import.meta.dir;
const DIST = join(here, "dist");

/** Builds into `outdir`; returns the file names written. */
export async function buildExplorer(outdir: string): Promise<string[]> {
  mkdirSync(outdir, { recursive: true });
  const result = await Bun.build({
    entrypoints: [join(here, "src", "main.tsx")],
    outdir,
    naming: "app.js",
    target: "browser",
    format: "esm",
    minify: true,
    jsx: { runtime: "automatic", importSource: "preact" },
  });
  if (!result.success) throw new AggregateError(result.logs, "explorer build failed");
  copyFileSync(join(here, "src", "index.html"), join(outdir, "index.html"));
  copyFileSync(join(here, "src", "style.css"), join(outdir, "style.css"));
  return readdirSync(outdir).sort();
}

if (import.meta.main) {
  if (process.argv.includes("--check")) {
    const tmp = mkdtempSync(join(tmpdir(), "cairn-explorer-"));
    try {
      const files = await buildExplorer(tmp);
      const stale = files.filter((f) => {
        try {
          return !readFileSync(join(tmp, f)).equals(readFileSync(join(DIST, f)));
        } catch {
          return true;
        }
      });
      if (stale.length > 0) {
        console.error(`explorer: dist/ is stale (${stale.join(", ")}): run bun gateway/explorer/build.ts`);
        process.exit(1);
      }
      console.log("explorer: dist/ is current");
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } else {
    rmSync(DIST, { recursive: true, force: true });
    const files = await buildExplorer(DIST);
    for (const f of files) console.log(`explorer: wrote dist/${f} (${readFileSync(join(DIST, f)).length} bytes)`);
  }
}
