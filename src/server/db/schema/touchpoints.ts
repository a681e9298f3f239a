import { sql } from 'drizzle-orm';
import { date, index, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { timestamps, users } from './users.js';

export const touchpointKindEnum = pgEnum('touchpoint_kind', ['meeting', 'call', 'visit', 'qbr', 'social_event', 'email_thread']);

/**
 * A moment the two companies met between surveys: a meeting, call, visit, QBR, social event or email thread.
 * The people present are kept as id arrays (their contacts, our users): a touchpoint is read whole, and the
 * people map's freshness is computed from an account's touchpoints, never joined the other way round.
 */
export const touchpoints = pgTable(
  'touchpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    /** The day it happened (a calendar date: touchpoints are logged by day, not by minute). */
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    kind: touchpointKindEnum('kind').notNull(),
    notes: text('notes'),
    contactIds: uuid('contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    userIds: uuid('user_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdBy: uuid('created_by').references(() => users.id),
    ...timestamps,
  },
  (t) => [index('touchpoints_account_date_idx').on(t.accountId, t.occurredOn)],
);
