export * from "./decoder.ts";
export { koinosAbiEvents } from "./koinos-abi.ts";
