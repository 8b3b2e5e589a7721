/**
 * Test fixture: `cairn.test.v1.EchoService` (echo.proto beside this file) as a hand-written
 * grpc-js definition in the shape ts-proto emits (`as const`, typed serializers) but with a JSON
 * codec, an implementation whose behaviour tests can steer, a recording logger and the
 * FileDescriptorSet of echo.proto (with health) for reflection.
 */
import { CairnError, ErrorStatus, delay, type Logger } from "@cairn/core";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { GenericServiceDefinition, MessageCodec } from "../definition.ts";
import { HEALTH_PROTO } from "../reflection.ts";
import type { CallContext, ServiceImplementation } from "../types.ts";

export interface EchoRequest {
  message: string;
  /** `Slow`: how long to take. */
  delayMs?: number;
  /** `Count`: how many responses. */
  count?: number;
  /** `Count`: fail after this many responses. */
  failAt?: number;
  /** Not JSON-encodable: makes request encoding fail. */
  unencodable?: bigint;
}

export interface EchoResponse {
  message: string;
  index?: number;
}

const encode = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), "utf8");
const decode = <T>(bytes: Buffer): T => JSON.parse(bytes.toString("utf8")) as T;

function unary(name: string) {
  return {
    path: `/cairn.test.v1.EchoService/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: EchoRequest): Buffer => encode(value),
    requestDeserialize: (value: Buffer): EchoRequest => decode<EchoRequest>(value),
    responseSerialize: (value: EchoResponse): Buffer => encode(value),
    responseDeserialize: (value: Buffer): EchoResponse => decode<EchoResponse>(value),
  } as const;
}

/** The grpc-js-shaped definition (what ts-proto's `EchoServiceService` would be). */
export const EchoServiceService = {
  echo: unary("Echo"),
  fail: unary("Fail"),
  boom: unary("Boom"),
  slow: unary("Slow"),
  missing: unary("Missing"),
  count: { ...unary("Count"), responseStream: true },
} as const;

/** ts-proto's `fromPartial` for the echo messages: known fields only, `message` defaulted. */
function echoFromPartial<T extends EchoRequest | EchoResponse>(object: Partial<EchoRequest & EchoResponse>): T {
  const copy: Record<string, unknown> = { message: object.message ?? "" };
  for (const key of ["delayMs", "count", "failAt", "index"] as const) if (object[key] !== undefined) copy[key] = object[key];
  return copy as T;
}

function jsonCodec<T extends EchoRequest | EchoResponse>(): MessageCodec<T> {
  return {
    encode: (message) => ({ finish: () => encode(message) }),
    decode: (input) => decode<T>(Buffer.from(input)),
    fromPartial: (object) => echoFromPartial<T>(object),
  };
}

function genericMethod<S extends boolean>(name: string, responseStream: S) {
  return { name, requestType: jsonCodec<EchoRequest>(), requestStream: false, responseType: jsonCodec<EchoResponse>(), responseStream } as const;
}

/** The same service in the shape of ts-proto's `outputServices=generic-definitions`, with `fromPartial`. */
export const EchoServiceDefinition = {
  name: "EchoService",
  fullName: "cairn.test.v1.EchoService",
  methods: {
    echo: genericMethod("Echo", false),
    fail: genericMethod("Fail", false),
    boom: genericMethod("Boom", false),
    slow: genericMethod("Slow", false),
    missing: genericMethod("Missing", false),
    count: genericMethod("Count", true),
  },
} as const satisfies GenericServiceDefinition;

/** What tests steer and observe. */
export interface EchoState {
  /** Thrown by `fail`. */
  failWith: unknown;
  /** Contexts seen by `slow`, in call order. */
  slowContexts: CallContext[];
  /** Calls of `slow` that ran to the end. */
  slowCompleted: number;
}

/** The implementation (`missing` deliberately absent) and its state. */
export function createEchoImplementation(): { implementation: ServiceImplementation<typeof EchoServiceService>; state: EchoState } {
  const state: EchoState = {
    failWith: new CairnError("test.failed", "failed", { status: ErrorStatus.FailedPrecondition }),
    slowContexts: [],
    slowCompleted: 0,
  };
  const implementation = {
    async echo(req: EchoRequest) {
      return { message: req.message };
    },
    async fail(): Promise<EchoResponse> {
      throw state.failWith;
    },
    async boom(): Promise<EchoResponse> {
      throw new Error("secret internals: db password is hunter2");
    },
    async slow(req: EchoRequest, ctx: CallContext) {
      state.slowContexts.push(ctx);
      await delay(req.delayMs ?? 0);
      state.slowCompleted++;
      return { message: `slept ${req.delayMs ?? 0}` };
    },
    async *count(req: EchoRequest) {
      for (let i = 0; i < (req.count ?? 0); i++) {
        if (req.failAt === i) throw new CairnError("test.count_failed", `failed at ${i}`, { status: ErrorStatus.Aborted, data: { at: i } });
        yield { message: req.message, index: i };
      }
    },
  } satisfies Omit<ServiceImplementation<typeof EchoServiceService>, "missing">;
  return { implementation: implementation as unknown as ServiceImplementation<typeof EchoServiceService>, state };
}

let echoSet: Uint8Array | undefined;

/**
 * The FileDescriptorSet reflection serves for the echo server: `buf build` (the repository's dev
 * dependency) of echo.proto beside the gRPC health proto, as scripts/generate.ts builds Cairn's.
 */
export function echoDescriptorSet(): Uint8Array {
  if (echoSet) return echoSet;
  const dir = mkdtempSync(join(tmpdir(), "cairn-rpc-echo-"));
  try {
    mkdirSync(join(dir, "src", dirname(HEALTH_PROTO.name)), { recursive: true });
    copyFileSync(join(import.meta.dir, "echo.proto"), join(dir, "src", "echo.proto"));
    copyFileSync(HEALTH_PROTO.path, join(dir, "src", HEALTH_PROTO.name));
    const buf = join(import.meta.dir, "../../../../node_modules/.bin/buf");
    const out = join(dir, "set.binpb");
    const run = Bun.spawnSync([buf, "build", join(dir, "src"), "-o", out], { stderr: "pipe" });
    if (run.exitCode !== 0) throw new Error(`buf build failed: ${run.stderr.toString()}`);
    echoSet = new Uint8Array(readFileSync(out));
    return echoSet;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
