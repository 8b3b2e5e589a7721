-- Each entry carries its record: a history page reads one heap row per entry instead of a records
-- index leaf and a records heap page (two random reads once the tables outgrow memory). Existing
-- entries get their record copied over before the records table goes. The primary key loses the
-- INCLUDE columns of 0002 (a page reads the heap row anyway), which halves its size.
ALTER TABLE "entries" ADD COLUMN "kind" text;--> statement-breakpoint
ALTER TABLE "entries" ADD COLUMN "record" bytea;--> statement-breakpoint
UPDATE "entries" AS e SET "kind" = r."kind", "record" = r."record" FROM "records" AS r WHERE r."height" = e."height" AND r."position" = e."position";--> statement-breakpoint
ALTER TABLE "entries" ALTER COLUMN "kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "entries" ALTER COLUMN "record" SET NOT NULL;--> statement-breakpoint
DROP TABLE "records" CASCADE;--> statement-breakpoint
ALTER TABLE "entries" DROP CONSTRAINT "entries_address_seq_num_pk";--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_address_seq_num_pk" PRIMARY KEY ("address","seq_num");
