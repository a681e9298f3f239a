ALTER TABLE "messages" ADD COLUMN "reply_to" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "task_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "purpose" text;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_task_purpose_idx" ON "messages" USING btree ("task_id","purpose") WHERE "messages"."task_id" is not null;