/** The journal's errors: each names the file and offset it is about. */
import { CairnError, ErrorStatus } from "@cairn/core";

export const JournalErrorCode = {
  /** A record before the last segment's tail fails its checksum or framing: data after it would be lost. */
  Corrupt: "journal.corrupt",
  /** The journal was closed (or failed) before the append was durable. */
  Closed: "journal.closed",
  /** A write or fsync failed; the journal stops taking appends. */
  WriteFailed: "journal.write_failed",
  /** A record larger than the journal takes. */
  TooLarge: "journal.record_too_large",
} as const;

export function corrupt(file: string, offset: number, why: string): CairnError {
  return new CairnError(JournalErrorCode.Corrupt, `journal segment ${file} is corrupt at byte ${offset} (${why}), and later segments hold records after it: refusing to drop them. Move the segment away to start from what comes before it.`, {
    status: ErrorStatus.Internal,
    data: { file, offset },
  });
}

export function closed(): CairnError {
  return new CairnError(JournalErrorCode.Closed, "the journal is closed", { status: ErrorStatus.Unavailable });
}

export function writeFailed(file: string, cause: unknown): CairnError {
  return new CairnError(JournalErrorCode.WriteFailed, `writing journal segment ${file} failed: ${(cause as Error)?.message ?? String(cause)}; the journal takes no more appends`, {
    status: ErrorStatus.Unavailable,
    cause,
    data: { file },
  });
}

export function tooLarge(size: number, max: number): CairnError {
  return new CairnError(JournalErrorCode.TooLarge, `journal record of ${size} bytes is larger than the ${max} bytes a record may hold`, { status: ErrorStatus.InvalidArgument, data: { size, max } });
}
