ALTER TABLE "campaigns" ADD COLUMN "renewal_account_id" uuid;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "renewal_date" date;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "report_key" text;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_renewal_account_id_accounts_id_fk" FOREIGN KEY ("renewal_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_renewal_audit_idx" ON "campaigns" USING btree ("renewal_account_id","renewal_date") WHERE "campaigns"."renewal_account_id" is not null;--> statement-breakpoint
CREATE INDEX "invitations_account_sent_idx" ON "invitations" USING btree ("account_id","sent_at");--> statement-breakpoint
CREATE INDEX "invitations_account_campaign_wave_idx" ON "invitations" USING btree ("account_id","campaign_id","wave");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_report_key_idx" ON "messages" USING btree ("report_key") WHERE "messages"."report_key" is not null;--> statement-breakpoint
CREATE INDEX "responses_account_answered_idx" ON "responses" USING btree ("account_id",coalesce("completed_at", "updated_at"));