CREATE TYPE "public"."item_kind" AS ENUM('plain', 'special');--> statement-breakpoint
CREATE TABLE "item_notes" (
	"id" serial PRIMARY KEY NOT NULL,
	"item_id" integer NOT NULL,
	"note" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" "item_kind" DEFAULT 'plain' NOT NULL,
	"payload" "bytea" NOT NULL,
	"amount" bigint DEFAULT 0 NOT NULL,
	"supply" numeric(20, 0) DEFAULT 0 NOT NULL,
	CONSTRAINT "items_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "item_notes" ADD CONSTRAINT "item_notes_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "items_amount_idx" ON "items" USING btree ("amount");