CREATE TABLE "task_responses" (
	"task_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_responses_task_id_response_id_pk" PRIMARY KEY("task_id","response_id")
);
--> statement-breakpoint
ALTER TABLE "task_responses" ADD CONSTRAINT "task_responses_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_responses" ADD CONSTRAINT "task_responses_response_id_responses_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."responses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_responses_response_idx" ON "task_responses" USING btree ("response_id");--> statement-breakpoint
CREATE INDEX "tasks_contact_rule_open_idx" ON "tasks" USING btree ("contact_id","rule_id") WHERE "tasks"."status" in ('open', 'in_progress');--> statement-breakpoint
-- Existing follow-up tasks keep the answer that opened them, dated when the task was made.
INSERT INTO "task_responses" ("task_id", "response_id", "added_at")
SELECT "id", "response_id", "created_at" FROM "tasks" WHERE "response_id" IS NOT NULL
ON CONFLICT DO NOTHING;
