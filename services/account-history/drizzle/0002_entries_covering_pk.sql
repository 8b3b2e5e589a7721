-- Custom SQL migration file, put your code below! --
-- The primary key of entries carries the other columns a history page reads (block_id, position,
-- height for the irreversible filter), so a page is an index-only scan of the key plus one records
-- lookup per entry. drizzle-orm cannot declare INCLUDE columns, hence SQL of our own; the
-- constraint keeps its name, so the schema (schema.ts) and the snapshots still describe it.
ALTER TABLE "entries" DROP CONSTRAINT "entries_address_seq_num_pk";--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_address_seq_num_pk" PRIMARY KEY ("address","seq_num") INCLUDE ("block_id","position","height");
