/**
 * Message bytes an encoder has just made and no one else holds (`eventMessage` marks them). The
 * in-process bus keeps such bytes as they are; bytes of unknown origin it copies, so a publisher
 * reusing its buffer cannot change a message already in the log.
 */
const fresh = new WeakSet<Uint8Array>();

/** Marks `bytes` as freshly encoded and unshared (the caller gives them up); returns them. */
export function markFresh(bytes: Uint8Array): Uint8Array {
  fresh.add(bytes);
  return bytes;
}

/** Whether `bytes` were marked by `markFresh`. */
export function isFresh(bytes: Uint8Array): boolean {
  return fresh.has(bytes);
}
