CREATE TABLE "main_chain" (
	"height" bigint PRIMARY KEY NOT NULL,
	"block_id" "bytea" NOT NULL
);
