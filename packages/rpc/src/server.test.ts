/** The server bootstrap on a real port: health, reflection, metrics, graceful stop, readiness. */
import { afterEach, describe, expect, test } from "bun:test";
import { recordingLogger } from "@cairn/test-utils";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { CairnError, createMetricsRegistry, ErrorStatus, isCairnError, silentLogger } from "@cairn/core";
import { credentials, loadPackageDefinition, setLogger, type Client, type ClientDuplexStream } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { descriptorSetBytes } from "@cairn/proto";
import { indexDescriptorSet, servicesOfDescriptorSet } from "./reflection.ts";
import { createGrpcClient } from "./client.ts";
import { RpcErrorCode } from "./error-mapping.ts";
import { routeGrpcLogs } from "./grpc-logging.ts";
import { checkHealth, waitForHealthy } from "./health-client.ts";
import { createGrpcServer, type GrpcServer, type GrpcServerOptions } from "./server.ts";
import { createEchoImplementation, echoDescriptorSet, EchoServiceService } from "./test-fixtures/echo-service.ts";

const ECHO = "cairn.test.v1.EchoService";
const GRPC_CANCELLED = 1 as ErrorStatus;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startEcho(options: GrpcServerOptions = {}, deps: Partial<Parameters<typeof createGrpcServer>[1]> = {}) {
  const { implementation, state } = createEchoImplementation();
  const server = createGrpcServer({ host: "127.0.0.1", ...options }, { logger: silentLogger(), ...deps });
  server.addService(EchoServiceService, implementation);
  const port = await server.start();
  cleanups.push(() => server.stop({ graceMs: 100 }));
  const address = `127.0.0.1:${port}`;
  const client = createGrpcClient(EchoServiceService, address);
  cleanups.push(() => client.close());
  return { server, state, address, client, port };
}

async function rejection(p: Promise<unknown>): Promise<CairnError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCairnError(err)) throw new Error(`expected a CairnError, got ${String(err)}`);
  return err;
}

/** A free port: bind an ephemeral one and release it. */
async function freePort(): Promise<number> {
  const s = createGrpcServer({ host: "127.0.0.1" }, { logger: silentLogger() });
  const port = await s.start();
  await s.stop({ graceMs: 0 });
  return port;
}

describe("health", () => {
  test("SERVING by default, NOT_SERVING when a service says so, SERVICE_UNKNOWN for others", async () => {
    const { server, address } = await startEcho();
    expect(await checkHealth(address)).toBe("SERVING");
    expect(await checkHealth(address, ECHO)).toBe("SERVING");
    server.setServing(ECHO, false);
    expect(await checkHealth(address, ECHO)).toBe("NOT_SERVING");
    server.setServing("", false);
    expect(await checkHealth(address)).toBe("NOT_SERVING");
    server.setServing("", true);
    server.setServing(ECHO, true);
    expect(await checkHealth(address, ECHO)).toBe("SERVING");
    expect(await checkHealth(address, "cairn.nope.v1.NopeService")).toBe("SERVICE_UNKNOWN");
  });

  test("a status set before start is kept", async () => {
    const { implementation } = createEchoImplementation();
    const server = createGrpcServer({ host: "127.0.0.1" }, { logger: silentLogger() });
    server.setServing(ECHO, false);
    server.addService(EchoServiceService, implementation);
    const port = await server.start();
    cleanups.push(() => server.stop({ graceMs: 0 }));
    expect(await checkHealth(`127.0.0.1:${port}`, ECHO)).toBe("NOT_SERVING");
  });

  test("checking a server that is not there rejects with rpc.unavailable", async () => {
    const err = await rejection(checkHealth(`127.0.0.1:${await freePort()}`));
    expect([err.code, err.status]).toEqual([RpcErrorCode.Unavailable, ErrorStatus.Unavailable]);
  });

  test("waitForHealthy resolves once the server reports SERVING", async () => {
    const { server, address } = await startEcho();
    server.setServing("", false);
    setTimeout(() => server.setServing("", true), 150);
    const started = Date.now();
    await waitForHealthy(address, { timeoutMs: 3000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

type ReflectionClient = Client & { ServerReflectionInfo(): ClientDuplexStream<object, ReflectionResponse> };
interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

function decodeFiles(r: ReflectionResponse): FileDescriptorProto[] {
  expect(r.error_response).toBeUndefined();
  return (r.file_descriptor_response?.file_descriptor_proto ?? []).map((b) => fromBinary(FileDescriptorProtoSchema, b));
}

function reflectionClient(version: "v1" | "v1alpha", address: string): ReflectionClient {
  const root = resolve(dirname(createRequire(import.meta.url).resolve("@grpc/reflection")), "../proto");
  const pkg = loadPackageDefinition(loadSync(`grpc/reflection/${version}/reflection.proto`, { keepCase: true, oneofs: true, includeDirs: [root] }));
  const ns = (pkg.grpc as unknown as Record<string, Record<string, Record<string, new (a: string, c: unknown) => ReflectionClient>>>).reflection;
  const Ctor = ns?.[version]?.ServerReflection;
  if (!Ctor) throw new Error("reflection proto not loaded");
  const client = new Ctor(address, credentials.createInsecure());
  cleanups.push(() => client.close());
  return client;
}

function ask(client: ReflectionClient, request: object): Promise<ReflectionResponse> {
  return new Promise((resolvePromise, reject) => {
    const call = client.ServerReflectionInfo();
    call.once("data", (r: ReflectionResponse) => {
      resolvePromise(r);
      call.end();
    });
    call.once("error", reject);
    call.write(request);
  });
}

describe("reflection", () => {
  for (const version of ["v1", "v1alpha"] as const) {
    test(`${version} lists the hosted services and describes their messages`, async () => {
      const { address } = await startEcho({ descriptorSet: echoDescriptorSet() });
      const client = reflectionClient(version, address);
      const listed = await ask(client, { list_services: "" });
      const names = listed.list_services_response?.service.map((s) => s.name).sort();
      expect(names).toEqual([ECHO, "grpc.health.v1.Health"]);
      const file = await ask(client, { file_containing_symbol: "cairn.test.v1.EchoRequest" });
      expect(file.error_response).toBeUndefined();
      const [echo] = decodeFiles(file);
      expect(echo?.name).toBe("echo.proto");
      // Fully qualified names, as compiled by buf (not proto-loader's relative ones).
      expect(echo?.service[0]?.method.find((m) => m.name === "Echo")?.inputType).toBe(".cairn.test.v1.EchoRequest");
      const method = await ask(client, { file_containing_symbol: `${ECHO}.Count` });
      expect(decodeFiles(method)[0]?.name).toBe("echo.proto");
      const health = decodeFiles(await ask(client, { file_by_filename: "grpc/health/v1/health.proto" }));
      expect(health.map((f) => f.name)).toEqual(["grpc/health/v1/health.proto"]);
      expect(health[0]?.service[0]?.name).toBe("Health");
      const missing = await ask(client, { file_containing_symbol: "cairn.test.v1.Nope" });
      expect(missing.error_response?.error_code).toBe(5);
    });
  }

  test("an answer carries the file and everything it imports, each once", () => {
    const index = indexDescriptorSet(descriptorSetBytes());
    const files = index.withDependencies(index.symbols.get("cairn.chain.v1.ChainService")!).map((b) => fromBinary(FileDescriptorProtoSchema, b));
    const names = files.map((f) => f.name);
    expect(names[0]).toBe("cairn/chain/v1/chain.proto");
    expect(new Set(names).size).toBe(names.length);
    for (const f of files) for (const dep of f.dependency) expect(names).toContain(dep);
    expect(names).toContain("cairn/protocol/v1/protocol.proto");
    expect(names).toContain("google/protobuf/descriptor.proto");
    expect(index.services).toContain("grpc.health.v1.Health");
    expect(index.extensions.get("google.protobuf.FieldOptions")?.size).toBeGreaterThan(0);
    expect(() => indexDescriptorSet(toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files.slice(0, 1) })))).toThrow("incomplete");
  });

  test("the services read off the wire at start are those the full index finds", () => {
    for (const set of [descriptorSetBytes(), echoDescriptorSet()]) expect([...servicesOfDescriptorSet(set)].sort()).toEqual([...new Set(indexDescriptorSet(set).services)].sort());
    expect(servicesOfDescriptorSet(echoDescriptorSet())).toContain(ECHO);
    expect(servicesOfDescriptorSet(descriptorSetBytes())).toContain("cairn.chain.v1.ChainService");
  });

  test("a set that cannot be indexed (an import it lacks) starts, and reflection answers INTERNAL naming the problem", async () => {
    const files = fromBinary(FileDescriptorSetSchema, echoDescriptorSet()).file;
    for (const f of files) if (f.name === "echo.proto") f.dependency.push("missing.proto");
    const broken = toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files }));
    const { address } = await startEcho({ descriptorSet: broken });
    const answer = await ask(reflectionClient("v1", address), { list_services: "" });
    expect(answer.error_response?.error_code).toBe(13);
    expect(answer.error_response?.error_message).toContain("echo.proto imports missing.proto");
  });

  test("a listed service missing from the descriptor set is refused at start", async () => {
    const only = toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: fromBinary(FileDescriptorSetSchema, echoDescriptorSet()).file.filter((f) => f.name === "echo.proto") }));
    const server = createGrpcServer({ host: "127.0.0.1", descriptorSet: only }, { logger: silentLogger() });
    server.addService(EchoServiceService, createEchoImplementation().implementation);
    await expect(server.start()).rejects.toThrow("grpc.health.v1.Health");
    await server.stop();
  });

  test("accepts the descriptor set as a file path", async () => {
    const path = `${process.env.TMPDIR ?? "/tmp"}/cairn-rpc-test-${process.pid}.binpb`;
    await Bun.write(path, echoDescriptorSet());
    cleanups.push(() => Bun.file(path).delete());
    const { address } = await startEcho({ descriptorSet: path });
    const listed = await ask(reflectionClient("v1", address), { list_services: "" });
    expect(listed.list_services_response?.service.map((s) => s.name)).toContain(ECHO);
  });

  test("without a descriptor set there is no reflection service", async () => {
    const { address } = await startEcho();
    await expect(ask(reflectionClient("v1", address), { list_services: "" })).rejects.toMatchObject({ code: 12 });
  });
});

describe("graceful stop", () => {
  test("waits for an in-flight call, then stops", async () => {
    const { server, client, state } = await startEcho();
    const inFlight = client.slow({ message: "x", delayMs: 300 });
    await Bun.sleep(50);
    const started = Date.now();
    await server.stop({ graceMs: 3000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(await inFlight).toEqual({ message: "slept 300" });
    expect(state.slowCompleted).toBe(1);
    expect(state.slowContexts[0]?.signal.aborted).toBe(false);
  });

  test("refuses new calls once stopping", async () => {
    const { server, client } = await startEcho();
    const inFlight = client.slow({ message: "x", delayMs: 200 });
    await Bun.sleep(30);
    const stopping = server.stop({ graceMs: 3000 });
    await Bun.sleep(30);
    const err = await rejection(client.echo({ message: "late" }));
    expect(err.status).toBe(ErrorStatus.Unavailable);
    await inFlight;
    await stopping;
  });

  test("cancels what is left after the grace period", async () => {
    const { server, client, state } = await startEcho();
    const inFlight = rejection(client.slow({ message: "x", delayMs: 2000 }));
    await Bun.sleep(50);
    const started = Date.now();
    await server.stop({ graceMs: 100 });
    expect(Date.now() - started).toBeLessThan(1000);
    const err = await inFlight;
    expect([ErrorStatus.Unavailable, GRPC_CANCELLED]).toContain(err.status);
    await Bun.sleep(10);
    expect(state.slowContexts[0]?.signal.aborted).toBe(true);
  });
});

describe("requests and metrics", () => {
  test("undecodable request bytes are answered with INVALID_ARGUMENT", async () => {
    const { address } = await startEcho();
    const garbled = { echo: { ...EchoServiceService.echo, requestSerialize: () => Buffer.from("{not json") } };
    const client = createGrpcClient(garbled, address);
    cleanups.push(() => client.close());
    const err = await rejection(client.echo({ message: "x" }));
    expect([err.code, err.status]).toEqual([RpcErrorCode.InvalidRequest, ErrorStatus.InvalidArgument]);
  });

  test("counts calls per method and status code and times them", async () => {
    const registry = createMetricsRegistry("test", false);
    const { client, state } = await startEcho({}, { metrics: registry });
    await client.echo({ message: "a" });
    await client.echo({ message: "b" });
    state.failWith = new CairnError("test.nope", "nope", { status: ErrorStatus.NotFound });
    await rejection(client.fail({ message: "c" }));
    await rejection(client.slow({ message: "d", delayMs: 200 }, { deadlineMs: 20 }));
    await Bun.sleep(220);
    const metrics = await registry.getMetricsAsJSON();
    const requests = metrics.find((m) => m.name === "cairn_grpc_server_requests_total");
    const count = (method: string, code: string) =>
      requests?.values.find((v) => v.labels.method === `${ECHO}/${method}` && v.labels.code === code)?.value;
    expect(count("Echo", "OK")).toBe(2);
    expect(count("Fail", "NOT_FOUND")).toBe(1);
    expect(count("Slow", "DEADLINE_EXCEEDED")).toBe(1);
    const duration = metrics.find((m) => m.name === "cairn_grpc_server_request_duration_seconds");
    const echoCount = duration?.values.find((v) => v.labels.method === `${ECHO}/Echo` && (v as { metricName?: string }).metricName?.endsWith("_count"));
    expect(echoCount?.value).toBe(2);
  });

  test("two servers can share one registry", async () => {
    const registry = createMetricsRegistry("test", false);
    await startEcho({}, { metrics: registry });
    await startEcho({}, { metrics: registry });
  });

  test("start rejects on a taken port or an unreadable descriptor set; grpc-js's own logs can be routed", async () => {
    const { port } = await startEcho();
    const grpcLogs = recordingLogger();
    routeGrpcLogs(grpcLogs);
    cleanups.push(() => setLogger(console));
    const taken = createGrpcServer({ host: "127.0.0.1", port }, { logger: silentLogger() });
    await expect(taken.start()).rejects.toThrow();
    expect(grpcLogs.lines.some((e) => e.level === "warn" && String((e.context as { text?: string }).text).includes("No address added"))).toBe(true);
    const badSet = createGrpcServer({ host: "127.0.0.1", descriptorSet: "/nonexistent/set.binpb" }, { logger: silentLogger() });
    await expect(badSet.start()).rejects.toThrow("ENOENT");
    await badSet.stop();
  });

  test("addService after start and the same service twice are refused", async () => {
    const { server } = await startEcho();
    const { implementation } = createEchoImplementation();
    expect(() => server.addService(EchoServiceService, implementation)).toThrow("after start");
    const fresh = createGrpcServer({}, { logger: silentLogger() });
    fresh.addService(EchoServiceService, implementation);
    expect(() => fresh.addService(EchoServiceService, implementation)).toThrow("twice");
  });
});

describe("client readiness", () => {
  test("waitForReady waits for a server that starts later, logging each wait", async () => {
    const port = await freePort();
    const logger = recordingLogger();
    const client = createGrpcClient(EchoServiceService, `127.0.0.1:${port}`, {}, { logger });
    cleanups.push(() => client.close());
    const { implementation } = createEchoImplementation();
    const server: GrpcServer = createGrpcServer({ host: "127.0.0.1", port }, { logger: silentLogger() });
    server.addService(EchoServiceService, implementation);
    cleanups.push(() => server.stop({ graceMs: 0 }));
    setTimeout(() => void server.start(), 400);
    await client.waitForReady(5000);
    expect(logger.lines.some((e) => e.level === "warn" && e.msg === "waiting for dependency")).toBe(true);
    expect(await client.echo({ message: "up" })).toEqual({ message: "up" });
  });

  test("waitForReady and waitForReadyMs give up with rpc.unavailable", async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const client = createGrpcClient(EchoServiceService, address, { waitForReadyMs: 150 });
    cleanups.push(() => client.close());
    const viaCall = await rejection(client.echo({ message: "x" }));
    expect([viaCall.code, viaCall.status]).toEqual([RpcErrorCode.Unavailable, ErrorStatus.Unavailable]);
    expect(viaCall.message).toContain("not ready within 150 ms");
    const viaWait = await rejection(client.waitForReady(200));
    expect(viaWait.code).toBe(RpcErrorCode.Unavailable);
  });
});

describe("start on a port in use", () => {
  test("fails at once with startup.port_in_use naming the port and --grpc-port, not grpc-js's text", async () => {
    const holder = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const server = createGrpcServer({ host: "127.0.0.1", port: holder.port }, { logger: silentLogger() });
      server.addService(EchoServiceService as never, createEchoImplementation() as never);
      const started = performance.now();
      const err = await rejection(server.start());
      expect(err.code).toBe("startup.port_in_use");
      expect(err.message).toBe(`port ${holder.port} on 127.0.0.1 (gRPC server) is already in use by another process: stop that process or choose another port with --grpc-port`);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      holder.stop(true);
    }
  });
});
