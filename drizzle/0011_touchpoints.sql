CREATE TYPE "public"."touchpoint_kind" AS ENUM('meeting', 'call', 'visit', 'qbr', 'social_event', 'email_thread');--> statement-breakpoint
ALTER TYPE "public"."api_key_scope" ADD VALUE IF NOT EXISTS 'touchpoints:write';--> statement-breakpoint
CREATE TABLE "touchpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"occurred_on" date NOT NULL,
	"kind" "touchpoint_kind" NOT NULL,
	"notes" text,
	"contact_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"user_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "touchpoints_account_date_idx" ON "touchpoints" USING btree ("account_id","occurred_on");