import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevProcess } from "../lib/dev-node.ts";
import { headHeight } from "../lib/koinos.ts";
const dir = process.argv[2]!;
for (const [label, data] of [["default store", undefined], ["fresh --data", "fresh"], ["--data 100k", dir]] as const) {
  for (let i = 0; i < 3; i++) {
    const d = data === "fresh" ? join(mkdtempSync(join(tmpdir(), "cairn-st-")), "d") : data;
    const node = await startDevProcess({ data: d, log: "/tmp/starttime-node.log", args: ["--log-level", "info"] });
    console.log(label, Math.round(node.readyMs), "ms, head", await headHeight(node.url), "rss", node.rssMb(), "MB");
    await node.stop();
  }
}
process.exit(0);
