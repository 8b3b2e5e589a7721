/** drizzle-kit configuration: `bunx drizzle-kit generate` (from services/block-store) writes drizzle/. */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/schema.ts",
  out: "./drizzle",
});
