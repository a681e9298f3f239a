import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Answers, SurveyDefinition } from '../../../shared/schemas/survey.js';
import type { BuyingRole, Level } from '../../../shared/schemas/contact.js';
import { accounts, contacts } from './accounts.js';
import { timestamps, users } from './users.js';

export const surveyKindEnum = pgEnum('survey_kind', ['nps', 'audit', 'custom']);

export const surveys = pgTable('surveys', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: surveyKindEnum('kind').notNull(),
  /** Set on the built-in templates ('nps', 'audit'); copies have null. */
  templateKey: text('template_key').unique(),
  archived: boolean('archived').notNull().default(false),
  /** Who made this copy: only they and admins may edit it. Null on templates and on copies made before this was kept. */
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  ...timestamps,
});

/** Responses point at the version they answered; editing an answered survey adds a version. */
export const surveyVersions = pgTable(
  'survey_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<SurveyDefinition>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('survey_versions_survey_version_idx').on(t.surveyId, t.version)],
);

export const campaignStatusEnum = pgEnum('campaign_status', ['scheduled', 'sending', 'active', 'cancelled', 'closed']);
export const repeatEnum = pgEnum('campaign_repeat', ['none', 'quarterly', 'semiannual', 'annual']);

export interface CampaignAudience {
  accountIds: string[];
  contactIds: string[];
  levels: Level[];
  buyingRoles: BuyingRole[];
}

export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    surveyVersionId: uuid('survey_version_id')
      .notNull()
      .references(() => surveyVersions.id),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    audience: jsonb('audience').$type<CampaignAudience>().notNull(),
    status: campaignStatusEnum('status').notNull().default('scheduled'),
    sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
    reminderAfterDays: smallint('reminder_after_days'),
    reminderMax: smallint('reminder_max').notNull().default(0),
    expiresAfterDays: smallint('expires_after_days').notNull().default(30),
    repeat: repeatEnum('repeat').notNull().default('none'),
    /** The wave the campaign is on; waves re-run the audience when the campaign repeats. */
    wave: integer('wave').notNull().default(1),
    nextWaveAt: timestamp('next_wave_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /**
     * Set on the audit the scheduler launches before a key account's renewal: which account and which renewal
     * date it is for. Unique together, so overlapping sweeps create one audit per renewal, never two.
     */
    renewalAccountId: uuid('renewal_account_id').references(() => accounts.id),
    renewalDate: date('renewal_date', { mode: 'string' }),
    /** Set on the campaign that holds answers brought in from another tool (`delighted`): never sent, kept out of lists. */
    importedFrom: text('imported_from'),
    ...timestamps,
  },
  (t) => [
    index('campaigns_status_send_at_idx').on(t.status, t.sendAt),
    uniqueIndex('campaigns_renewal_audit_idx')
      .on(t.renewalAccountId, t.renewalDate)
      .where(sql`${t.renewalAccountId} is not null`),
  ],
);

export const invitationStatusEnum = pgEnum('invitation_status', ['skipped', 'pending', 'sent', 'cancelled']);
export const skipReasonEnum = pgEnum('skip_reason', [
  'unsubscribed',
  'bounced',
  'archived_account',
  'recently_surveyed',
  'duplicate_email',
  'deleted_contact',
  'erased',
]);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    wave: integer('wave').notNull().default(1),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    email: text('email').notNull(),
    language: text('language').notNull(),
    status: invitationStatusEnum('status').notNull(),
    skipReason: skipReasonEnum('skip_reason'),
    /** SHA-256 of the survey-link token; the token itself is derived from a server secret, never stored. */
    tokenHash: text('token_hash').unique(),
    unsubscribeTokenHash: text('unsubscribe_token_hash').unique(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    remindersSent: smallint('reminders_sent').notNull().default(0),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invitations_campaign_wave_contact_idx').on(t.campaignId, t.wave, t.contactId),
    index('invitations_contact_sent_idx').on(t.contactId, t.sentAt),
    index('invitations_campaign_status_idx').on(t.campaignId, t.status),
    // The risk report: each account's latest wave (by send time), then that wave's counts, for all accounts at once.
    index('invitations_account_sent_idx').on(t.accountId, t.sentAt),
    index('invitations_account_campaign_wave_idx').on(t.accountId, t.campaignId, t.wave),
  ],
);

export const responses = pgTable(
  'responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Exactly one response per invitation: saves and resubmits update it. */
    invitationId: uuid('invitation_id')
      .notNull()
      .unique()
      .references(() => invitations.id),
    // Copies of the invitation's keys (and its campaign's survey), for reports. They are written from the
    // invitation row itself, whose own foreign keys guard them, so they carry no foreign keys of their own:
    // each would lock a parent row on every answer — the same campaign and survey rows for every respondent —
    // and write a WAL record for it (measured with bench:submit: a third of PostgreSQL's time per answer).
    campaignId: uuid('campaign_id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    surveyVersionId: uuid('survey_version_id').notNull(),
    accountId: uuid('account_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    language: text('language').notNull(),
    answers: jsonb('answers').$type<Answers>().notNull().default({}),
    /** The NPS answer, copied out of `answers` for reports. */
    npsScore: smallint('nps_score'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** When follow-up rules last looked at this response (re-run after every change). */
    rulesEvaluatedAt: timestamp('rules_evaluated_at', { withTimezone: true }),
    /** Answers brought in from another tool keep where they came from and its id (a re-import skips them). */
    importedFrom: text('imported_from'),
    externalId: text('external_id'),
  },
  (t) => [
    index('responses_account_updated_idx').on(t.accountId, t.updatedAt),
    index('responses_campaign_idx').on(t.campaignId),
    index('responses_updated_idx').on(t.updatedAt),
    // NPS trend reports: an account's answers by answer time (completion, else the last save); the expression must
    // match the reports' `coalesce(completed_at, updated_at)` exactly. Not partial on purpose: PostgreSQL keeps
    // statistics for the expressions of whole-table indexes only, and without them it misjudges how many rows a
    // portfolio trend reads and sorts a million rows instead of hashing them (measured: 1 s against 0.35 s).
    index('responses_account_answered_idx').on(t.accountId, sql`coalesce(${t.completedAt}, ${t.updatedAt})`),
    uniqueIndex('responses_imported_external_idx')
      .on(t.importedFrom, t.externalId)
      .where(sql`${t.externalId} is not null`),
  ],
);

export const messageStatusEnum = pgEnum('message_status', [
  'queued',
  'sent',
  'delivered',
  'delayed',
  'bounced',
  'complained',
  'failed',
  'cancelled',
]);
export const messageKindEnum = pgEnum('message_kind', ['invitation', 'reminder', 'notification']);

/** Every email, whatever the transport. With the outbox transport the rendered content is kept in full. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: messageKindEnum('kind').notNull(),
    invitationId: uuid('invitation_id').references(() => invitations.id),
    campaignId: uuid('campaign_id').references(() => campaigns.id),
    /** Which email of the invitation this is (0 = the invitation, 1.. = reminders): makes retries idempotent. */
    sequence: smallint('sequence').notNull().default(0),
    /** The send batch this message belongs to; the provider idempotency key is derived from it. */
    batchKey: text('batch_key'),
    toAddress: text('to_address').notNull(),
    /** Notifications (not survey invitations) are rendered when queued and sent as stored. */
    replyTo: text('reply_to'),
    headers: jsonb('headers').$type<Record<string, string>>(),
    /** For notifications about a task: which task and why, at most once each. */
    taskId: uuid('task_id'),
    purpose: text('purpose'),
    /**
     * For scheduled reports: one email per recipient and edition (`risk:2026-W10:<userId>`), unique, so overlapping
     * sweeps queue it once. Null for every other email.
     */
    reportKey: text('report_key'),
    subject: text('subject'),
    html: text('html'),
    text: text('text'),
    status: messageStatusEnum('status').notNull().default('queued'),
    transport: text('transport'),
    providerId: text('provider_id'),
    error: text('error'),
    attempts: smallint('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('messages_invitation_sequence_idx').on(t.invitationId, t.sequence),
    index('messages_status_idx').on(t.status),
    index('messages_batch_idx').on(t.batchKey),
    index('messages_campaign_idx').on(t.campaignId),
    uniqueIndex('messages_provider_id_idx').on(t.providerId).where(sql`${t.providerId} is not null`),
    index('messages_created_idx').on(t.createdAt),
    uniqueIndex('messages_task_purpose_idx')
      .on(t.taskId, t.purpose)
      .where(sql`${t.taskId} is not null`),
    uniqueIndex('messages_report_key_idx').on(t.reportKey).where(sql`${t.reportKey} is not null`),
  ],
);

/** Webhook deliveries already handled, by Svix message id: a redelivery changes nothing. */
export const webhookEvents = pgTable('webhook_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Installation-wide values the server generates for itself (e.g. the link-signing secret). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
