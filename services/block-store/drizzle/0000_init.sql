CREATE TABLE "blocks" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"height" bigint NOT NULL,
	"previous" "bytea" NOT NULL,
	"block" "bytea" NOT NULL,
	"receipt" "bytea",
	"skip" "bytea",
	"seq" bigserial NOT NULL
);
--> statement-breakpoint
CREATE TABLE "containing" (
	"transaction_id" "bytea" NOT NULL,
	"block_id" "bytea" NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "containing_transaction_id_block_id_pk" PRIMARY KEY("transaction_id","block_id")
);
--> statement-breakpoint
CREATE TABLE "progress" (
	"key" text PRIMARY KEY NOT NULL,
	"block_id" "bytea" NOT NULL,
	"height" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transactions" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"transaction" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE INDEX "blocks_height_seq_idx" ON "blocks" USING btree ("height" DESC NULLS LAST,"seq");--> statement-breakpoint
CREATE INDEX "blocks_previous_idx" ON "blocks" USING btree ("previous");