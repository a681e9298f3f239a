import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../rows.js';
import { accounts, campaigns, contacts, invitations, pulses, responses, surveys, tasks, touchpoints, users } from '../schema/index.js';
import type { Level } from '../../../shared/schemas/contact.js';
import type { NpsCounts } from '../../domain/nps-stats.js';
import { importedCampaignIds, npsCampaignIds } from './nps-report.js';

/**
 * The facts behind the risk report, for every account in scope at once: a fixed handful of statements whatever
 * the number of accounts (run side by side), never a query per account. Where a fact needs "the latest X of each
 * account" (NPS quarter, survey wave), one statement walks an index once per account (lateral joins), so the work
 * grows with the accounts, not with years of history. Shapes are raw counts; turning them into risk is the
 * domain's job (domain/risk.ts).
 */

export interface RiskAccountRow {
  id: string;
  name: string;
  stage: 'key_account' | 'customer';
  renewalDate: string | null;
  owner: { id: string; name: string; email: string };
}

/** NPS counts of one report quarter; `quarter` indexes the bounds the facts were loaded with (0 = the oldest). */
export interface QuarterCounts {
  quarter: number;
  counts: NpsCounts;
}

/** The latest quarter also counts its NPS invitations: the contact list asked, for the margin's population rule. */
export interface LatestQuarterCounts extends QuarterCounts {
  /** Invitations sent to the account in the quarter by campaigns that ask the NPS question (as the NPS trend). */
  invited: number;
}

export interface RiskFacts {
  /** The latest quarter with answers, and the quarter with answers before it. */
  nps: Map<string, { latest: LatestQuarterCounts; previous: QuarterCounts | null }>;
  tasks: Map<string, { open: number; overdue: number; overdueHighPriority: number }>;
  lastWave: Map<string, { invited: number; responses: number; sentAt: Date }>;
  contacts: Map<string, Record<Level, number>>;
  latestAudit: Map<string, { marks: number[]; supplier: number; partner: number }>;
  /** Accounts with touchpoints logged: each live contact's last touch, and whether they answered the last two waves. */
  touches: Map<string, TouchedContact[]>;
}

export interface TouchedContact {
  name: string;
  level: Level;
  decisionMaker: boolean;
  /** YYYY-MM-DD, null when never touched. */
  lastTouchOn: string | null;
  /** Null when the account has had fewer than two waves. */
  answeredLastTwoWaves: boolean | null;
}

export interface RiskScope {
  /** Only this owner's accounts (managers; `owner=` filters); null for the whole portfolio. */
  ownerId: string | null;
  /** Only these accounts (a page of the accounts list); absent for every account of the scope. */
  accountIds?: string[];
}

const idArray = (ids: string[]) => `{${ids.join(',')}}`;

/** Accounts the report covers: key accounts and other customers, not archived. */
export async function listRiskAccounts(db: Db, scope: RiskScope): Promise<RiskAccountRow[]> {
  const conditions: SQL[] = [eq(accounts.archived, false), inArray(accounts.stage, ['key_account', 'customer'])];
  if (scope.ownerId) conditions.push(eq(accounts.ownerId, scope.ownerId));
  if (scope.accountIds) conditions.push(inArray(accounts.id, scope.accountIds));
  const rows = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      stage: accounts.stage,
      renewalDate: accounts.renewalDate,
      owner: { id: users.id, name: users.name, email: users.email },
    })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .where(and(...conditions));
  return rows as RiskAccountRow[];
}

/**
 * Gathers every fact the risk score needs, for the accounts in scope.
 *
 * `quarterBounds` are the instants where the report's quarters start (in the company's time zone, computed by
 * domain/periods.ts) plus the end of the last one: answers are put in quarters with width_bucket over these
 * bounds, so the database's time-zone tables play no part and the quarters match the NPS report's. The latest
 * NPS must fall in the last `latestWithinQuarters` of them; the previous one anywhere before it.
 */
export async function loadRiskFacts(
  db: Db,
  scope: RiskScope,
  options: { now: Date; quarterBounds: Date[]; latestWithinQuarters: number },
): Promise<RiskFacts> {
  const { now, quarterBounds } = options;
  const stamp = now.toISOString();
  const inScope = sql`(select a.id from ${accounts} a where not a.archived and a.stage in ('key_account', 'customer')
    ${scope.ownerId ? sql`and a.owner_id = ${scope.ownerId}::uuid` : sql``}
    ${scope.accountIds ? sql`and a.id = any(${idArray(scope.accountIds)}::uuid[])` : sql``})`;
  const bounds = `{${quarterBounds.map((d) => `"${d.toISOString()}"`).join(',')}}`;
  // When an answer was given: when it was completed, or last saved for one never completed (as the NPS report).
  // Written exactly as responses_account_answered_idx, so that index serves the NPS steps below.
  const answeredAt = sql`coalesce(r.completed_at, r.updated_at)`;
  const countsIn = (bucket: SQL) => sql`
    select count(*) filter (where r.nps_score >= 9)::int as promoters,
      count(*) filter (where r.nps_score between 7 and 8)::int as passives,
      count(*) filter (where r.nps_score <= 6)::int as detractors
    from ${responses} r
    where r.account_id = a.id and r.nps_score is not null
      and ${answeredAt} >= q.bounds[${bucket}] and ${answeredAt} < q.bounds[${bucket} + 1]`;

  const quarters = quarterBounds.length - 1;
  const latestFrom = Math.max(1, quarters - options.latestWithinQuarters + 1);
  const auditCampaigns = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .innerJoin(surveys, eq(surveys.id, campaigns.surveyId))
    .where(eq(surveys.kind, 'audit'));
  const auditIds = `{${auditCampaigns.map((c) => c.id).join(',')}}`;

  const [npsRows, taskRows, waveRows, contactRows, auditRows, touchRows] = await Promise.all([
    // Per account: the latest quarter with answers (within the last `latestWithinQuarters`) and the quarter with
    // answers before it, each found with one backward step on responses_account_answered_idx, then counted over
    // that quarter's rows only. The work grows with the accounts and one quarter's answers each, not with years
    // of history (a scan of the whole window costs ~2× more at 1M answers and keeps growing).
    db.execute(sql`
      with q(bounds) as (select ${bounds}::timestamptz[])
      select a.id as account_id, l.bucket as latest, lc.promoters as l_promoters, lc.passives as l_passives,
        lc.detractors as l_detractors, p.bucket as previous, pc.promoters as p_promoters, pc.passives as p_passives,
        pc.detractors as p_detractors, li.invited as l_invited
      from ${inScope} as a(id) cross join q
      cross join lateral (
        select width_bucket(${answeredAt}, q.bounds)::int as bucket from ${responses} r
        where r.account_id = a.id and r.nps_score is not null
          and ${answeredAt} >= q.bounds[${latestFrom}::int] and ${answeredAt} < q.bounds[${quarters + 1}::int]
        order by ${answeredAt} desc limit 1
      ) l
      cross join lateral (${countsIn(sql`l.bucket`)}) lc
      cross join lateral (
        select count(*)::int as invited from ${invitations} i
        where i.account_id = a.id and i.sent_at >= q.bounds[l.bucket] and i.sent_at < q.bounds[l.bucket + 1]
          and i.campaign_id in (${npsCampaignIds})
      ) li
      left join lateral (
        select width_bucket(${answeredAt}, q.bounds)::int as bucket from ${responses} r
        where r.account_id = a.id and r.nps_score is not null
          and ${answeredAt} >= q.bounds[1] and ${answeredAt} < q.bounds[l.bucket]
        order by ${answeredAt} desc limit 1
      ) p on true
      left join lateral (${countsIn(sql`p.bucket`)}) pc on true`),
    db.execute(sql`
      select t.account_id, count(*)::int as open,
        count(*) filter (where t.due_at < ${stamp}::timestamptz)::int as overdue,
        count(*) filter (where t.due_at < ${stamp}::timestamptz and t.priority = 'high')::int as overdue_high
      from ${tasks} t
      where t.status in ('open', 'in_progress') and t.account_id in ${inScope}
      group by 1`),
    // The latest wave that reached each account (by send time), then how many of that wave's invitations to
    // the account were answered: two index walks per account (invitations_account_sent_idx, then
    // invitations_account_campaign_wave_idx), planned as one statement.
    db.execute(sql`
      select a.id as account_id, w.sent_at, n.invited, n.responded
      from ${inScope} as a(id)
      cross join lateral (
        select i.campaign_id, i.wave, i.sent_at from ${invitations} i
        where i.account_id = a.id and i.sent_at is not null
          -- A pulse after an event (a one-contact campaign) is not a survey wave of the account.
          and not exists (select 1 from ${pulses} p where p.campaign_id = i.campaign_id)
          -- Nor are answers imported from another tool (they were not asked by this installation).
          and i.campaign_id not in (${importedCampaignIds})
        order by i.sent_at desc limit 1
      ) w
      cross join lateral (
        select count(*)::int as invited, count(i.responded_at)::int as responded from ${invitations} i
        where i.account_id = a.id and i.campaign_id = w.campaign_id and i.wave = w.wave and i.status = 'sent'
      ) n`),
    db
      .select({ accountId: contacts.accountId, level: contacts.level, n: sql<number>`count(*)::int` })
      .from(contacts)
      .where(and(isNull(contacts.deletedAt), eq(contacts.bounced, false), sql`${contacts.accountId} in ${inScope}`))
      .groupBy(contacts.accountId, contacts.level),
    // The latest audit each account answered (the campaign wave of its most recent audit answer), with every
    // marks-out-of-ten answer and the supplier/partner split of that wave. Audit responses are found through
    // their campaigns, listed first (responses_campaign_idx): a few campaigns, not a scan of every answer.
    db.execute(sql`
      with audit as (
        select r.account_id, r.campaign_id, i.wave, ${answeredAt} as at, r.answers
        from ${responses} r
        join ${invitations} i on i.id = r.invitation_id
        where r.campaign_id = any(${auditIds}::uuid[]) and r.answers <> '{}'::jsonb and r.account_id in ${inScope}
      ), latest as (
        select distinct on (account_id) account_id, campaign_id, wave from audit order by account_id, at desc
      )
      select a.account_id,
        coalesce(array_agg((a.answers ->> 'marks')::int order by a.at)
          filter (where jsonb_typeof(a.answers -> 'marks') = 'number'), '{}')::int[] as marks,
        count(*) filter (where a.answers -> 'supplier_or_partner' -> 'selected' ? 'supplier')::int as supplier,
        count(*) filter (where a.answers -> 'supplier_or_partner' -> 'selected' ? 'partner')::int as partner
      from audit a join latest l on l.account_id = a.account_id and l.campaign_id = a.campaign_id and l.wave = a.wave
      group by a.account_id`),
    // Accounts whose team logs touchpoints: every live contact with their last touch, and whether they answered
    // either of the account's last two waves (by send time).
    db.execute(sql`
      with touched as (
        select distinct t.account_id from ${touchpoints} t where t.account_id in ${inScope}
      ), last_touch as (
        select t.account_id, p.contact_id, max(t.occurred_on)::text as last_on
        from ${touchpoints} t cross join lateral unnest(t.contact_ids) as p(contact_id)
        where t.account_id in (select account_id from touched)
        group by 1, 2
      ), waves as (
        select tw.account_id, w.campaign_id, w.wave from touched tw
        cross join lateral (
          select i.campaign_id, i.wave, max(i.sent_at) as sent from ${invitations} i
          where i.account_id = tw.account_id and i.sent_at is not null
            and i.campaign_id not in (${importedCampaignIds})
          group by i.campaign_id, i.wave order by sent desc limit 2
        ) w
      ), wave_count as (
        select account_id, count(*)::int as n from waves group by account_id
      )
      select c.account_id, c.name, c.level, c.buying_role, lt.last_on, coalesce(wc.n, 0) as waves,
        exists (
          select 1 from waves w join ${invitations} i on i.account_id = w.account_id and i.campaign_id = w.campaign_id and i.wave = w.wave
          where w.account_id = c.account_id and i.contact_id = c.id and i.responded_at is not null
        ) as answered
      from ${contacts} c
      join touched tw on tw.account_id = c.account_id
      left join last_touch lt on lt.account_id = c.account_id and lt.contact_id = c.id
      left join wave_count wc on wc.account_id = c.account_id
      where c.deleted_at is null and c.erased_at is null`),
  ]);

  const facts: RiskFacts = { nps: new Map(), tasks: new Map(), lastWave: new Map(), contacts: new Map(), latestAudit: new Map(), touches: new Map() };
  type Counted = `${'l' | 'p'}_${keyof NpsCounts}`;
  for (const r of rowsOf<{ account_id: string; latest: number; previous: number | null; l_invited: number } & Record<Counted, number>>(npsRows)) {
    facts.nps.set(r.account_id, {
      latest: {
        quarter: r.latest - 1,
        counts: { promoters: r.l_promoters, passives: r.l_passives, detractors: r.l_detractors },
        invited: Number(r.l_invited),
      },
      previous: r.previous
        ? { quarter: r.previous - 1, counts: { promoters: r.p_promoters, passives: r.p_passives, detractors: r.p_detractors } }
        : null,
    });
  }
  for (const r of rowsOf<{ account_id: string; open: number; overdue: number; overdue_high: number }>(taskRows)) {
    facts.tasks.set(r.account_id, { open: r.open, overdue: r.overdue, overdueHighPriority: r.overdue_high });
  }
  for (const r of rowsOf<{ account_id: string; sent_at: Date | string; invited: number; responded: number }>(waveRows)) {
    facts.lastWave.set(r.account_id, { invited: r.invited, responses: r.responded, sentAt: new Date(r.sent_at) });
  }
  for (const r of contactRows) {
    let counts = facts.contacts.get(r.accountId);
    if (!counts) facts.contacts.set(r.accountId, (counts = { instigator: 0, influencer: 0, implementer: 0 }));
    counts[r.level] = Number(r.n);
  }
  for (const r of rowsOf<{ account_id: string; marks: number[] | string; supplier: number; partner: number }>(auditRows)) {
    facts.latestAudit.set(r.account_id, { marks: parseIntArray(r.marks), supplier: r.supplier, partner: r.partner });
  }
  for (const r of rowsOf<{ account_id: string; name: string; level: Level; buying_role: string; last_on: string | null; waves: number; answered: boolean }>(touchRows)) {
    let list = facts.touches.get(r.account_id);
    if (!list) facts.touches.set(r.account_id, (list = []));
    list.push({
      name: r.name,
      level: r.level,
      decisionMaker: r.buying_role === 'decision_maker',
      lastTouchOn: r.last_on ? String(r.last_on).slice(0, 10) : null,
      answeredLastTwoWaves: Number(r.waves) >= 2 ? Boolean(r.answered) : null,
    });
  }
  return facts;
}

/** int[] arrives parsed from both drivers; a text literal ('{5,8}') is accepted too, to be safe. */
function parseIntArray(value: number[] | string): number[] {
  if (Array.isArray(value)) return value.map(Number);
  return value.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}
