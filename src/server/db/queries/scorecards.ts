import { and, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accountPlans, contacts, responses, touchpoints } from '../schema/index.js';
import { npsAnsweredAt } from './nps-report.js';

/**
 * What the scorecards read besides the program evaluation's queries (db/queries/program-report.ts): our share of
 * the customer's spend from each plan, and which decision levels answered a survey, or were met, in a range.
 */

/** Our share of the customer's spend (percent) as each account's plan records it; accounts without a plan are absent. */
export async function listShareOfSpend(db: Db, accountIds: string[]) {
  if (!accountIds.length) return [];
  return db
    .select({ accountId: accountPlans.accountId, ourShareOfSpend: accountPlans.ourShareOfSpend })
    .from(accountPlans)
    .where(inArray(accountPlans.accountId, accountIds));
}

/** Distinct (account, level) pairs of current contacts at a touchpoint (meeting, call, visit…) on days in [from, to). */
export async function listTouchedLevels(db: Db, accountIds: string[], from: string, to: string) {
  if (!accountIds.length) return [];
  return db
    .selectDistinct({ accountId: contacts.accountId, level: contacts.level })
    .from(touchpoints)
    .innerJoin(contacts, sql`${contacts.id} = any(${touchpoints.contactIds})`)
    .where(and(inArray(touchpoints.accountId, accountIds), isNull(contacts.deletedAt), sql`${touchpoints.occurredOn} >= ${from}::date`, sql`${touchpoints.occurredOn} < ${to}::date`));
}

/** Distinct (account, level) pairs of current contacts who answered (completed, or gave a score) in [start, end). */
export async function listAnsweredLevels(db: Db, accountIds: string[], start: Date, end: Date) {
  if (!accountIds.length) return [];
  return db
    .selectDistinct({ accountId: contacts.accountId, level: contacts.level })
    .from(responses)
    .innerJoin(contacts, sql`${contacts.id} = ${responses.contactId}`)
    .where(
      and(
        inArray(responses.accountId, accountIds),
        isNull(contacts.deletedAt),
        or(isNotNull(responses.completedAt), isNotNull(responses.npsScore)),
        sql`${npsAnsweredAt} >= ${start.toISOString()}::timestamptz`,
        sql`${npsAnsweredAt} < ${end.toISOString()}::timestamptz`,
      ),
    );
}
