/**
 * @cairn/runtime — the process shell every service binary shares (config → logger → metrics →
 * database → bus → service → signals → reverse shutdown), so each main.ts says only what is
 * particular to its service.
 */
export * from "./run-service.ts";
