/** Getting hold of an error to assert on its fields (code, data), not only on its message. */

type ErrorClass<T> = abstract new (...args: never[]) => T;

/** What `fn` throws; throws itself when `fn` returns, or when the error is not a `type`. */
export function caught<T = unknown>(fn: () => unknown, type?: ErrorClass<T>): T {
  try {
    fn();
  } catch (err) {
    return checked(err, type);
  }
  throw new Error(`expected ${type?.name ?? "an error"}, nothing was thrown`);
}

/** What `fn` rejects (or throws) with; rejects itself when `fn` resolves, or when the error is not a `type`. */
export async function rejection<T = unknown>(fn: () => Promise<unknown>, type?: ErrorClass<T>): Promise<T> {
  try {
    await fn();
  } catch (err) {
    return checked(err, type);
  }
  throw new Error(`expected ${type?.name ?? "a rejection"}, the call resolved`);
}

function checked<T>(err: unknown, type: ErrorClass<T> | undefined): T {
  if (type !== undefined && !(err instanceof type)) throw err;
  return err as T;
}
