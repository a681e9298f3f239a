import { sql } from 'drizzle-orm';
import { boolean, check, index, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, contacts } from './accounts.js';
import { campaigns, skipReasonEnum, surveys } from './surveys.js';
import { timestamps, users } from './users.js';

/*
 * Pulses after an event (issue 14, part 2): an integration tells us "delivery D-1042 reached Ana yesterday", and a
 * short survey follows after the event type's delay. Each pulse is sent as a one-contact campaign, so unsubscribes,
 * bounces, the frequency window, one-click answers, reminders and follow-up rules all work as for any campaign.
 */

/** What kinds of events ask a pulse (`delivery`, `ticket_closed`, `project_milestone`, or admin-defined). */
export const pulseEventTypes = pgTable(
  'pulse_event_types',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The `event` an integration posts: lower-case slug, unique. */
    key: text('key').notNull().unique(),
    name: text('name').notNull(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    /** Business days between the event and the email (0 = the next send run). */
    delayBusinessDays: smallint('delay_business_days').notNull().default(1),
    enabled: boolean('enabled').notNull().default(true),
    ...timestamps,
  },
  (t) => [check('pulse_event_types_delay_check', sql`${t.delayBusinessDays} between 0 and 30`)],
);

export const pulseStatusEnum = pgEnum('pulse_status', ['scheduled', 'sent', 'skipped', 'cancelled']);

/** One event for one contact. The same (event type, reference, contact) is one pulse, however often it is posted. */
export const pulses = pgTable(
  'pulses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventTypeId: uuid('event_type_id')
      .notNull()
      .references(() => pulseEventTypes.id),
    /** The integration's own id for the event (delivery number, ticket id). */
    reference: text('reference').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** When the survey goes: the event plus the event type's delay in business days. */
    sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
    status: pulseStatusEnum('status').notNull().default('scheduled'),
    skipReason: skipReasonEnum('skip_reason'),
    /** The one-contact campaign that sent it, once sent. */
    campaignId: uuid('campaign_id').references(() => campaigns.id),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('pulses_event_reference_contact_idx').on(t.eventTypeId, t.reference, t.contactId),
    index('pulses_status_send_at_idx').on(t.status, t.sendAt),
    index('pulses_account_occurred_idx').on(t.accountId, t.occurredAt),
    uniqueIndex('pulses_campaign_idx').on(t.campaignId).where(sql`${t.campaignId} is not null`),
  ],
);
