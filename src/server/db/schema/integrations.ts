import { sql } from 'drizzle-orm';
import {
  boolean,
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
import { timestamps, users } from './users.js';

/*
 * Integrations (issue 15): outgoing webhooks, Slack and Teams, CRM sync.
 *
 * One delivery engine serves every outbound HTTP target. An event is written once (`outgoing_events`), fanned out
 * to the endpoints that subscribe to its type (`webhook_deliveries`, one row per endpoint and event, unique), and
 * delivered from the queue with retries. A Standard Webhooks receiver, a Slack channel and a Teams channel are all
 * endpoints; they differ only in `format`, which decides how the event is rendered and sent.
 */

/** How an endpoint is sent to: signed JSON (Standard Webhooks), Slack Block Kit, Teams Adaptive Card. */
export const endpointFormatEnum = pgEnum('endpoint_format', ['standard', 'slack', 'teams']);

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    format: endpointFormatEnum('format').notNull().default('standard'),
    /**
     * The URL, sealed with the server's secret box (auth/secret-box.ts): a Slack or Teams incoming-webhook URL is
     * itself the credential, and a receiver's URL may carry one too.
     */
    urlSealed: text('url_sealed').notNull(),
    /** What may be shown of the URL: scheme, host and the end of the path (`https://hooks.slack.com/…/x7Qa`). */
    urlHint: text('url_hint').notNull(),
    description: text('description').notNull().default(''),
    /** Event types it receives (`response.created`, …, `detractor.alert`, `risk.summary`). */
    eventTypes: text('event_types').array().notNull(),
    /** Standard Webhooks signing secret (`whsec_…`), sealed. Null for Slack and Teams. */
    secretSealed: text('secret_sealed'),
    /** The secret being rotated out, sealed, and until when deliveries still carry its signature too. */
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    /**
     * Whose endpoint it is. Null user = installation-wide (admins manage it; it hears every account). A manager's own
     * Slack or Teams channel has their user id and hears only events about the accounts they own.
     */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** Who registered it: told by email when it is switched off for failing. */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    enabled: boolean('enabled').notNull().default(true),
    /** Why it is off: `failing` (switched off by the engine) or `manual`. */
    disabledReason: text('disabled_reason'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** The first failed attempt since the last success: an endpoint failing for days is switched off. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    /**
     * Slack and Teams take about one message a second per webhook: the next send to this endpoint waits until then.
     * Kept here, not in a process, so every worker paces the same channel together.
     */
    pacedUntil: timestamp('paced_until', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('webhook_endpoints_user_idx').on(t.userId)],
);

/** One thing that happened, as sent: the payload is frozen when the event is written, so a replay sends the same bytes. */
export const outgoingEvents = pgTable(
  'outgoing_events',
  {
    /** `msg_…`: the `webhook-id` every delivery of this event carries (receivers deduplicate on it). */
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Payload version (`v1`); documented in the OpenAPI document's webhooks section. */
    version: text('version').notNull().default('v1'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** The owner of the account it is about: a manager's own channel hears only these. Null = not about one account. */
    accountOwnerId: uuid('account_owner_id'),
    /** The contact whose data the payload holds, if any: erasing them deletes the event and its deliveries. */
    contactId: uuid('contact_id'),
    /**
     * Set when the same happening must not be announced twice (`response.completed:<responseId>`); unique, so a
     * retried request or an overlapping sweep writes one event.
     */
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('outgoing_events_dedupe_idx').on(t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
    index('outgoing_events_created_idx').on(t.createdAt),
    index('outgoing_events_contact_idx').on(t.contactId).where(sql`${t.contactId} is not null`),
  ],
);

export const deliveryStatusEnum = pgEnum('webhook_delivery_status', ['pending', 'succeeded', 'failed', 'cancelled']);

/** One event for one endpoint: retried until it succeeds or its retry schedule runs out (then `failed`). */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => outgoingEvents.id, { onDelete: 'cascade' }),
    status: deliveryStatusEnum('status').notNull().default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    /** When the next attempt is due (null once it succeeded, failed for good or was cancelled). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** A worker holds it until then: another worker (or process) leaves it alone, a crashed one's claim runs out. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastStatusCode: smallint('last_status_code'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    succeededAt: timestamp('succeeded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_idx').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_created_idx').on(t.endpointId, t.createdAt),
  ],
);

/** Every attempt, for the delivery log: what we sent when, what came back and how long it took. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    /** `scheduled` (the queue), `replay` (an admin asked), `test` (the test event). */
    trigger: text('trigger').notNull().default('scheduled'),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
    /** Null when no response came (refused address, timeout, connection error). */
    statusCode: smallint('status_code'),
    durationMs: integer('duration_ms').notNull(),
    /** The first 500 characters of the response body, or the error. */
    responseExcerpt: text('response_excerpt'),
    error: text('error'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attemptedAt)],
);

/*
 * CRM sync (HubSpot now; an adapter interface so Salesforce can follow with the same shape).
 */

export const crmProviderEnum = pgEnum('crm_provider', ['hubspot']);

/** One connected CRM per provider: its credential (sealed) and how its fields map onto ours. */
export const crmConnections = pgTable('crm_connections', {
  id: uuid('id').primaryKey().defaultRandom(),
  provider: crmProviderEnum('provider').notNull().unique(),
  /** Private-app access token, sealed with the secret box. */
  tokenSealed: text('token_sealed').notNull(),
  /** Provider API base URL (tests point it at a loopback fake). */
  baseUrl: text('base_url'),
  /** Field mapping and choices: `{ renewalDateProperty, syncEveryMinutes, writeBack }`. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  enabled: boolean('enabled').notNull().default(true),
  /** High-water mark of the last finished sync: the next one asks for records modified since. */
  lastSyncedThrough: timestamp('last_synced_through', { withTimezone: true }),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  ...timestamps,
});

export const syncStatusEnum = pgEnum('crm_sync_status', ['running', 'succeeded', 'failed']);

/** One sync: progress as it goes, resumable from `cursor` after a crash, and the result report at the end. */
export const crmSyncRuns = pgTable(
  'crm_sync_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => crmConnections.id, { onDelete: 'cascade' }),
    status: syncStatusEnum('status').notNull().default('running'),
    /** `schedule` or `manual`. */
    trigger: text('trigger').notNull(),
    /** Records modified after this are fetched (null = everything: the first sync). */
    modifiedSince: timestamp('modified_since', { withTimezone: true }),
    /** Where to go on: the phase and the provider's paging cursor, saved after each page. */
    cursor: jsonb('cursor').$type<Record<string, unknown>>(),
    /** Counts so far: created, updated, skipped, written back, per object type. */
    progress: jsonb('progress').$type<Record<string, unknown>>().notNull().default({}),
    /** Skipped records with their reasons (capped), for the result report. */
    report: jsonb('report').$type<unknown[]>().notNull().default([]),
    error: text('error'),
    /** Heartbeat: a run whose worker died is taken over once this is old. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('crm_sync_runs_connection_started_idx').on(t.connectionId, t.startedAt),
    // At most one running sync per connection, whatever the number of processes.
    uniqueIndex('crm_sync_runs_one_running_idx').on(t.connectionId).where(sql`${t.status} = 'running'`),
  ],
);

/** Which CRM record is which of ours: the key that makes a re-sync update instead of duplicate. */
export const crmLinks = pgTable(
  'crm_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: crmProviderEnum('provider').notNull(),
    /** `company` ↔ account, `contact` ↔ contact. */
    objectType: text('object_type').notNull(),
    externalId: text('external_id').notNull(),
    localId: uuid('local_id').notNull(),
    /** The CRM's last-modified time when we last read it, and ours when we last wrote from or to it (conflict rule). */
    remoteModifiedAt: timestamp('remote_modified_at', { withTimezone: true }),
    localSyncedAt: timestamp('local_synced_at', { withTimezone: true }),
    /** Hash of what we last wrote back, so an unchanged NPS is not written again. */
    writtenBackHash: text('written_back_hash'),
    writtenBackAt: timestamp('written_back_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('crm_links_external_idx').on(t.provider, t.objectType, t.externalId),
    uniqueIndex('crm_links_local_idx').on(t.provider, t.objectType, t.localId),
  ],
);

/*
 * Imports (portfolio file, Delighted). One row per import run, for its report and so a repeated import of the same
 * file is recognised.
 */
export const importRuns = pgTable(
  'import_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `portfolio`, `delighted`. */
    source: text('source').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    fileName: text('file_name'),
    /** SHA-256 of the uploaded bytes. */
    fileHash: text('file_hash'),
    dryRun: boolean('dry_run').notNull(),
    /** Counts: created, updated, skipped, errors. */
    summary: jsonb('summary').$type<Record<string, number>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('import_runs_source_created_idx').on(t.source, t.createdAt)],
);
