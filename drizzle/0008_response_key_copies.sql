-- The response's copies of its invitation's keys lose their own foreign keys (see schema/surveys.ts): the
-- invitation's foreign keys already guard them, and each check locked a shared parent row on every answer.
ALTER TABLE "responses" DROP CONSTRAINT "responses_campaign_id_campaigns_id_fk";
--> statement-breakpoint
ALTER TABLE "responses" DROP CONSTRAINT "responses_survey_id_surveys_id_fk";
--> statement-breakpoint
ALTER TABLE "responses" DROP CONSTRAINT "responses_survey_version_id_survey_versions_id_fk";
--> statement-breakpoint
ALTER TABLE "responses" DROP CONSTRAINT "responses_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "responses" DROP CONSTRAINT "responses_contact_id_contacts_id_fk";
