/** Both ts-proto definition shapes normalize to the same paths and serve the same calls. */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "@cairn/core";
import { createGrpcClient } from "./client.ts";
import { prepareService } from "./definition.ts";
import { createInProcessClient } from "./in-process-client.ts";
import { createGrpcServer } from "./server.ts";
import type { ServiceImplementation } from "./types.ts";
import { EchoServiceDefinition, EchoServiceService, type EchoRequest, type EchoResponse } from "./test-fixtures/echo-service.ts";

describe("definitions", () => {
  test("both shapes give the same service name and paths", () => {
    const generic = prepareService(EchoServiceDefinition);
    const grpc = prepareService(EchoServiceService);
    expect(generic.serviceName).toBe("cairn.test.v1.EchoService");
    expect(grpc.serviceName).toBe("cairn.test.v1.EchoService");
    expect(generic.methods.map((m) => [m.key, m.path, m.responseStream])).toEqual([
      ["echo", "/cairn.test.v1.EchoService/Echo", false],
      ["fail", "/cairn.test.v1.EchoService/Fail", false],
      ["boom", "/cairn.test.v1.EchoService/Boom", false],
      ["slow", "/cairn.test.v1.EchoService/Slow", false],
      ["missing", "/cairn.test.v1.EchoService/Missing", false],
      ["count", "/cairn.test.v1.EchoService/Count", true],
    ]);
    expect(grpc.methods.find((m) => m.key === "echo")?.path).toBe("/cairn.test.v1.EchoService/Echo");
  });

  test("a definition that would clash with client controls or spans services is refused", () => {
    expect(() => createInProcessClient({ close: EchoServiceService.echo }, { close: async () => ({ message: "" }) })).toThrow("clashes");
    const mixed = { a: EchoServiceService.echo, b: { ...EchoServiceService.echo, path: "/other.Service/B" } };
    expect(() => prepareService(mixed)).toThrow("does not belong");
  });

  test("a generic definition is served and called like a grpc-js one", async () => {
    const server = createGrpcServer({ host: "127.0.0.1" }, { logger: silentLogger() });
    server.addService(EchoServiceDefinition, {
      echo: async (req: EchoRequest) => ({ message: `generic ${req.message}` }),
      async *count(req: EchoRequest) {
        yield { message: req.message, index: 0 };
      },
    } as unknown as ServiceImplementation<typeof EchoServiceDefinition>);
    const port = await server.start();
    const viaGeneric = createGrpcClient(EchoServiceDefinition, `127.0.0.1:${port}`);
    const viaGrpc = createGrpcClient(EchoServiceService, `127.0.0.1:${port}`);
    try {
      expect(await viaGeneric.echo({ message: "a" })).toEqual({ message: "generic a" });
      expect(await viaGrpc.echo({ message: "b" })).toEqual({ message: "generic b" });
      const streamed: EchoResponse[] = [];
      for await (const r of viaGeneric.count({ message: "s" })) streamed.push(r);
      expect(streamed).toEqual([{ message: "s", index: 0 }]);
    } finally {
      viaGeneric.close();
      viaGrpc.close();
      await server.stop({ graceMs: 100 });
    }
  });
});
