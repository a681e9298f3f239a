import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { describe, valid } from '../../http/validate.js';
import { audit } from '../../http/audit.js';
import { requireAuth } from '../../http/auth.js';
import { accountOwnerScope } from '../../domain/permissions.js';
import { compareNps, estimateNpsLevel, type NpsCounts } from '../../domain/nps-stats.js';
import { measureLoop, type ScoreHistory, type TaskTimes } from '../../domain/loop-metrics.js';
import { periodBounds, periodKey, spanBounds } from '../../domain/periods.js';
import { comparedQuarters, previousHalf } from '../../domain/program-evaluation.js';
import { compareAuditMarks, measureCoverage, measureCustomerShare, measureExpansion, type MeanStats } from '../../domain/scorecards.js';
import { countNpsInvitationsByPeriod, countNpsScoresByPeriod } from '../../db/queries/nps-report.js';
import { auditAnswerStats, listAuditWaves } from '../../db/queries/audit-report.js';
import { countContactsByLevel, listKeyAccounts, listLoopTasks, listQuarterValues, listScoreHistory } from '../../db/queries/program-report.js';
import { listAnsweredLevels, listShareOfSpend, listTouchedLevels } from '../../db/queries/scorecards.js';
import type { Db } from '../../db/client.js';
import { npsCategory } from '../../../shared/answers.js';
import { toCsv } from '../../domain/csv.js';
import { ScorecardQuery, ScorecardReport, type Scorecard } from '../../../shared/schemas/scorecards.js';

/**
 * Account managers' scorecards per half year (issue 14, section 5). Each figure reuses the program evaluation's
 * queries and rules: the same compared quarters (a running half compares like with like), the NPS with its margins
 * and change reason, audit marks with margins, the loop metrics; the scorecard rules are domain/scorecards.ts.
 */

/** The audit question whose marks out of ten make the audit trend (survey-templates.ts), as in the program evaluation. */
const AUDIT_MARKS_KEY = 'marks';
const round = (value: number | null, places = 2) => (value === null ? null : Number(value.toFixed(places)));

export const NOTES = [
  'Cross-sell is not scored: Keypulse records no product lines yet, so expansion is revenue growth only.',
  'Relationship coverage counts, per level, key accounts with a contact known, one who answered a survey and one met at a touchpoint in the half.',
  'Customer share is the share of spend recorded in each account plan today, not a history.',
];

type Range = { start: Date; end: Date };

/**
 * NPS of one manager's key accounts, the later range against the earlier (as the program evaluation's npsOf): the
 * answers and invitations of each account in the list, added up — the same accounts the scorecard lists (archived
 * ones left out).
 */
async function npsOf(db: Db, accountIds: string[], earlier: Range, later: Range): Promise<Scorecard['nps']> {
  const starts = earlier.end < later.start ? [earlier.start, earlier.end, later.start] : [earlier.start, later.start];
  const periods = { starts, end: later.end };
  const scoreTotals = new Map<number, Map<number, number>>();
  const invited = new Map<number, number>();
  for (const accountId of accountIds) {
    const [scores, asked] = await Promise.all([countNpsScoresByPeriod(db, { accountId }, periods), countNpsInvitationsByPeriod(db, { accountId }, periods)]);
    for (const { period, scores: byScore } of scores) {
      const total = scoreTotals.get(period) ?? new Map<number, number>();
      for (const [score, n] of byScore) total.set(score, (total.get(score) ?? 0) + n);
      scoreTotals.set(period, total);
    }
    for (const [period, n] of asked) invited.set(period, (invited.get(period) ?? 0) + n);
  }
  const sides = [0, starts.length - 1].map((period) => {
    const counts: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
    for (const [score, n] of scoreTotals.get(period) ?? []) {
      const category = npsCategory(score);
      if (category === 'promoter') counts.promoters += n;
      else if (category === 'passive') counts.passives += n;
      else counts.detractors += n;
    }
    const asked = invited.get(period) ?? 0;
    return { counts, estimate: estimateNpsLevel(counts, { invited: asked }), invited: asked };
  });
  const [previous, current] = sides as [(typeof sides)[number], (typeof sides)[number]];
  const change = compareNps(previous.counts, current.counts);
  const shown = (s: typeof current) => ({
    nps: round(s.estimate.nps),
    marginOfError: round(s.estimate.marginOfError),
    responses: s.estimate.responses,
    invited: s.invited,
    asked: s.estimate.asked,
    everyoneAnswered: s.estimate.everyoneAnswered,
  });
  return {
    current: shown(current),
    previous: shown(previous),
    change: { points: round(change.change), combinedMargin: round(change.combinedMargin), significant: change.significant, reason: change.reason },
  };
}

/** Marks of the audit waves sent in each half, per wave, for a set of accounts. */
async function auditWaveStats(db: Db, accountIds: string[], current: Range, previous: Range) {
  const now: MeanStats[] = [];
  const before: MeanStats[] = [];
  for (const accountId of accountIds) {
    const waves = await listAuditWaves(db, accountId);
    if (!waves.length) continue;
    const stats = (await auditAnswerStats(db, accountId)).filter((s) => s.key === AUDIT_MARKS_KEY);
    for (const wave of waves) {
      const numeric = stats.find((s) => s.campaignId === wave.campaignId && s.wave === wave.wave)?.numeric;
      if (!numeric) continue;
      const entry = { n: numeric.n, mean: numeric.mean, standardDeviation: numeric.standardDeviation };
      if (wave.sentAt >= current.start && wave.sentAt < current.end) now.push(entry);
      else if (wave.sentAt >= previous.start && wave.sentAt < previous.end) before.push(entry);
    }
  }
  return { now, before };
}

export const scorecardRoutes = new Hono<AppEnv>().get(
  '/scorecards',
  describe({
    summary: "Account managers' scorecards per half year: expansion, margin, customer share, NPS, audit marks, loop, coverage",
    description:
      'One scorecard per manager owning key accounts, the half against the previous one (a running half compares its ' +
      'complete quarters with the same quarters before, as the program evaluation): revenue growth of their key accounts ' +
      'with values in both spans, gross margin (gross profit ÷ revenue) and its change in points, our share of the ' +
      "customers' spend from the account plans, NPS with margins, answers (n) and `change.reason`, audit marks out of ten " +
      'pooled over the waves sent in each half with margins, loop metrics of the tasks created in the half, and per decision ' +
      'level the share of key accounts with a contact known, one who answered and one met at a touchpoint. `notes` lists what is not scored yet ' +
      '(cross-sell: no product lines). `period` defaults to the current half in KEYPULSE_TIMEZONE; `format=csv` answers ' +
      'one row per manager. Executives and admins see every manager; a manager only their own scorecard.',
    tags: ['Reports'],
    responses: { 200: ScorecardReport },
  }),
  valid('query', ScorecardQuery),
  async (c) => {
    const { user } = requireAuth(c);
    const { db, config, clock } = c.var.deps;
    const q = c.req.valid('query');
    const now = clock.now();
    const timeZone = config.timeZone;
    const period = q.period ?? periodKey(now, 'half_year', timeZone);
    const previousPeriod = previousHalf(period);
    const span = comparedQuarters(period, periodKey(now, 'quarter', timeZone));
    const [later, earlier] = [spanBounds(span.quarters, timeZone), spanBounds(span.previousQuarters, timeZone)];
    const half = periodBounds(period, timeZone);
    const halfBefore = periodBounds(previousPeriod, timeZone);

    const ownScope = accountOwnerScope(user);
    const keyAccounts = await listKeyAccounts(db, ownScope);
    const managers = new Map<string, { id: string; name: string; accountIds: string[] }>();
    // A manager without key accounts still sees their own (empty) scorecard.
    if (ownScope) managers.set(user.id, { id: user.id, name: user.name, accountIds: [] });
    for (const a of keyAccounts) {
      const m = managers.get(a.ownerId) ?? { id: a.ownerId, name: a.ownerName, accountIds: [] };
      m.accountIds.push(a.id);
      managers.set(a.ownerId, m);
    }
    const ids = keyAccounts.map((a) => a.id);
    // A half's calendar days, for touchpoints (logged by day): 2026-H2 is 2026-07-01 up to 2027-01-01.
    const [year, h] = period.split('-H').map(Number) as [number, number];
    const halfDays = h === 1 ? [`${year}-01-01`, `${year}-07-01`] : [`${year}-07-01`, `${year + 1}-01-01`];
    const [values, levels, answeredLevels, shares, loopTasks, scoreRows, touchedLevels] = await Promise.all([
      listQuarterValues(db, ids, [...span.previousQuarters, ...span.quarters]),
      countContactsByLevel(db, ids),
      listAnsweredLevels(db, ids, half.start, half.end),
      listShareOfSpend(db, ids),
      listLoopTasks(db, ids, half.start, half.end),
      listScoreHistory(db, ids, half.end),
      listTouchedLevels(db, ids, halfDays[0]!, halfDays[1]!),
    ]);

    const scorecards: Scorecard[] = [];
    for (const m of [...managers.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const mine = new Set(m.accountIds);
      const { expansion, margin } = measureExpansion(values.filter((v) => mine.has(v.accountId)), span.quarters, span.previousQuarters);
      const customerShare = measureCustomerShare(m.accountIds.map((id) => shares.find((s) => s.accountId === id)?.ourShareOfSpend ?? null));
      const nps = await npsOf(db, m.accountIds, earlier, later);
      const waves = await auditWaveStats(db, m.accountIds, half, halfBefore);
      const histories = new Map<string, ScoreHistory>();
      for (const r of scoreRows.filter((s) => mine.has(s.accountId))) {
        const h = histories.get(r.contactId) ?? { contactId: r.contactId, accountId: r.accountId, ownerId: r.ownerId, scores: [] };
        h.scores.push({ score: r.score!, at: r.at });
        histories.set(r.contactId, h);
      }
      scorecards.push({
        manager: { id: m.id, name: m.name },
        keyAccounts: m.accountIds.length,
        expansion,
        margin,
        customerShare,
        nps,
        audit: compareAuditMarks(waves.now, waves.before),
        loop: measureLoop(loopTasks.filter((t) => mine.has(t.accountId)) as TaskTimes[], [...histories.values()]),
        coverage: measureCoverage(m.accountIds, levels.filter((l) => l.n > 0), answeredLevels, touchedLevels),
      });
    }
    const report: ScorecardReport = {
      period,
      previousPeriod,
      running: span.running,
      quarters: span.quarters,
      previousQuarters: span.previousQuarters,
      notes: NOTES,
      scorecards,
    };
    if (q.format === 'csv') {
      await audit(c, 'export.downloaded', null, { what: 'scorecards', rows: scorecards.length, filters: q });
      return c.body(scorecardCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="keypulse-scorecards-${period}.csv"`,
      });
    }
    return c.json(report);
  },
);

const csvHeader = [
  'managerId', 'manager', 'period', 'previousPeriod', 'keyAccounts',
  'revenue', 'previousRevenue', 'revenueChange', 'revenueChangeShare', 'accountsCompared', 'accountsGrowing',
  'grossMargin', 'previousGrossMargin', 'grossMarginChangePoints',
  'customerSharePercent', 'customerShareRecorded',
  'nps', 'npsMargin', 'npsResponses', 'previousNps', 'previousNpsMargin', 'previousNpsResponses', 'npsChange', 'npsCombinedMargin', 'npsSignificant', 'npsChangeReason',
  'auditMarks', 'auditMargin', 'auditN', 'previousAuditMarks', 'previousAuditMargin', 'previousAuditN', 'auditChange', 'auditSignificant',
  'loopTasks', 'loopOpen', 'medianHoursToFirstAction', 'medianHoursToClose', 'closedOnTimeShare', 'detractorsFollowedUp', 'detractorsImprovedShare',
  'instigatorsKnown', 'instigatorsAnswered', 'influencersKnown', 'influencersAnswered', 'implementersKnown', 'implementersAnswered',
  'instigatorsTouched', 'influencersTouched', 'implementersTouched',
] as const;

function scorecardCsv(report: ScorecardReport): string {
  const rows = report.scorecards.map((s) => {
    const level = (l: string) => s.coverage.find((c) => c.level === l)!;
    return [
      s.manager.id, s.manager.name, report.period, report.previousPeriod, s.keyAccounts,
      s.expansion.revenue.current, s.expansion.revenue.previous, s.expansion.revenue.change, s.expansion.revenue.changeShare, s.expansion.accounts, s.expansion.growing,
      s.margin.current, s.margin.previous, s.margin.changePoints,
      s.customerShare.meanPercent, s.customerShare.recorded,
      s.nps.current.nps, s.nps.current.marginOfError, s.nps.current.responses, s.nps.previous.nps, s.nps.previous.marginOfError, s.nps.previous.responses,
      s.nps.change.points, s.nps.change.combinedMargin, s.nps.change.significant, s.nps.change.reason,
      s.audit.current.mean, s.audit.current.marginOfError, s.audit.current.n, s.audit.previous.mean, s.audit.previous.marginOfError, s.audit.previous.n, s.audit.change, s.audit.significant,
      s.loop.tasks, s.loop.open, s.loop.medianHoursToFirstAction, s.loop.medianHoursToClose, s.loop.closedOnTimeShare, s.loop.detractorsFollowedUp, s.loop.detractorsImprovedShare,
      level('instigator').known, level('instigator').answered, level('influencer').known, level('influencer').answered, level('implementer').known, level('implementer').answered,
      level('instigator').touched, level('influencer').touched, level('implementer').touched,
    ];
  });
  return toCsv(csvHeader, rows);
}
