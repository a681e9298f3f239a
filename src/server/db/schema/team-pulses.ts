import { sql } from 'drizzle-orm';
import { check, index, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { users } from './users.js';

/*
 * Our own team's voice (issue 14, part 4): each half-year, the people of a key account's team (its owner and its
 * account-team members) answer in the app how well we deliver to that account. One answer per person, account and
 * half; answering again in the same half revises it.
 */
export const teamPulseAnswers = pgTable(
  'team_pulse_answers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The half-year it answers for: `YYYY-H1` or `YYYY-H2`. */
    period: text('period').notNull(),
    /** How well we deliver to this account, 0–10. */
    deliveryMark: smallint('delivery_mark').notNull(),
    /** How smoothly our departments work together for this account, 0–10 (10 = no friction). */
    collaborationMark: smallint('collaboration_mark').notNull(),
    /** Where our departments rub against each other for this account. */
    friction: text('friction'),
    /** What we should do differently. */
    doDifferently: text('do_differently'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('team_pulse_answers_account_user_period_idx').on(t.accountId, t.userId, t.period),
    index('team_pulse_answers_period_idx').on(t.period),
    check('team_pulse_answers_period_check', sql`${t.period} ~ '^[0-9]{4}-H[12]$'`),
    check('team_pulse_answers_delivery_check', sql`${t.deliveryMark} between 0 and 10`),
    check('team_pulse_answers_collaboration_check', sql`${t.collaborationMark} between 0 and 10`),
  ],
);
