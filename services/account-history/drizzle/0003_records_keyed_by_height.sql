DROP INDEX "records_height_idx";--> statement-breakpoint
ALTER TABLE "records" DROP CONSTRAINT "records_block_id_position_pk";--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_height_position_pk" PRIMARY KEY("height","position");