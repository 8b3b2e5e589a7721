/** Start-up port checks: a port in use is reported at once, naming what listens and the flag. */
import { expect, test } from "bun:test";
import { assertPortsFree, isAddressInUse, portInUseError } from "./ports.ts";

test("a port another listener holds fails in milliseconds with the service and the flag; free and 0 ports pass", () => {
  const holder = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  try {
    const started = performance.now();
    expect(() => assertPortsFree([{ host: "127.0.0.1", port: holder.port, what: "cairn-chain gRPC", flag: "--grpc-port" }])).toThrow(
      `port ${holder.port} on 127.0.0.1 (cairn-chain gRPC) is already in use by another process: stop that process or choose another port with --grpc-port`,
    );
    expect(performance.now() - started).toBeLessThan(1_000);
  } finally {
    holder.stop(true);
  }
  // Released: the same port is free again; 0 is never checked.
  assertPortsFree([{ host: "127.0.0.1", port: holder.port, what: "x", flag: "--x" }, { host: "127.0.0.1", port: 0, what: "y", flag: "--y" }]);
});

test("EADDRINUSE is recognised by code or message", () => {
  expect(isAddressInUse({ code: "EADDRINUSE" })).toBe(true);
  expect(isAddressInUse(new Error("No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 127.0.0.1:1]"))).toBe(true);
  expect(isAddressInUse(new Error("EACCES"))).toBe(false);
  expect(portInUseError({ host: "h", port: 1, what: "w", flag: "--f" }).code).toBe("startup.port_in_use");
});
