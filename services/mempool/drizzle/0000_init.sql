CREATE TABLE "pending_transactions" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"payer" "bytea" NOT NULL,
	"nonce_account" "bytea" NOT NULL,
	"nonce" bigint NOT NULL,
	"rc_used" numeric(20, 0) NOT NULL,
	"disk_storage_used" numeric(20, 0) DEFAULT 0 NOT NULL,
	"network_bandwidth_used" numeric(20, 0) DEFAULT 0 NOT NULL,
	"compute_bandwidth_used" numeric(20, 0) DEFAULT 0 NOT NULL,
	"system_disk_storage_used" numeric(20, 0) DEFAULT 0 NOT NULL,
	"system_network_bandwidth_used" numeric(20, 0) DEFAULT 0 NOT NULL,
	"system_compute_bandwidth_used" numeric(20, 0) DEFAULT 0 NOT NULL,
	"transaction" "bytea" NOT NULL,
	"sequence" bigint NOT NULL,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "progress" (
	"id" integer PRIMARY KEY NOT NULL,
	"block_id" "bytea" NOT NULL,
	"height" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "pending_transactions_sequence_idx" ON "pending_transactions" USING btree ("sequence");