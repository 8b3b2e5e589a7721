CREATE TABLE "blocks" (
	"height" bigint PRIMARY KEY NOT NULL,
	"id" "bytea" NOT NULL,
	CONSTRAINT "blocks_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "entries" (
	"address" "bytea" NOT NULL,
	"seq_num" bigint NOT NULL,
	"block_id" "bytea" NOT NULL,
	"position" integer NOT NULL,
	"height" bigint NOT NULL,
	CONSTRAINT "entries_address_seq_num_pk" PRIMARY KEY("address","seq_num")
);
--> statement-breakpoint
CREATE TABLE "progress" (
	"id" integer PRIMARY KEY NOT NULL,
	"head_id" "bytea" NOT NULL,
	"head_height" bigint NOT NULL,
	"lib_height" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "records" (
	"block_id" "bytea" NOT NULL,
	"position" integer NOT NULL,
	"height" bigint NOT NULL,
	"kind" text NOT NULL,
	"record" "bytea" NOT NULL,
	CONSTRAINT "records_block_id_position_pk" PRIMARY KEY("block_id","position")
);
--> statement-breakpoint
CREATE INDEX "entries_block_id_idx" ON "entries" USING btree ("block_id");--> statement-breakpoint
CREATE INDEX "entries_height_idx" ON "entries" USING btree ("height");--> statement-breakpoint
CREATE INDEX "records_height_idx" ON "records" USING btree ("height");