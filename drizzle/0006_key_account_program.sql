CREATE TYPE "public"."criterion_source" AS ENUM('annual_revenue', 'gross_profit', 'lifetime_value', 'judgement');--> statement-breakpoint
CREATE TYPE "public"."partnership_answer" AS ENUM('yes', 'partly', 'no');--> statement-breakpoint
CREATE TYPE "public"."plan_goal" AS ENUM('sales', 'value', 'relationships', 'other');--> statement-breakpoint
CREATE TYPE "public"."plan_section" AS ENUM('profile', 'intelligence', 'intentions', 'implementation', 'team');--> statement-breakpoint
CREATE TABLE "account_counterpart_pairs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"function" text NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_criterion_scores" (
	"account_id" uuid NOT NULL,
	"criterion_id" uuid NOT NULL,
	"score" smallint NOT NULL,
	"note" text,
	"scored_by" uuid,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_criterion_scores_account_id_criterion_id_pk" PRIMARY KEY("account_id","criterion_id"),
	CONSTRAINT "account_criterion_scores_score_check" CHECK ("account_criterion_scores"."score" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "account_plan_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"goal" "plan_goal" DEFAULT 'other' NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_plan_actions_task_id_unique" UNIQUE("task_id")
);
--> statement-breakpoint
CREATE TABLE "account_plan_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"section" "plan_section" NOT NULL,
	"summary" text NOT NULL,
	"changes" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"strategic_initiatives" text,
	"contract_terms" text,
	"strengths" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"weaknesses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"opportunities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"threats" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"competitors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"our_share_of_spend" smallint,
	"goals_year" smallint,
	"goal_sales_expected" bigint,
	"goal_value_to_add" text,
	"goal_relationships" text,
	"reviewed_at" timestamp with time zone,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_plans_account_id_unique" UNIQUE("account_id")
);
--> statement-breakpoint
CREATE TABLE "account_quarter_values" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"quarter" text NOT NULL,
	"revenue" bigint NOT NULL,
	"gross_profit" bigint NOT NULL,
	"team_cost" bigint DEFAULT 0 NOT NULL,
	"discounts" bigint DEFAULT 0 NOT NULL,
	"notes" text,
	"entered_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_quarter_values_quarter_check" CHECK ("account_quarter_values"."quarter" ~ '^[0-9]{4}-Q[1-4]$')
);
--> statement-breakpoint
CREATE TABLE "account_stage_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"from_stage" "account_stage",
	"to_stage" "account_stage" NOT NULL,
	"decided_by" uuid,
	"reason" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_team_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"team_role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partnership_answers" (
	"assessment_id" uuid NOT NULL,
	"indicator_id" uuid NOT NULL,
	"answer" "partnership_answer" NOT NULL,
	"note" text,
	CONSTRAINT "partnership_answers_assessment_id_indicator_id_pk" PRIMARY KEY("assessment_id","indicator_id")
);
--> statement-breakpoint
CREATE TABLE "partnership_assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"assessed_by" uuid,
	"assessed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notes" text
);
--> statement-breakpoint
CREATE TABLE "partnership_indicators" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text,
	"name" text NOT NULL,
	"description" text,
	"position" integer DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partnership_indicators_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "selection_criteria" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text,
	"name" text NOT NULL,
	"description" text,
	"source" "criterion_source" NOT NULL,
	"weight" integer NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "selection_criteria_key_unique" UNIQUE("key"),
	CONSTRAINT "selection_criteria_weight_check" CHECK ("selection_criteria"."weight" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "account_counterpart_pairs" ADD CONSTRAINT "account_counterpart_pairs_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_counterpart_pairs" ADD CONSTRAINT "account_counterpart_pairs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_counterpart_pairs" ADD CONSTRAINT "account_counterpart_pairs_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_criterion_scores" ADD CONSTRAINT "account_criterion_scores_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_criterion_scores" ADD CONSTRAINT "account_criterion_scores_criterion_id_selection_criteria_id_fk" FOREIGN KEY ("criterion_id") REFERENCES "public"."selection_criteria"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_criterion_scores" ADD CONSTRAINT "account_criterion_scores_scored_by_users_id_fk" FOREIGN KEY ("scored_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plan_actions" ADD CONSTRAINT "account_plan_actions_plan_id_account_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."account_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plan_actions" ADD CONSTRAINT "account_plan_actions_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plan_changes" ADD CONSTRAINT "account_plan_changes_plan_id_account_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."account_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plan_changes" ADD CONSTRAINT "account_plan_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plans" ADD CONSTRAINT "account_plans_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_plans" ADD CONSTRAINT "account_plans_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_quarter_values" ADD CONSTRAINT "account_quarter_values_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_quarter_values" ADD CONSTRAINT "account_quarter_values_entered_by_users_id_fk" FOREIGN KEY ("entered_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_stage_changes" ADD CONSTRAINT "account_stage_changes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_stage_changes" ADD CONSTRAINT "account_stage_changes_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_team_members" ADD CONSTRAINT "account_team_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_team_members" ADD CONSTRAINT "account_team_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_answers" ADD CONSTRAINT "partnership_answers_assessment_id_partnership_assessments_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."partnership_assessments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_answers" ADD CONSTRAINT "partnership_answers_indicator_id_partnership_indicators_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."partnership_indicators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_assessments" ADD CONSTRAINT "partnership_assessments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_assessments" ADD CONSTRAINT "partnership_assessments_assessed_by_users_id_fk" FOREIGN KEY ("assessed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_counterpart_pairs_unique_idx" ON "account_counterpart_pairs" USING btree ("account_id","user_id","contact_id");--> statement-breakpoint
CREATE INDEX "account_counterpart_pairs_contact_idx" ON "account_counterpart_pairs" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "account_criterion_scores_criterion_idx" ON "account_criterion_scores" USING btree ("criterion_id");--> statement-breakpoint
CREATE INDEX "account_plan_actions_plan_idx" ON "account_plan_actions" USING btree ("plan_id","position");--> statement-breakpoint
CREATE INDEX "account_plan_changes_plan_idx" ON "account_plan_changes" USING btree ("plan_id","changed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "account_quarter_values_account_quarter_idx" ON "account_quarter_values" USING btree ("account_id","quarter");--> statement-breakpoint
CREATE INDEX "account_quarter_values_quarter_idx" ON "account_quarter_values" USING btree ("quarter");--> statement-breakpoint
CREATE INDEX "account_stage_changes_account_idx" ON "account_stage_changes" USING btree ("account_id","changed_at");--> statement-breakpoint
CREATE INDEX "account_stage_changes_changed_at_idx" ON "account_stage_changes" USING btree ("changed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "account_team_members_account_user_idx" ON "account_team_members" USING btree ("account_id","user_id");--> statement-breakpoint
CREATE INDEX "account_team_members_user_idx" ON "account_team_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "partnership_answers_indicator_idx" ON "partnership_answers" USING btree ("indicator_id");--> statement-breakpoint
CREATE INDEX "partnership_assessments_account_idx" ON "partnership_assessments" USING btree ("account_id","assessed_at");