/**
 * @cairn/runtime — the process shell every service binary shares (config → logger → metrics →
 * database → bus → service → signals → reverse shutdown), so each main.ts says only what is
 * particular to its service — and the guard maintenance tools run before touching a service's
 * data (is the service still live?).
 */
export * from "./run-service.ts";
export * from "./live-guard.ts";
