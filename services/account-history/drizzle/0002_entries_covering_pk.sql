-- The entries primary key carries what a history page needs besides its key (the record it points
-- at, and the height for irreversible-only pages), so the page is an index-only scan. Same name
-- and key columns as before: drizzle-kit's snapshot still matches the schema.
ALTER TABLE "entries" DROP CONSTRAINT "entries_address_seq_num_pk";--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_address_seq_num_pk" PRIMARY KEY ("address", "seq_num") INCLUDE ("block_id", "position", "height");
