import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JournalErrorCode } from "./errors.ts";
import { HEADER_BYTES, segmentName } from "./format.ts";
import { openJournal } from "./journal.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-journal-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const segmentsOf = (dir: string) => readdirSync(dir).filter((n) => n.endsWith(".jnl")).sort();

describe("journal", () => {
  test("appends resolve with increasing sequences and read back in order after reopening", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    expect(j.lastSeq).toBe(0);
    const seqs = await Promise.all(["a", "b", "c"].map((s) => j.append(bytes(s))));
    expect(seqs).toEqual([1, 2, 3]);
    expect(j.durableSeq).toBe(3);
    await j.close();
    const again = await openJournal(dir);
    expect(again.lastSeq).toBe(3);
    expect(again.recovery).toMatchObject({ segments: 1, records: 3, truncatedBytes: 0 });
    expect([...again.read()].map((r) => [r.seq, text(r.data)])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
    expect([...again.read(3)].map((r) => r.seq)).toEqual([3]);
    expect(await again.append(bytes("d"))).toBe(4);
    await again.close();
  });

  test("appends made while a write is in flight share one fsync (group commit)", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    // The first append starts a write; the next 99 are made before it finishes and go in one batch.
    const all = await Promise.all(Array.from({ length: 100 }, (_, i) => j.append(bytes(`r${i}`))));
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(j.stats).toEqual({ appends: 100, syncs: 2 });
    // Every record is on disk once its append resolved: a reader that never saw the writer finds them.
    const records = readFileSync(join(dir, segmentName(1)));
    expect(records.length).toBe(100 * HEADER_BYTES + all.reduce((n, _, i) => n + `r${i}`.length, 0));
    await j.close();
  });

  test("an append resolves only after its bytes are in the file", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        j.append(bytes(`x${i}`)).then((seq) => {
          seen.push(statSync(join(dir, segmentName(1))).size);
          expect(seq).toBe(i + 1);
        }),
      ),
    );
    // The size at each resolution covers at least that record.
    seen.forEach((size, i) => expect(size).toBeGreaterThanOrEqual((i + 1) * (HEADER_BYTES + 2)));
    await j.close();
  });

  test("a torn tail (a write cut short) is truncated and numbering continues", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    for (const s of ["one", "two", "three"]) await j.append(bytes(s));
    await j.close();
    const path = join(dir, segmentName(1));
    const whole = statSync(path).size;
    truncateSync(path, whole - 2);
    const again = await openJournal(dir);
    expect(again.recovery.truncatedBytes).toBe(HEADER_BYTES + "three".length - 2);
    expect(again.recovery.truncatedBecause).toBe("partial payload");
    expect(statSync(path).size).toBe(2 * HEADER_BYTES + "one".length + "two".length);
    expect([...again.read()].map((r) => text(r.data))).toEqual(["one", "two"]);
    expect(await again.append(bytes("three again"))).toBe(3);
    await again.close();
    expect([...(await openJournal(dir)).read()].map((r) => text(r.data))).toEqual(["one", "two", "three again"]);
  });

  test("a corrupt last record (flipped byte) and garbage after it are cut", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    for (const s of ["keep", "flip"]) await j.append(bytes(s));
    await j.close();
    const path = join(dir, segmentName(1));
    const data = readFileSync(path);
    data[data.length - 1]! ^= 0xff;
    writeFileSync(path, data);
    appendFileSync(path, new Uint8Array(40).fill(7));
    const again = await openJournal(dir);
    expect(again.recovery.truncatedBecause).toBe("checksum mismatch");
    expect([...again.read()].map((r) => text(r.data))).toEqual(["keep"]);
    await again.close();
  });

  test("a zero-filled tail (preallocated by the file system) is cut", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    await j.append(bytes("a"));
    await j.close();
    appendFileSync(join(dir, segmentName(1)), new Uint8Array(4096));
    const again = await openJournal(dir);
    expect(again.recovery).toMatchObject({ records: 1, truncatedBytes: 4096, truncatedBecause: "zeroed bytes" });
    await again.close();
  });

  test("segments roll over at the size limit; corruption in a sealed segment is an error naming it", async () => {
    const dir = tempDir();
    const j = await openJournal(dir, { maxSegmentBytes: 64 });
    for (let i = 0; i < 10; i++) await j.append(bytes(`record-${i}-${"x".repeat(20)}`));
    await j.close();
    const segments = segmentsOf(dir);
    expect(segments.length).toBeGreaterThan(3);
    const reopened = await openJournal(dir, { maxSegmentBytes: 64 });
    expect([...reopened.read()].map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...reopened.read(7)].map((r) => r.seq)).toEqual([7, 8, 9, 10]);
    await reopened.close();
    const first = join(dir, segments[0]!);
    const data = readFileSync(first);
    data[HEADER_BYTES + 1]! ^= 1;
    writeFileSync(first, data);
    const err: unknown = await openJournal(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: JournalErrorCode.Corrupt, data: { file: first, offset: 0 } });
    expect((err as Error).message).toContain("later segments hold records after it");
  });

  test("removeBefore deletes whole segments only, never the current one", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    for (let i = 1; i <= 3; i++) await j.append(bytes(`a${i}`));
    j.rotate();
    for (let i = 4; i <= 6; i++) await j.append(bytes(`b${i}`));
    expect(segmentsOf(dir)).toEqual([segmentName(1), segmentName(4)]);
    expect(await j.removeBefore(3)).toBe(0);
    expect(await j.removeBefore(5)).toBe(1);
    expect(segmentsOf(dir)).toEqual([segmentName(4)]);
    expect(await j.removeBefore(100)).toBe(0);
    expect([...j.read()].map((r) => r.seq)).toEqual([4, 5, 6]);
    await j.close();
    const again = await openJournal(dir);
    expect(again.lastSeq).toBe(6);
    expect(await again.append(bytes("c7"))).toBe(7);
    await again.close();
  });

  test("minLastSeq: an emptied journal numbers after the snapshot it is given", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    await j.append(bytes("old"));
    await j.close();
    rmSync(join(dir, segmentName(1)));
    const again = await openJournal(dir, { minLastSeq: 41 });
    expect(await again.append(bytes("new"))).toBe(42);
    await again.close();
    const third = await openJournal(dir, { minLastSeq: 41 });
    expect([...third.read()].map((r) => [r.seq, text(r.data)])).toEqual([[42, "new"]]);
    // A gap after existing records starts a new segment, so each segment stays contiguous.
    expect(await third.append(bytes("next"))).toBe(43);
    await third.close();
    const fourth = await openJournal(dir, { minLastSeq: 99 });
    expect(await fourth.append(bytes("far"))).toBe(100);
    await fourth.close();
    const fifth = await openJournal(dir);
    expect([...fifth.read()].map((r) => r.seq)).toEqual([42, 43, 100]);
    await fifth.close();
  });

  test("a record over the size limit is refused; appends after close fail", async () => {
    const j = await openJournal(tempDir(), { maxRecordBytes: 8 });
    await expect(j.append(new Uint8Array(9))).rejects.toMatchObject({ code: JournalErrorCode.TooLarge });
    expect(await j.append(new Uint8Array(8))).toBe(1);
    await j.close();
    await expect(j.append(bytes("late"))).rejects.toMatchObject({ code: JournalErrorCode.Closed });
  });

  test("a failed write fails that append and every later one", async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    await j.append(bytes("ok"));
    // Replace the segment's handle with one that cannot write (the file opened read-only).
    const internals = j as unknown as { handle: { close(): Promise<void> } | undefined };
    await internals.handle!.close();
    const { open } = await import("node:fs/promises");
    internals.handle = await open(join(dir, segmentName(1)), "r");
    await expect(j.append(bytes("lost"))).rejects.toMatchObject({ code: JournalErrorCode.WriteFailed });
    await expect(j.append(bytes("after"))).rejects.toMatchObject({ code: JournalErrorCode.WriteFailed });
    expect(j.durableSeq).toBe(1);
  });
});
