import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { commonOptions, databaseUrlSchema } from "./common-options.ts";

describe("common options", () => {
  test("per-service defaults", () => {
    const parsed = commonOptions({ service: "block-store", grpcPort: 50052, metricsPort: 9452 }).parse({});
    expect(parsed).toEqual({
      logLevel: "info",
      databaseUrl: "pglite://./data/block-store",
      grpcHost: "127.0.0.1",
      natsStream: "KOINOS",
      natsSubjectPrefix: "",
      grpcPort: 50052,
      metricsPort: 9452,
    });
    expect(parsed.natsUrl).toBeUndefined();
  });

  test("services extend the fragment", () => {
    const schema = commonOptions({ service: "chain", grpcPort: 50051, metricsPort: 9451 }).extend({ extra: z.number().default(1) });
    expect(schema.parse({ grpcPort: 0 })).toMatchObject({ grpcPort: 0, extra: 1 });
  });

  test("database URLs the db package understands", () => {
    for (const ok of ["postgres://u@h/db", "postgresql://h/db", "pglite://memory", "pglite://./data/chain"]) {
      expect(databaseUrlSchema.safeParse(ok).success).toBe(true);
    }
    for (const bad of ["mysql://h/db", "pglite://", "postgres://", "./data"]) {
      expect(databaseUrlSchema.safeParse(bad).success).toBe(false);
    }
  });
});
