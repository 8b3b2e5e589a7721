/** @cairn/journal: a durable append-only journal with group commit, and atomic snapshot files. */
export * from "./errors.ts";
export { HEADER_BYTES, DEFAULT_MAX_RECORD_BYTES } from "./format.ts";
export * from "./journal.ts";
export * from "./snapshot-file.ts";
