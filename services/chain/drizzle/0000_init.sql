CREATE TABLE "blocks" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"height" bigint NOT NULL,
	"previous" "bytea" NOT NULL,
	"timestamp" bigint NOT NULL,
	"state_root" "bytea" NOT NULL,
	"reversible" boolean NOT NULL,
	"block" "bytea",
	"receipt" "bytea",
	"changes" "bytea",
	"undo" "bytea"
);
--> statement-breakpoint
CREATE TABLE "chain_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "state_objects" (
	"system" boolean NOT NULL,
	"zone" "bytea" NOT NULL,
	"space_id" integer NOT NULL,
	"key" "bytea" NOT NULL,
	"value" "bytea" NOT NULL,
	CONSTRAINT "state_objects_system_zone_space_id_key_pk" PRIMARY KEY("system","zone","space_id","key")
);
--> statement-breakpoint
CREATE INDEX "blocks_height_idx" ON "blocks" USING btree ("height");