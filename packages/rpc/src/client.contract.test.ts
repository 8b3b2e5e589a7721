/**
 * One suite, three twins: every behaviour a caller relies on is checked through the real gRPC
 * client against a real server on an ephemeral port, through the in-process client that
 * round-trips every message through its serializers, and through the direct in-process client
 * (messages copied, never encoded).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { recordingLogger, waitUntil } from "@cairn/test-utils";
import { CairnError, ErrorStatus, isCairnError } from "@cairn/core";
import { forwardCallOptions } from "./call-options.ts";
import { createGrpcClient } from "./client.ts";
import { koinosErrorData, RpcErrorCode } from "./error-mapping.ts";
import { createInProcessClient } from "./in-process-client.ts";
import { createGrpcServer, type GrpcServer } from "./server.ts";
import { createEchoImplementation, EchoServiceDefinition, EchoServiceService, type EchoState } from "./test-fixtures/echo-service.ts";
import type { ServiceClient } from "./types.ts";

type EchoClient = ServiceClient<typeof EchoServiceService>;

interface Twin {
  client: EchoClient;
  /** Requests are encoded (so an unencodable one fails); the direct client copies them instead. */
  encodes: boolean;
  state: EchoState;
  logger: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

const twins: Record<string, () => Promise<Twin>> = {
  network: async () => {
    const logger = recordingLogger();
    const { implementation, state } = createEchoImplementation();
    const server: GrpcServer = createGrpcServer({ host: "127.0.0.1", port: 0 }, { logger });
    server.addService(EchoServiceService, implementation);
    const port = await server.start();
    const client = createGrpcClient(EchoServiceService, `127.0.0.1:${port}`);
    return { client, encodes: true, state, logger, close: async () => (client.close(), server.stop({ graceMs: 100 })) };
  },
  "in-process": async () => {
    const logger = recordingLogger();
    const { implementation, state } = createEchoImplementation();
    const client = createInProcessClient(EchoServiceService, implementation, {}, { logger });
    return { client, encodes: true, state, logger, close: async () => client.close() };
  },
  direct: async () => {
    const logger = recordingLogger();
    const { implementation, state } = createEchoImplementation();
    // The generic definition: its messages carry `fromPartial`, what the direct client copies with.
    const client = createInProcessClient(EchoServiceDefinition, implementation as never, { direct: true }, { logger }) as unknown as EchoClient;
    return { client, encodes: false, state, logger, close: async () => client.close() };
  },
};

async function rejection(p: Promise<unknown>): Promise<CairnError> {
  try {
    await p;
  } catch (err) {
    if (isCairnError(err)) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

const until = (check: () => boolean) => waitUntil(check, 1000);

for (const [kind, make] of Object.entries(twins)) {
  describe(`${kind} client`, () => {
    let t: Twin;
    beforeAll(async () => {
      t = await make();
    });
    afterAll(async () => {
      await t.close();
    });

    test("unary call returns the decoded response", async () => {
      expect(await t.client.echo({ message: "héllo ☃" })).toEqual({ message: "héllo ☃" });
    });

    test("a chain CairnError arrives with status, code, message, chainCode and data unchanged", async () => {
      const logs = ["transaction reverted: cannot transfer to self", "é ☃ \"quoted\""];
      t.state.failWith = new CairnError("chain.reversion", "cannot transfer to self ☃ 100% #?", {
        status: ErrorStatus.FailedPrecondition,
        chainCode: 1,
        data: { logs, transaction_id: "0x1220ab" },
      });
      const err = await rejection(t.client.fail({ message: "x" }));
      expect(err).toBeInstanceOf(CairnError);
      expect(err.code).toBe("chain.reversion");
      expect(err.status).toBe(ErrorStatus.FailedPrecondition);
      expect(err.message).toBe("cannot transfer to self ☃ 100% #?");
      expect(err.chainCode).toBe(1);
      expect(err.data).toEqual({ logs, transaction_id: "0x1220ab" });
      expect(koinosErrorData(err)).toBe(JSON.stringify({ code: 1, logs, transaction_id: "0x1220ab" }));
    });

    test("a non-chain CairnError has no chainCode and no Koinos data", async () => {
      t.state.failWith = new CairnError("block_store.not_found", "Block not present - ID: 0x12", { status: ErrorStatus.NotFound });
      const err = await rejection(t.client.fail({ message: "x" }));
      expect([err.code, err.status, err.message]).toEqual(["block_store.not_found", ErrorStatus.NotFound, "Block not present - ID: 0x12"]);
      expect(err.chainCode).toBeUndefined();
      expect(err.data).toEqual({});
      expect(koinosErrorData(err)).toBeUndefined();
    });

    test("error data too large for trailers arrives truncated, not lost", async () => {
      t.state.failWith = new CairnError("chain.reversion", "reverted", { chainCode: 1, data: { logs: ["x".repeat(100_000)] } });
      const err = await rejection(t.client.fail({ message: "x" }));
      expect([err.code, err.message, err.chainCode]).toEqual(["chain.reversion", "reverted", 1]);
      expect(err.data).toMatchObject({ truncated: true });
    });

    test("an unknown exception becomes a generic INTERNAL and is logged, not leaked", async () => {
      const err = await rejection(t.client.boom({ message: "x" }));
      expect([err.code, err.status, err.message]).toEqual([RpcErrorCode.Internal, ErrorStatus.Internal, "internal error"]);
      expect(JSON.stringify({ m: err.message, d: err.data })).not.toContain("hunter2");
      const logged = t.logger.lines.find((e) => e.level === "error");
      expect(logged?.context).toMatchObject({ method: "cairn.test.v1.EchoService/Boom" });
      expect(String((logged?.context as { err?: unknown }).err)).toContain("hunter2");
    });

    test("a deadline that passes rejects promptly with rpc.deadline_exceeded and aborts the handler", async () => {
      const started = Date.now();
      const err = await rejection(t.client.slow({ message: "x", delayMs: 400 }, { deadlineMs: 50 }));
      expect(Date.now() - started).toBeLessThan(300);
      expect([err.code, err.status]).toEqual([RpcErrorCode.DeadlineExceeded, ErrorStatus.DeadlineExceeded]);
      expect(err.message).toContain("deadline of 50 ms exceeded calling cairn.test.v1.EchoService/Slow");
      await until(() => t.state.slowContexts.at(-1)?.signal.aborted === true);
    });

    test("the handler sees the caller's deadline", async () => {
      const before = Date.now();
      await t.client.slow({ message: "x", delayMs: 0 }, { deadlineMs: 2000 });
      const deadline = t.state.slowContexts.at(-1)?.deadline?.getTime() ?? 0;
      expect(deadline).toBeGreaterThan(before + 1500);
      expect(deadline).toBeLessThan(before + 2500);
    });

    test("forwardCallOptions hands the caller's deadline and signal to a downstream call", async () => {
      await t.client.slow({ message: "x", delayMs: 0 }, { deadlineMs: 1000 });
      const ctx = t.state.slowContexts.at(-1)!;
      const forwarded = forwardCallOptions(ctx);
      expect(forwarded.signal).toBe(ctx.signal);
      expect(forwarded.deadlineMs).toBeGreaterThan(800);
      expect(forwarded.deadlineMs).toBeLessThanOrEqual(1000);
    });

    test("aborting the signal rejects with its reason", async () => {
      const controller = new AbortController();
      const reason = new Error("caller gave up");
      setTimeout(() => controller.abort(reason), 20);
      await expect(t.client.slow({ message: "x", delayMs: 300 }, { signal: controller.signal })).rejects.toBe(reason);
    });

    test("a request that cannot be encoded fails as rpc.internal; a direct call copies the known fields only", async () => {
      if (t.encodes) {
        const err = await rejection(t.client.echo({ message: "x", unencodable: 1n }));
        expect([err.code, err.status]).toEqual([RpcErrorCode.Internal, ErrorStatus.Internal]);
        expect(err.message).toContain("serialization");
      } else {
        expect(await t.client.echo({ message: "x", unencodable: 1n })).toEqual({ message: "x" });
      }
    });

    test("a method without implementation fails as rpc.unimplemented", async () => {
      const err = await rejection(t.client.missing({ message: "x" }));
      expect([err.code, err.status]).toEqual([RpcErrorCode.Unimplemented, ErrorStatus.Unimplemented]);
    });

    test("server streaming yields every response", async () => {
      const got: unknown[] = [];
      for await (const r of t.client.count({ message: "s", count: 3 })) got.push(r);
      expect(got).toEqual([0, 1, 2].map((index) => ({ message: "s", index })));
    });

    test("a stream that fails midway yields what came before, then the CairnError", async () => {
      const got: unknown[] = [];
      let err: unknown;
      try {
        for await (const r of t.client.count({ message: "s", count: 5, failAt: 2 })) got.push(r);
      } catch (e) {
        err = e;
      }
      expect(got).toHaveLength(2);
      expect(err).toBeInstanceOf(CairnError);
      expect(err).toMatchObject({ code: "test.count_failed", status: ErrorStatus.Aborted, data: { at: 2 } });
    });

    test("leaving a stream early does not hang", async () => {
      for await (const r of t.client.count({ message: "s", count: 1000 })) {
        expect(r.index).toBe(0);
        break;
      }
      expect(await t.client.echo({ message: "still fine" })).toEqual({ message: "still fine" });
    });
  });
}
