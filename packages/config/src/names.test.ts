import { describe, expect, test } from "bun:test";
import { toCamel, toEnvName, toKebab } from "./names.ts";

describe("key spellings", () => {
  test("kebab, snake and upper snake become camelCase; camelCase stays", () => {
    expect(toCamel("irreversible-threshold")).toBe("irreversibleThreshold");
    expect(toCamel("irreversible_threshold")).toBe("irreversibleThreshold");
    expect(toCamel("IRREVERSIBLE_THRESHOLD")).toBe("irreversibleThreshold");
    expect(toCamel("irreversibleThreshold")).toBe("irreversibleThreshold");
    expect(toCamel("grpc-port")).toBe("grpcPort");
    expect(toCamel("port")).toBe("port");
  });

  test("camelCase becomes kebab for flags and upper snake for env", () => {
    expect(toKebab("irreversibleThreshold")).toBe("irreversible-threshold");
    expect(toKebab("metricsPort")).toBe("metrics-port");
    expect(toEnvName("irreversibleThreshold")).toBe("IRREVERSIBLE_THRESHOLD");
    expect(toEnvName("block-store")).toBe("BLOCK_STORE");
    expect(toEnvName("http2Enabled")).toBe("HTTP2_ENABLED");
  });

  test("spellings round-trip", () => {
    for (const key of ["logLevel", "databaseUrl", "grpcHost", "batchLimit", "a"]) {
      expect(toCamel(toKebab(key))).toBe(key);
      expect(toCamel(toEnvName(key))).toBe(key);
    }
  });
});
