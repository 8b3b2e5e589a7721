/** @cairn/cli — the `cairn` binary; `startDevNode` is exported for tests and embedding. */
export { startDevNode, type DevNode } from "./dev/node.ts";
export { devOptionsSchema, type DevOptions } from "./dev/options.ts";
export { banner } from "./dev/banner.ts";
