import { and, eq, sql, type Column, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../rows.js';
import { accounts, campaigns, contacts, invitations, responses, surveyVersions } from '../schema/index.js';
import type { Level } from '../../../shared/schemas/contact.js';
import type { NpsWaveCoverage } from '../../../shared/schemas/report.js';
import type { Stage } from '../../../shared/schemas/account.js';

/** Which accounts a trend covers; every field given must hold (a manager's reports add their own ownerId). */
export interface NpsScopeFilter {
  accountId?: string;
  ownerId?: string;
  industry?: string;
  stage?: Stage;
}

/**
 * The report's periods as the instants they start at, in order, plus the end of the last one. The caller computes
 * them with the domain's period functions in the company's time zone (local midnight, daylight saving included),
 * so SQL never re-derives calendars: it only finds which period an instant falls in.
 */
export interface PeriodStarts {
  starts: Date[];
  end: Date;
}

/** Counts per period, by the period's position in `starts` (0-based). */
export interface PeriodScores {
  period: number;
  /** How many answers gave each score 0–10 (the caller buckets them with the domain's NPS category rule). */
  scores: Map<number, number>;
}

/**
 * When an answer counts: its completion time, else its last save (a partial response counts once it has a score).
 * Written exactly as in the index `responses_account_answered_idx`, so the planner uses the index and its statistics.
 */
/** The campaigns whose survey asks the NPS question: only their invitations count as NPS invitations. */
export const npsCampaignIds = sql`select ${campaigns.id} from ${campaigns}
  join ${surveyVersions} on ${surveyVersions.id} = ${campaigns.surveyVersionId}
  where ${surveyVersions.definition} -> 'questions' @> '[{"kind":"nps"}]'::jsonb
    and ${campaigns.importedFrom} is null`;

/**
 * Campaigns holding answers imported from another tool (Delighted): their answers count in NPS trends, but their
 * invitations were not sent by this installation and the export lists no one who did not answer — so they count
 * neither as invitations (a response rate of 100 %) nor as a wave.
 */
export const importedCampaignIds = sql`select ${campaigns.id} from ${campaigns} where ${campaigns.importedFrom} is not null`;

export const npsAnsweredAt = sql`coalesce(${responses.completedAt}, ${responses.updatedAt})`;

/**
 * Rows joined to the period they fall in. `width_bucket` finds the period by binary search over the period starts
 * (cheaper per row than converting every timestamp to local time), and joining on the period list, rather than
 * grouping by an expression of the timestamp, lets PostgreSQL see that there are only a few groups: it then plans a
 * parallel hash aggregate instead of sorting a million rows.
 */
function periodJoin(at: SQL, periods: PeriodStarts): { join: SQL; inRange: SQL } {
  const starts = `{${periods.starts.map((d) => d.toISOString()).join(',')}}`;
  return {
    join: sql`join unnest(${starts}::timestamptz[]) with ordinality as p(start, idx)
      on p.idx = width_bucket(${at}, ${starts}::timestamptz[])`,
    inRange: sql`${at} >= ${periods.starts[0]!.toISOString()}::timestamptz and ${at} < ${periods.end.toISOString()}::timestamptz`,
  };
}

/** Restricts rows whose account id is `accountColumn` to the scope. */
function scopeCondition(accountColumn: Column, filter: NpsScopeFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.accountId) conditions.push(sql`${accountColumn} = ${filter.accountId}::uuid`);
  const onAccount: SQL[] = [];
  if (filter.ownerId) onAccount.push(eq(accounts.ownerId, filter.ownerId));
  if (filter.industry) onAccount.push(sql`lower(${accounts.industry}) = lower(${filter.industry})`);
  if (filter.stage) onAccount.push(eq(accounts.stage, filter.stage));
  if (onAccount.length) conditions.push(sql`${accountColumn} in (select ${accounts.id} from ${accounts} where ${and(...onAccount)})`);
  return conditions.length ? and(...conditions) : undefined;
}

/**
 * Scored answers per period and score, counted in SQL (at most 11 rows per period reach Node, however many answers
 * there are). Periods without answers are absent: the caller lists every period of the range.
 */
export async function countNpsScoresByPeriod(db: Db, filter: NpsScopeFilter, periods: PeriodStarts): Promise<PeriodScores[]> {
  if (!periods.starts.length) return [];
  const scope = scopeCondition(responses.accountId, filter);
  const { join, inRange } = periodJoin(npsAnsweredAt, periods);
  const result = await db.execute(sql`
    select (p.idx - 1)::int as period, ${responses.npsScore} as score, count(*)::int as n
    from ${responses}
    ${join}
    where ${responses.npsScore} is not null and ${inRange} ${scope ? sql`and ${scope}` : sql``}
    group by 1, 2`);
  const byPeriod = new Map<number, Map<number, number>>();
  for (const row of rowsOf<{ period: number; score: number; n: number }>(result)) {
    const scores = byPeriod.get(Number(row.period)) ?? new Map<number, number>();
    scores.set(Number(row.score), Number(row.n));
    byPeriod.set(Number(row.period), scores);
  }
  return [...byPeriod].map(([period, scores]) => ({ period, scores }));
}

/**
 * Invitations sent per period (by `sent_at`), counting only campaigns whose survey version asks the NPS question:
 * an invitation to a survey without one can never produce a score. Keyed by the period's position.
 */
export async function countNpsInvitationsByPeriod(db: Db, filter: NpsScopeFilter, periods: PeriodStarts): Promise<Map<number, number>> {
  if (!periods.starts.length) return new Map();
  const scope = scopeCondition(invitations.accountId, filter);
  const { join, inRange } = periodJoin(sql`${invitations.sentAt}`, periods);
  const result = await db.execute(sql`
    select (p.idx - 1)::int as period, count(*)::int as n
    from ${invitations}
    ${join}
    where ${inRange}
      and ${invitations.campaignId} in (${npsCampaignIds})
      ${scope ? sql`and ${scope}` : sql``}
    group by 1`);
  return new Map(rowsOf<{ period: number; n: number }>(result).map((r) => [Number(r.period), Number(r.n)]));
}

/**
 * As countNpsScoresByPeriod, per decision level of the contact who answered (the contact's level now: levels are
 * not recorded per answer). Every answer has its contact row (erasure keeps the row), so the levels add up to the whole.
 */
export async function countNpsScoresByPeriodAndLevel(db: Db, filter: NpsScopeFilter, periods: PeriodStarts): Promise<(PeriodScores & { level: Level })[]> {
  if (!periods.starts.length) return [];
  const scope = scopeCondition(responses.accountId, filter);
  const { join, inRange } = periodJoin(npsAnsweredAt, periods);
  const result = await db.execute(sql`
    select (p.idx - 1)::int as period, c.level, ${responses.npsScore} as score, count(*)::int as n
    from ${responses}
    join ${contacts} c on c.id = ${responses.contactId}
    ${join}
    where ${responses.npsScore} is not null and ${inRange} ${scope ? sql`and ${scope}` : sql``}
    group by 1, 2, 3`);
  const byKey = new Map<string, PeriodScores & { level: Level }>();
  for (const row of rowsOf<{ period: number; level: Level; score: number; n: number }>(result)) {
    const key = `${row.level}:${row.period}`;
    const entry = byKey.get(key) ?? { level: row.level, period: Number(row.period), scores: new Map<number, number>() };
    entry.scores.set(Number(row.score), Number(row.n));
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

/** As countNpsInvitationsByPeriod, per decision level of the contact invited. */
export async function countNpsInvitationsByPeriodAndLevel(
  db: Db,
  filter: NpsScopeFilter,
  periods: PeriodStarts,
): Promise<{ level: Level; period: number; n: number }[]> {
  if (!periods.starts.length) return [];
  const scope = scopeCondition(invitations.accountId, filter);
  const { join, inRange } = periodJoin(sql`${invitations.sentAt}`, periods);
  const result = await db.execute(sql`
    select (p.idx - 1)::int as period, c.level, count(*)::int as n
    from ${invitations}
    join ${contacts} c on c.id = ${invitations.contactId}
    ${join}
    where ${inRange}
      and ${invitations.campaignId} in (${npsCampaignIds})
      ${scope ? sql`and ${scope}` : sql``}
    group by 1, 2`);
  return rowsOf<{ period: number; level: Level; n: number }>(result).map((r) => ({ level: r.level, period: Number(r.period), n: Number(r.n) }));
}

/**
 * The account's latest wave as the risk report finds it (the latest invitation sent, any campaign; its campaign and
 * wave), then that wave's sent invitations to the account per contact level, and how many were answered (anything
 * saved sets `responded_at`). Null when no wave has reached the account.
 */
export async function latestWaveCoverage(db: Db, accountId: string): Promise<NpsWaveCoverage | null> {
  const result = await db.execute(sql`
    with w as (
      select i.campaign_id, i.wave, i.sent_at from ${invitations} i
      where i.account_id = ${accountId}::uuid and i.sent_at is not null
        and i.campaign_id not in (${importedCampaignIds})
      order by i.sent_at desc limit 1
    )
    select w.campaign_id, w.wave, w.sent_at, cp.name as campaign_name, c.level,
      count(i.id)::int as asked, count(i.responded_at)::int as answered
    from w
    join ${campaigns} cp on cp.id = w.campaign_id
    left join ${invitations} i on i.account_id = ${accountId}::uuid and i.campaign_id = w.campaign_id and i.wave = w.wave and i.status = 'sent'
    left join ${contacts} c on c.id = i.contact_id
    group by 1, 2, 3, 4, 5`);
  const rows = rowsOf<{ campaign_id: string; wave: number; sent_at: Date | string; campaign_name: string; level: Level | null; asked: number; answered: number }>(result);
  const first = rows[0];
  if (!first) return null;
  const levels = (['instigator', 'influencer', 'implementer'] as const).map((level) => {
    const row = rows.find((r) => r.level === level);
    return { level, asked: Number(row?.asked ?? 0), answered: Number(row?.answered ?? 0) };
  });
  return {
    campaignId: first.campaign_id,
    campaignName: first.campaign_name,
    wave: Number(first.wave),
    sentAt: new Date(first.sent_at).toISOString(),
    asked: levels.reduce((sum, l) => sum + l.asked, 0),
    answered: levels.reduce((sum, l) => sum + l.answered, 0),
    levels,
  };
}

/** The ways the overview splits the portfolio's NPS; `portfolio` is the whole of it. */
export type NpsSplit = 'portfolio' | 'industry' | 'stage' | 'owner';

/** One group of a split: an industry (lower-cased, as the industry scope matches it), a stage or an owner id. */
export interface NpsSplitCount {
  split: NpsSplit;
  /** Null for the portfolio, and for accounts without an industry. */
  group: string | null;
  period: number;
  n: number;
}

/**
 * One pass over the answers (or invitations) counts the portfolio and every industry, stage and owner, each group
 * exactly as its own trend counts it (an industry matches case-insensitively, as `scope=industry:<name>` does). The
 * inner query counts per period and per account kind (industry as written, stage, owner) — a partial aggregate that
 * PostgreSQL runs in its parallel workers, so only a few thousand rows leave them; the outer one rolls those up with
 * GROUPING SETS. Measured at 1M answers against grouping the joined rows directly: about twice as fast (lower() is
 * applied to the few inner rows, not to every answer). A few hundred rows reach Node.
 */
const splitColumns = sql`case when grouping(lower(g.industry)) = 0 then 'industry' when grouping(g.stage) = 0 then 'stage'
    when grouping(g.owner_id) = 0 then 'owner' else 'portfolio' end as split,
  coalesce(lower(g.industry), g.stage::text, g.owner_id::text) as "group"`;
const splitSets = (by: SQL) =>
  sql`grouping sets ((${by}), (${by}, lower(g.industry)), (${by}, g.stage), (${by}, g.owner_id))`;
const ownedBy = (ownerId: string | null) => (ownerId ? sql`and a.owner_id = ${ownerId}::uuid` : sql``);

/** Scored answers per split group, period and score, for the portfolio of `ownerId` (a manager) or everyone. */
export async function countNpsScoresBySplit(db: Db, ownerId: string | null, periods: PeriodStarts): Promise<(NpsSplitCount & { score: number })[]> {
  if (!periods.starts.length) return [];
  const { join, inRange } = periodJoin(npsAnsweredAt, periods);
  const result = await db.execute(sql`
    select ${splitColumns}, (g.idx - 1)::int as period, g.score, sum(g.n)::int as n
    from (
      select p.idx, ${responses.npsScore} as score, a.industry, a.stage, a.owner_id, count(*) as n
      from ${responses}
      join ${accounts} a on a.id = ${responses.accountId}
      ${join}
      where ${responses.npsScore} is not null and ${inRange} ${ownedBy(ownerId)}
      group by 1, 2, 3, 4, 5
    ) g
    group by ${splitSets(sql`g.idx, g.score`)}`);
  return rowsOf<NpsSplitCount & { score: number }>(result).map((r) => ({ ...r, period: Number(r.period), score: Number(r.score), n: Number(r.n) }));
}

/** Invitations sent per split group and period (campaigns that ask the NPS question), as countNpsInvitationsByPeriod. */
export async function countNpsInvitationsBySplit(db: Db, ownerId: string | null, periods: PeriodStarts): Promise<NpsSplitCount[]> {
  if (!periods.starts.length) return [];
  const { join, inRange } = periodJoin(sql`${invitations.sentAt}`, periods);
  const result = await db.execute(sql`
    select ${splitColumns}, (g.idx - 1)::int as period, sum(g.n)::int as n
    from (
      select p.idx, a.industry, a.stage, a.owner_id, count(*) as n
      from ${invitations}
      join ${accounts} a on a.id = ${invitations.accountId}
      ${join}
      where ${inRange}
        and ${invitations.campaignId} in (${npsCampaignIds})
        ${ownedBy(ownerId)}
      group by 1, 2, 3, 4
    ) g
    group by ${splitSets(sql`g.idx`)}`);
  return rowsOf<NpsSplitCount>(result).map((r) => ({ ...r, period: Number(r.period), n: Number(r.n) }));
}
