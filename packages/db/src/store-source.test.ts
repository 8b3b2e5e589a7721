import { describe, expect, test } from "bun:test";
import type { DatabaseHandle } from "./handle.ts";
import { type StoreSource, storeFrom } from "./store-source.ts";

describe("storeFrom", () => {
  const handle = { schemaName: "svc" } as DatabaseHandle;

  test("a given store is used as is; the database factory is not called", () => {
    const store = { name: "given" };
    let built = 0;
    const got = storeFrom<{ name: string }>({ store }, () => (built++, { name: "built" }));
    expect(got).toBe(store);
    expect(built).toBe(0);
  });

  test("with a database, the store is built on it", () => {
    const got = storeFrom<{ name: string }>({ db: handle }, (db) => ({ name: `on ${db.schemaName}` }));
    expect(got).toEqual({ name: "on svc" });
  });

  test("neither: an error naming both", () => {
    expect(() => storeFrom<object>({} as StoreSource<object>, () => ({}))).toThrow(/`db` or `store`/);
  });
});
