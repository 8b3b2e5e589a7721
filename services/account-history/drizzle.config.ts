/** drizzle-kit configuration: `bunx drizzle-kit generate` writes migrations to drizzle/. */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/schema.ts",
  out: "./drizzle",
});
