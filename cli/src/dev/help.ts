/** `cairn dev --help`: every flag with its default and description, from the options schema. */
import { fileURLToPath } from "node:url";
import { formatHelp } from "@cairn/config";
import { devOptionsSchema } from "./options.ts";

export function devHelp(): string {
  return formatHelp({
    usage: "usage: cairn dev [flags]\nA local dev chain in one process: every service, in-process bus, data in memory (kept under --data by a journal and checkpoints), funded dev accounts.",
    schema: devOptionsSchema,
    service: "dev",
    docFiles: [fileURLToPath(new URL("./options.ts", import.meta.url))],
  });
}
