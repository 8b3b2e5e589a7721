/**
 * Where a service unit gets its store: either a migrated database (`db`), on which the unit builds
 * its Drizzle store — the service binaries and `cairn dev --database-url` — or a store built by
 * the caller (`store`), e.g. the in-memory stores the one-process dev node runs on. Exactly one of
 * the two is given (architecture §7).
 */
import type { DatabaseHandle } from "./handle.ts";

/** The storage part of a unit's deps: `{ db }` or `{ store }`, never both. */
export type StoreSource<S> = { db: DatabaseHandle; store?: never } | { store: S; db?: never };

/** The store of `source`: the given one, or the one `onDatabase` builds on its database. */
export function storeFrom<S>(source: StoreSource<NoInfer<S>>, onDatabase: (db: DatabaseHandle) => NoInfer<S>): S {
  if (source.store !== undefined) return source.store;
  if (source.db !== undefined) return onDatabase(source.db);
  throw new Error("a service unit needs `db` or `store` in its deps");
}
