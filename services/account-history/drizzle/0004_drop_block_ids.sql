-- Entries and records name their block by height alone (one applied block per height; `blocks`
-- keeps its id): the block_id columns were written and never read. Dropping the column from
-- entries drops the primary key that carries it in its INCLUDE (0002), so the key is made again,
-- covering what a page reads (position, height); the constraint keeps its name and columns, so
-- schema.ts and the snapshots still describe it (drizzle-orm cannot declare INCLUDE columns).
ALTER TABLE "entries" DROP CONSTRAINT "entries_address_seq_num_pk";--> statement-breakpoint
ALTER TABLE "entries" DROP COLUMN "block_id";--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_address_seq_num_pk" PRIMARY KEY ("address","seq_num") INCLUDE ("position","height");--> statement-breakpoint
ALTER TABLE "records" DROP COLUMN "block_id";
