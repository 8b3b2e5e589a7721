/**
 * One PGlite instance shared by every handle opened on the same data directory (or on
 * `pglite://memory`) in this process.
 *
 * Why: an instance costs ~175–200 MB of resident memory (its 128 MB WASM heap plus buffers) and
 * 1.5–3 s of `initdb`, and two instances on one directory would corrupt it (each is a whole
 * Postgres writing the same files). So the one-process node points every service at one
 * directory (or at memory), each in its own schema, and pays for one instance.
 *
 * PGlite has a single connection, so `search_path` is per instance, not per handle. Each handle
 * therefore talks through a small client that queues its calls on the instance (PGlite serialises
 * them anyway) and switches `search_path` to its schema first when the previous call came from
 * another schema. A transaction holds the queue for its whole duration, as PGlite's own
 * transactions do; inside it, use the `tx` object, never the outer `db`.
 */
import { PGlite, type Results, type Transaction, type QueryOptions } from "@electric-sql/pglite";

/** The part of the PGlite API that drizzle's PGlite session calls. */
export interface PgliteClientLike {
  query<T>(query: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** A PGlite instance plus the queue that keeps each handle's `search_path` right. */
export class SharedPglite {
  private tail: Promise<unknown> = Promise.resolve();
  private currentSchema: string | undefined;
  /** Open handles using this instance. */
  refs = 0;

  constructor(readonly pg: PGlite) {}

  /** Runs `fn` alone on the instance with `search_path` set to `schema`. */
  run<T>(schema: string, fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      if (this.currentSchema !== schema) {
        await this.pg.exec(`set search_path to "${schema}"`);
        this.currentSchema = schema;
      }
      return fn();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Closes the instance once the calls queued before have finished. */
  close(): Promise<void> {
    const done = this.tail.then(() => this.pg.close());
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** A client for drizzle whose every call runs in `schema`. */
  clientFor(schema: string): PgliteClientLike {
    return {
      query: (query, params, options) => this.run(schema, () => this.pg.query(query, params, options)),
      transaction: (callback) => this.run(schema, () => this.pg.transaction(callback)),
    };
  }
}

/** Instances by key: the resolved data directory, or a fixed key for memory. */
const instances = new Map<string, Promise<SharedPglite>>();
/** Closes in progress, so a reopen waits until the directory is free again. */
const closing = new Map<string, Promise<void>>();

/** The shared instance for `key`, created with `create` if there is none; counts a reference. */
export async function acquireShared(key: string, create: () => Promise<PGlite>): Promise<SharedPglite> {
  await closing.get(key);
  let entry = instances.get(key);
  if (!entry) {
    entry = create().then((pg) => new SharedPglite(pg));
    instances.set(key, entry);
    entry.catch(() => instances.delete(key));
  }
  const shared = await entry;
  shared.refs++;
  return shared;
}

/** Drops a reference; the last one closes the instance. */
export async function releaseShared(key: string, shared: SharedPglite): Promise<void> {
  shared.refs--;
  if (shared.refs > 0) return;
  instances.delete(key);
  const done = shared.close();
  closing.set(key, done.catch(() => undefined));
  await done.finally(() => closing.delete(key));
}
