/**
 * Test contracts compiled from AssemblyScript with @koinos/sdk-as at test time, with the flags a
 * Koinos contract is built with (`--exportStart _start --disable sign-extension --disable
 * bulk-memory --use abort=`). Sources are in `test-contracts/`; outputs are cached per process and
 * on disk by source hash, so a suite compiles each contract once.
 */
import { mkdirSync, readFileSync, realpathSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { toHex } from "@cairn/core";
import { sha256 } from "@cairn/protocol";

export const CONTRACT_BUILD_FLAGS = ["--exportStart", "_start", "--disable", "sign-extension", "--disable", "bulk-memory", "--use", "abort="] as const;

const SOURCES = join(import.meta.dir, "../../test-contracts");
const memo = new Map<string, Promise<Uint8Array>>();

/** The folder holding @koinos/sdk-as and its AssemblyScript dependencies (as-proto, proto-as). */
function sdkModules(): string {
  const pkg = realpathSync(require.resolve("@koinos/sdk-as/package.json"));
  return dirname(dirname(dirname(pkg)));
}

/** Compiles `test-contracts/<name>.ts` (optimised, stub runtime) and returns the WASM bytes. */
export function compileTestContract(name: string): Promise<Uint8Array> {
  let p = memo.get(name);
  if (!p) {
    p = compile(name);
    memo.set(name, p);
  }
  return p;
}

async function compile(name: string): Promise<Uint8Array> {
  const file = join(SOURCES, `${name}.ts`);
  const source = readFileSync(file);
  const flags = [...CONTRACT_BUILD_FLAGS, "-O3", "--runtime", "stub", "--path", sdkModules()];
  const cacheDir = join(tmpdir(), "cairn-test-contracts");
  const cached = join(cacheDir, `${name}-${toHex(sha256(new Uint8Array([...source, ...new TextEncoder().encode(flags.join(" "))]))).slice(0, 16)}.wasm`);
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  const asc = (await import("assemblyscript/asc")).default;
  let out: Uint8Array | undefined;
  const { error, stderr } = await asc.main([file, "-o", `${name}.wasm`, ...flags], {
    writeFile(filename: string, contents: Uint8Array | string) {
      if (filename.endsWith(".wasm") && contents instanceof Uint8Array) out = contents;
    },
  });
  if (error || !out) throw new Error(`compiling ${name}: ${error?.message}\n${stderr.toString()}`);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, out);
  return out;
}
