/**
 * Reading a request body under a size cap, without ever dropping the connection: a
 * Content-Length over the cap is refused before anything is read; a body without one (chunked) is
 * read chunk by chunk and refused as soon as it passes the cap. The caller answers the refusal
 * with its own JSON error.
 */

/** A body read, or why not. */
export type BodyRead = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: "too_large" | "unreadable" };

const TOO_LARGE = { ok: false, reason: "too_large" } as const;
const UNREADABLE = { ok: false, reason: "unreadable" } as const;

/** Reads `request`'s body as UTF-8 text, at most `maxBytes` bytes. */
export async function readBody(request: Request, maxBytes: number): Promise<BodyRead> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    const n = Number(declared);
    if (!Number.isFinite(n) || n < 0) return UNREADABLE;
    if (n > maxBytes) return TOO_LARGE;
    try {
      // HTTP framing holds the body to its Content-Length, so reading it whole is bounded.
      return { ok: true, text: await request.text() };
    } catch {
      return UNREADABLE;
    }
  }
  const body = request.body;
  if (body === null) return { ok: true, text: "" };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        void reader.cancel().catch(() => {});
        return TOO_LARGE;
      }
      chunks.push(value);
    }
  } catch {
    return UNREADABLE;
  }
  if (chunks.length === 1) return { ok: true, text: new TextDecoder().decode(chunks[0]) };
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return { ok: true, text: new TextDecoder().decode(all) };
}
