import { describe, expect, test } from "bun:test";
import { unqualifyPublic } from "./migrate.ts";

describe("migration statements", () => {
  test('drizzle-kit\'s "public". qualifiers are removed, nothing else', () => {
    expect(unqualifyPublic('CREATE TYPE "public"."item_kind" AS ENUM(\'plain\');')).toBe('CREATE TYPE "item_kind" AS ENUM(\'plain\');');
    expect(unqualifyPublic('REFERENCES "public"."items"("id")')).toBe('REFERENCES "items"("id")');
    expect(unqualifyPublic('CREATE TABLE "publication" ("public" text)')).toBe('CREATE TABLE "publication" ("public" text)');
  });
});
