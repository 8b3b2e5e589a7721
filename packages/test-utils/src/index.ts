/**
 * @cairn/test-utils — the scaffolding every test suite shares (tests only; never a runtime
 * dependency): polling for asynchronous conditions (`waitUntil`), a logger that records
 * (`recordingLogger`), catching an error to assert on it (`caught`, `rejection`), and the
 * per-file cleanup stack (`cleanupAfterAll`).
 */
export * from "./wait.ts";
export * from "./logger.ts";
export * from "./errors.ts";
export * from "./cleanup.ts";
