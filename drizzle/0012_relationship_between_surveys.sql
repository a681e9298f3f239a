CREATE TYPE "public"."plan_action_side" AS ENUM('ours', 'theirs');--> statement-breakpoint
CREATE TYPE "public"."pulse_status" AS ENUM('scheduled', 'sent', 'skipped', 'cancelled');--> statement-breakpoint
ALTER TYPE "public"."api_key_scope" ADD VALUE IF NOT EXISTS 'pulses:write';--> statement-breakpoint
CREATE TABLE "plan_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"action_id" uuid,
	"share_id" uuid,
	"contact_id" uuid,
	"user_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_shares" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_viewed_at" timestamp with time zone,
	CONSTRAINT "plan_shares_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "pulse_event_types" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"survey_id" uuid NOT NULL,
	"delay_business_days" smallint DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pulse_event_types_key_unique" UNIQUE("key"),
	CONSTRAINT "pulse_event_types_delay_check" CHECK ("pulse_event_types"."delay_business_days" between 0 and 30)
);
--> statement-breakpoint
CREATE TABLE "pulses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_type_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"account_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"status" "pulse_status" DEFAULT 'scheduled' NOT NULL,
	"skip_reason" "skip_reason",
	"campaign_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_pulse_answers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"period" text NOT NULL,
	"delivery_mark" smallint NOT NULL,
	"collaboration_mark" smallint NOT NULL,
	"friction" text,
	"do_differently" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_pulse_answers_period_check" CHECK ("team_pulse_answers"."period" ~ '^[0-9]{4}-H[12]$'),
	CONSTRAINT "team_pulse_answers_delivery_check" CHECK ("team_pulse_answers"."delivery_mark" between 0 and 10),
	CONSTRAINT "team_pulse_answers_collaboration_check" CHECK ("team_pulse_answers"."collaboration_mark" between 0 and 10)
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "touchpoint_id" uuid;--> statement-breakpoint
ALTER TABLE "account_plan_actions" ADD COLUMN "joint" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "account_plan_actions" ADD COLUMN "side" "plan_action_side" DEFAULT 'ours' NOT NULL;--> statement-breakpoint
ALTER TABLE "account_plan_actions" ADD COLUMN "their_owner_contact_id" uuid;--> statement-breakpoint
ALTER TABLE "account_plan_actions" ADD COLUMN "proposed_by_contact_id" uuid;--> statement-breakpoint
ALTER TABLE "account_plan_changes" ADD COLUMN "changed_by_contact_id" uuid;--> statement-breakpoint
ALTER TABLE "account_plans" ADD COLUMN "joint_goals" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "plan_comments" ADD CONSTRAINT "plan_comments_plan_id_account_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."account_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_comments" ADD CONSTRAINT "plan_comments_action_id_account_plan_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."account_plan_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_comments" ADD CONSTRAINT "plan_comments_share_id_plan_shares_id_fk" FOREIGN KEY ("share_id") REFERENCES "public"."plan_shares"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_comments" ADD CONSTRAINT "plan_comments_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_comments" ADD CONSTRAINT "plan_comments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_shares" ADD CONSTRAINT "plan_shares_plan_id_account_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."account_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_shares" ADD CONSTRAINT "plan_shares_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_shares" ADD CONSTRAINT "plan_shares_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_shares" ADD CONSTRAINT "plan_shares_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pulse_event_types" ADD CONSTRAINT "pulse_event_types_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pulses" ADD CONSTRAINT "pulses_event_type_id_pulse_event_types_id_fk" FOREIGN KEY ("event_type_id") REFERENCES "public"."pulse_event_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pulses" ADD CONSTRAINT "pulses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pulses" ADD CONSTRAINT "pulses_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pulses" ADD CONSTRAINT "pulses_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pulses" ADD CONSTRAINT "pulses_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_pulse_answers" ADD CONSTRAINT "team_pulse_answers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_pulse_answers" ADD CONSTRAINT "team_pulse_answers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plan_comments_plan_idx" ON "plan_comments" USING btree ("plan_id","created_at");--> statement-breakpoint
CREATE INDEX "plan_comments_contact_idx" ON "plan_comments" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "plan_shares_plan_idx" ON "plan_shares" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "plan_shares_contact_idx" ON "plan_shares" USING btree ("contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pulses_event_reference_contact_idx" ON "pulses" USING btree ("event_type_id","reference","contact_id");--> statement-breakpoint
CREATE INDEX "pulses_status_send_at_idx" ON "pulses" USING btree ("status","send_at");--> statement-breakpoint
CREATE INDEX "pulses_account_occurred_idx" ON "pulses" USING btree ("account_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pulses_campaign_idx" ON "pulses" USING btree ("campaign_id") WHERE "pulses"."campaign_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "team_pulse_answers_account_user_period_idx" ON "team_pulse_answers" USING btree ("account_id","user_id","period");--> statement-breakpoint
CREATE INDEX "team_pulse_answers_period_idx" ON "team_pulse_answers" USING btree ("period");--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_touchpoint_id_touchpoints_id_fk" FOREIGN KEY ("touchpoint_id") REFERENCES "public"."touchpoints"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plan_actions" ADD CONSTRAINT "account_plan_actions_their_owner_contact_id_contacts_id_fk" FOREIGN KEY ("their_owner_contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plan_actions" ADD CONSTRAINT "account_plan_actions_proposed_by_contact_id_contacts_id_fk" FOREIGN KEY ("proposed_by_contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plan_changes" ADD CONSTRAINT "account_plan_changes_changed_by_contact_id_contacts_id_fk" FOREIGN KEY ("changed_by_contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_touchpoint_idx" ON "tasks" USING btree ("touchpoint_id") WHERE "tasks"."touchpoint_id" is not null;