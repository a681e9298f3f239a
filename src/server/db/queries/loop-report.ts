import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../rows.js';
import { accounts, responses, tasks } from '../schema/index.js';

/**
 * The loop metrics counted in the database, per manager and for the whole scope (the overview; GET /api/reports/loop
 * measures rows in Node with domain/loop-metrics.ts, and a test holds the two to the same figures). Every task and
 * every scored answer of the scope, no date range.
 */

export interface TaskLoopCounts {
  /** The assignee; null for the row of the whole scope. */
  userId: string | null;
  tasks: number;
  open: number;
  medianHoursToFirstAction: number | null;
  medianHoursToClose: number | null;
  closed: number;
  closedOnTime: number;
}

/**
 * Tasks on the scope's accounts per assignee, and all of them. Hours are measured between millisecond-truncated
 * instants, as Node sees them, so the medians match the row-by-row measure.
 */
export async function countTaskLoop(db: Db, ownerId: string | null): Promise<TaskLoopCounts[]> {
  const hours = (at: string) => sql.raw(`extract(epoch from date_trunc('milliseconds', t.${at}) - date_trunc('milliseconds', t.created_at))::float8 / 3600`);
  const closed = sql`t.closed_at is not null and t.status in ('done', 'dismissed')`;
  const result = await db.execute(sql`
    select t.assignee_id as "userId", count(*)::int as tasks,
      count(*) filter (where t.status in ('open', 'in_progress'))::int as open,
      percentile_cont(0.5) within group (order by ${hours('first_action_at')}) filter (where t.first_action_at is not null) as "medianHoursToFirstAction",
      percentile_cont(0.5) within group (order by ${hours('closed_at')}) filter (where ${closed}) as "medianHoursToClose",
      count(*) filter (where ${closed})::int as closed,
      count(*) filter (where ${closed} and t.closed_at <= t.due_at)::int as "closedOnTime"
    from ${tasks} t join ${accounts} a on a.id = t.account_id
    ${ownerId ? sql`where a.owner_id = ${ownerId}::uuid` : sql``}
    group by grouping sets ((t.assignee_id), ())`);
  return rowsOf<TaskLoopCounts>(result).map((r) => ({
    ...r,
    medianHoursToFirstAction: r.medianHoursToFirstAction === null ? null : Number(r.medianHoursToFirstAction),
    medianHoursToClose: r.medianHoursToClose === null ? null : Number(r.medianHoursToClose),
  }));
}

export interface DetractorLoopCounts {
  /** The account owner; null for the row of the whole scope. */
  userId: string | null;
  /** Detractor answers (0–6) followed by a later answer from the same person… */
  followedUp: number;
  /** …and those whose next answer was higher. */
  improved: number;
}

/**
 * Per account owner (and for the whole scope): each scored answer paired with the same contact's next one, in the
 * order they were last saved. Owners with answers but no detractor get a row of zeros, as they do in the loop report.
 */
export async function countDetractorLoop(db: Db, ownerId: string | null): Promise<DetractorLoopCounts[]> {
  const result = await db.execute(sql`
    select a.owner_id as "userId",
      count(*) filter (where r.score <= 6 and r.next_score is not null)::int as "followedUp",
      count(*) filter (where r.score <= 6 and r.next_score > r.score)::int as improved
    from (
      select ${responses.accountId} as account_id, ${responses.npsScore} as score,
        lead(${responses.npsScore}) over (partition by ${responses.contactId} order by ${responses.updatedAt}) as next_score
      from ${responses}
      where ${responses.npsScore} is not null
        ${ownerId ? sql`and ${responses.accountId} in (select id from ${accounts} where owner_id = ${ownerId}::uuid)` : sql``}
    ) r
    join ${accounts} a on a.id = r.account_id
    group by grouping sets ((a.owner_id), ())`);
  return rowsOf<DetractorLoopCounts>(result);
}
