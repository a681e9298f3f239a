import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { describe, valid } from '../../http/validate.js';
import { audit } from '../../http/audit.js';
import { requireAuth } from '../../http/auth.js';
import { accountOwnerScope } from '../../domain/permissions.js';
import { compareNps, estimateNpsLevel, type NpsCounts } from '../../domain/nps-stats.js';
import { measureLoopBy, measureLoop, type ScoreHistory } from '../../domain/loop-metrics.js';
import { periodBounds, periodKey, spanBounds } from '../../domain/periods.js';
import { wallClockIn } from '../../domain/business-days.js';
import { shareDone } from '../../domain/account-plan.js';
import { partnershipTrend, scorePartnership, type PartnershipAnswer } from '../../domain/partnership.js';
import {
  comparedQuarters,
  daysBetween,
  evaluateAccount,
  meanMargin,
  orderForDecision,
  previousHalf,
} from '../../domain/program-evaluation.js';
import { countNpsInvitationsByPeriod, countNpsScoresByPeriod } from '../../db/queries/nps-report.js';
import { auditAnswerStats, listAuditWaves } from '../../db/queries/audit-report.js';
import {
  countContactsByLevel,
  countCounterpartPairs,
  listKeyAccounts,
  listLoopTasks,
  listPartnershipAnswers,
  listPlansWithActions,
  listQuarterValues,
  listScoreHistory,
} from '../../db/queries/program-report.js';
import type { Db } from '../../db/client.js';
import { listTouchesWithLevels } from '../../db/queries/touchpoints.js';
import { touchFigures, yearBefore } from '../../domain/touchpoints.js';
import { readProgramTeamPulse } from '../../services/team-pulse-report.js';
import { npsCategory } from '../../../shared/answers.js';
import { toCsv } from '../../domain/csv.js';
import { Level } from '../../../shared/schemas/contact.js';
import { ProgramReport, ProgramReportQuery, type ProgramAccount } from '../../../shared/schemas/program-report.js';

/**
 * The semi-annual program evaluation: for each key account, the period against the one before — sales, profit and
 * contribution from the quarterly values, NPS with its margin and significance (as the NPS report), audit marks with
 * their margin, loop metrics of the tasks created in the period, plan coverage, contacts per level and the latest
 * partnership score — and whether it needs a decision (rule and reasons: domain/program-evaluation.ts).
 */

/** The audit question whose marks out of ten make the audit trend (survey-templates.ts). */
const AUDIT_MARKS_KEY = 'marks';

const round = (value: number | null, places = 2) => (value === null ? null : Number(value.toFixed(places)));
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const localDate = (at: Date, timeZone: string) => {
  const w = wallClockIn(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
};

function compared(current: number | null, previous: number | null) {
  const change = current !== null && previous !== null ? current - previous : null;
  return { current, previous, change, changeShare: change !== null && previous! > 0 ? round(change / previous!, 4) : null };
}

const sumOrNull = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) : null);

type Range = { start: Date; end: Date };

/**
 * The NPS of one account in the previous and the current compared range, with margins and the significance test.
 * The two ranges need not touch (a running half compares its complete quarters with the same quarters of the half
 * before): the gap between them is a period of its own, counted and ignored.
 */
async function npsOf(db: Db, accountId: string, earlier: Range, later: Range) {
  const starts = earlier.end < later.start ? [earlier.start, earlier.end, later.start] : [earlier.start, later.start];
  const periods = { starts, end: later.end };
  const [scores, invited] = await Promise.all([
    countNpsScoresByPeriod(db, { accountId }, periods),
    countNpsInvitationsByPeriod(db, { accountId }, periods),
  ]);
  const estimates = [0, starts.length - 1].map((period) => {
    const counts: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
    for (const [score, n] of scores.find((s) => s.period === period)?.scores ?? []) {
      const category = npsCategory(score);
      if (category === 'promoter') counts.promoters += n;
      else if (category === 'passive') counts.passives += n;
      else counts.detractors += n;
    }
    const asked = invited.get(period) ?? 0;
    // One account's invitations are the contact list that was asked: finite-population corrected, as the NPS report.
    const estimate = estimateNpsLevel(counts, { invited: asked });
    return { counts, estimate, invited: asked };
  });
  const [previous, current] = estimates as [(typeof estimates)[number], (typeof estimates)[number]];
  // The change is tested on the counts, without the finite-population correction (domain compareNps).
  const change = compareNps(previous.counts, current.counts);
  const shown = (e: typeof current) => ({
    nps: round(e.estimate.nps),
    marginOfError: round(e.estimate.marginOfError),
    responses: e.estimate.responses,
    invited: e.invited,
    asked: e.estimate.asked,
    everyoneAnswered: e.estimate.everyoneAnswered,
  });
  return {
    current: shown(current),
    previous: shown(previous),
    change: round(change.change),
    combinedMargin: round(change.combinedMargin),
    significant: change.significant,
    reason: change.reason,
  };
}

/** Marks out of ten in the latest two audit waves sent before `end`. */
async function auditOf(db: Db, accountId: string, end: Date): Promise<ProgramAccount['audit']> {
  const waves = (await listAuditWaves(db, accountId)).filter((w) => w.sentAt < end);
  if (!waves.length) return { latest: null, previous: null, change: null, significant: false };
  const stats = (await auditAnswerStats(db, accountId)).filter((s) => s.key === AUDIT_MARKS_KEY);
  const waveFigures = (wave: (typeof waves)[number] | undefined) => {
    if (!wave) return null;
    const numeric = stats.find((s) => s.campaignId === wave.campaignId && s.wave === wave.wave)?.numeric;
    const n = numeric?.n ?? 0;
    return { sentAt: wave.sentAt.toISOString(), mean: numeric?.mean ?? null, margin: meanMargin(numeric?.standardDeviation ?? null, n), n };
  };
  const latest = waveFigures(waves.at(-1));
  const previous = waveFigures(waves.at(-2));
  const change = latest?.mean != null && previous?.mean != null ? latest.mean - previous.mean : null;
  const combined = latest?.margin != null && previous?.margin != null ? Math.hypot(latest.margin, previous.margin) : null;
  const shown = (f: ReturnType<typeof waveFigures>) => (f ? { sentAt: f.sentAt, mean: round(f.mean), marginOfError: round(f.margin), n: f.n } : null);
  return { latest: shown(latest), previous: shown(previous), change: round(change), significant: change !== null && combined !== null && Math.abs(change) > combined };
}

export const programReportRoutes = new Hono<AppEnv>().get(
  '/program',
  describe({
    summary: 'Program evaluation per half year: every key account against the previous half, the accounts needing a decision first',
    description:
      'For each key account: sales, gross profit and contribution (sums of the two quarters) against the previous half; ' +
      'NPS with margins and whether it moved beyond them; audit marks out of ten (latest two waves) with margins; loop ' +
      'metrics of the tasks created in the half; plan coverage (a plan updated within the half, share of actions done); ' +
      'contacts per level and gaps; the latest partnership score; touchpoints in the half, the executive-level ones ' +
      '(at least one instigator-level contact present) and the latest social event in the twelve months up to the ' +
      "half's end (today while it runs), with program totals in `touches`. An account needs a decision when its NPS fell " +
      'significantly, its contribution is negative, it has no current plan, its partnership score fell 5 points or more, ' +
      'or its renewal is within 90 days — each reason in words. `period` defaults to the current half in ' +
      'KEYPULSE_TIMEZONE; `format=csv` answers one row per account. Managers: own accounts only.',
    tags: ['Reports'],
    responses: { 200: ProgramReport },
  }),
  valid('query', ProgramReportQuery),
  async (c) => {
    const { user } = requireAuth(c);
    const { db, config, clock } = c.var.deps;
    const q = c.req.valid('query');
    const now = clock.now();
    const timeZone = config.timeZone;
    const period = q.period ?? periodKey(now, 'half_year', timeZone);
    const previousPeriod = previousHalf(period);
    const current = periodBounds(period, timeZone);
    const today = localDate(now, timeZone);

    const keyAccounts = await listKeyAccounts(db, accountOwnerScope(user));
    const ids = keyAccounts.map((a) => a.id);
    // Like with like: a running half compares its complete quarters with the same quarters of the half before.
    const span = comparedQuarters(period, periodKey(now, 'quarter', timeZone));
    const [thisQuarters, lastQuarters] = [span.quarters, span.previousQuarters];
    const [npsNow, npsBefore] = [spanBounds(thisQuarters, timeZone), spanBounds(lastQuarters, timeZone)];
    const [values, planData, levels, pairs, partnershipRows, loopTasks, scoreRows] = await Promise.all([
      listQuarterValues(db, ids, [...lastQuarters, ...thisQuarters]),
      listPlansWithActions(db, ids),
      countContactsByLevel(db, ids),
      countCounterpartPairs(db, ids),
      listPartnershipAnswers(db, ids, current.end),
      listLoopTasks(db, ids, current.start, current.end),
      listScoreHistory(db, ids, current.end),
    ]);
    const touches = await touchesOf(db, ids, localDate(current.start, timeZone), localDate(new Date(current.end.getTime() - 1), timeZone), today);
    const histories = new Map<string, ScoreHistory>();
    for (const r of scoreRows) {
      const h = histories.get(r.contactId) ?? { contactId: r.contactId, accountId: r.accountId, ownerId: r.ownerId, scores: [] };
      h.scores.push({ score: r.score!, at: r.at });
      histories.set(r.contactId, h);
    }
    const loopByAccount = measureLoopBy('account', loopTasks, [...histories.values()]);
    const emptyLoop = measureLoop([], []);

    const rows: ProgramAccount[] = [];
    for (const account of keyAccounts) {
      // One account at a time: a key-account program has tens of accounts, and the queries are the reports' own.
      const [nps, audit] = [await npsOf(db, account.id, npsBefore, npsNow), await auditOf(db, account.id, current.end)];
      const mine = values.filter((v) => v.accountId === account.id);
      const sum = (quarters: string[], pick: (v: (typeof mine)[number]) => number) => sumOrNull(mine.filter((v) => quarters.includes(v.quarter)).map(pick));
      const revenue = compared(sum(thisQuarters, (v) => v.revenue), sum(lastQuarters, (v) => v.revenue));
      const grossProfit = compared(sum(thisQuarters, (v) => v.grossProfit), sum(lastQuarters, (v) => v.grossProfit));
      const contributionOf = (v: (typeof mine)[number]) => v.grossProfit - v.teamCost - v.discounts;
      const contribution = compared(sum(thisQuarters, contributionOf), sum(lastQuarters, contributionOf));

      const plan = planData.plans.find((p) => p.accountId === account.id);
      const done = shareDone(plan ? planData.actions.filter((a) => a.planId === plan.id).map((a) => a.status) : []);
      const planCurrent = plan !== undefined && plan.updatedAt >= current.start && plan.updatedAt < current.end;

      const contactsByLevel = Object.fromEntries(Level.options.map((level) => [level, levels.find((l) => l.accountId === account.id && l.level === level)?.n ?? 0])) as Record<Level, number>;
      const gaps = Level.options.filter((level) => contactsByLevel[level] === 0);

      const answersByAssessment = new Map<string, { assessedAt: Date; answers: PartnershipAnswer[] }>();
      for (const r of partnershipRows.filter((p) => p.accountId === account.id)) {
        const entry = answersByAssessment.get(r.assessmentId) ?? { assessedAt: r.assessedAt, answers: [] };
        entry.answers.push(r.answer);
        answersByAssessment.set(r.assessmentId, entry);
      }
      const assessments = [...answersByAssessment.values()].map((a) => ({ assessedAt: a.assessedAt, score: scorePartnership(a.answers).score }));
      const trend = partnershipTrend(assessments);
      const lastAssessed = assessments.filter((a) => a.score !== null).sort((a, b) => a.assessedAt.getTime() - b.assessedAt.getTime()).at(-1);

      const evaluation = evaluateAccount({
        period,
        revenue,
        contribution,
        nps: {
          current: nps.current.nps,
          previous: nps.previous.nps,
          change: nps.change,
          combinedMargin: nps.combinedMargin,
          significant: nps.significant,
          reason: nps.reason,
          responses: { current: nps.current.responses, previous: nps.previous.responses },
        },
        audit: { change: audit.change, significant: audit.significant },
        plan: { exists: plan !== undefined, current: planCurrent, updatedAt: plan?.updatedAt.toISOString() ?? null, doneShare: done.doneShare },
        partnership: { latest: trend.latest, previous: trend.previous, change: trend.change },
        renewal: { date: account.renewalDate, daysToGo: account.renewalDate ? daysBetween(today, account.renewalDate) : null },
        relationshipGaps: gaps,
      });
      rows.push({
        accountId: account.id,
        accountName: account.name,
        owner: { id: account.ownerId, name: account.ownerName },
        renewalDate: account.renewalDate,
        sales: revenue,
        grossProfit,
        contribution,
        nps,
        audit,
        loop: loopByAccount.get(account.id) ?? emptyLoop,
        plan: { exists: plan !== undefined, current: planCurrent, updatedAt: plan?.updatedAt.toISOString() ?? null, actions: done.total, done: done.done, doneShare: done.doneShare },
        relationships: { contacts: contactsByLevel, counterpartPairs: pairs.find((p) => p.accountId === account.id)?.n ?? 0, gaps },
        partnership: { latest: trend.latest, previous: trend.previous, change: trend.change, assessedAt: lastAssessed?.assessedAt.toISOString() ?? null },
        touches: touches.byAccount.get(account.id)!,
        evaluation,
      });
    }
    const ordered = orderForDecision(rows);
    const total = (pick: (r: ProgramAccount) => number | null) => sumOrNull(ordered.map(pick).filter((v): v is number => v !== null));
    const programFigure = (pick: (r: ProgramAccount) => ProgramAccount['sales']) => compared(total((r) => pick(r).current), total((r) => pick(r).previous));
    const report: ProgramReport = {
      period,
      previousPeriod,
      running: span.running,
      quarters: thisQuarters,
      previousQuarters: lastQuarters,
      from: localDate(current.start, timeZone),
      to: localDate(new Date(current.end.getTime() - 1), timeZone),
      program: {
        accounts: ordered.length,
        needingDecision: ordered.filter((r) => r.evaluation.needsDecision).length,
        sales: programFigure((r) => r.sales),
        grossProfit: programFigure((r) => r.grossProfit),
        contribution: programFigure((r) => r.contribution),
        improved: ordered.flatMap((r) => r.evaluation.improvements.map((what) => ({ accountId: r.accountId, accountName: r.accountName, what }))),
        needsAttention: ordered.flatMap((r) => [
          ...r.evaluation.reasons.map((what) => ({ accountId: r.accountId, accountName: r.accountName, what, decision: true })),
          ...r.evaluation.attention.map((what) => ({ accountId: r.accountId, accountName: r.accountName, what, decision: false })),
        ]),
      },
      accounts: ordered,
      touches: touches.program,
      teamPulse: await readProgramTeamPulse(db, ordered.map(customerSide), period),
    };
    if (q.format === 'csv') {
      await audit(c, 'export.downloaded', null, { what: 'program_report', rows: report.accounts.length, filters: q });
      return c.body(programCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="keypulse-program-${period}.csv"`,
      });
    }
    return c.json(report);
  },
);

/** An account's customer figures, beside which the team pulse shows what our own people say. */
const customerSide = (a: ProgramAccount) => ({
  accountId: a.accountId,
  accountName: a.accountName,
  customerNps: { nps: a.nps.current.nps, marginOfError: a.nps.current.marginOfError, responses: a.nps.current.responses },
  customerAudit: a.audit.latest ? { mean: a.audit.latest.mean, marginOfError: a.audit.latest.marginOfError, n: a.audit.latest.n } : null,
});

/**
 * Executive-level touches in the half and the social event in the twelve months up to its end (today while it
 * runs): each account's, and how many key accounts had them (domain/touchpoints.ts touchFigures).
 */
async function touchesOf(db: Db, ids: string[], from: string, to: string, today: string) {
  const socialTo = to < today ? to : today;
  const social = { from: yearBefore(socialTo), to: socialTo };
  const rows = await listTouchesWithLevels(db, ids, social.from < from ? social.from : from, to);
  const byAccount = touchFigures(ids, rows, { from, to }, social);
  const figures = [...byAccount.values()];
  return {
    byAccount,
    program: {
      withExecutiveTouch: figures.filter((f) => f.executive > 0).length,
      withSocialEvent: figures.filter((f) => f.socialEventOn !== null).length,
      socialFrom: social.from,
      socialTo: social.to,
    },
  };
}

const csvHeader = [
  'accountId', 'accountName', 'owner', 'needsDecision', 'reasons', 'attention', 'improvements',
  'sales', 'previousSales', 'salesChange', 'grossProfit', 'previousGrossProfit', 'contribution', 'previousContribution',
  'nps', 'npsMargin', 'previousNps', 'previousNpsMargin', 'npsChange', 'npsSignificant',
  'auditMarks', 'auditMargin', 'previousAuditMarks', 'auditChange', 'auditSignificant',
  'loopTasks', 'loopOpen', 'medianHoursToFirstAction', 'medianHoursToClose', 'closedOnTimeShare',
  'hasPlan', 'planCurrent', 'planUpdatedAt', 'actions', 'actionsDone', 'actionsDoneShare',
  'instigators', 'influencers', 'implementers', 'counterpartPairs', 'relationshipGaps',
  'partnershipScore', 'previousPartnershipScore', 'renewalDate',
  'npsResponses', 'previousNpsResponses', 'npsChangeReason', 'comparedQuarters', 'previousComparedQuarters',
  'touches', 'executiveTouches', 'lastExecutiveTouch', 'lastSocialEventWithin12Months',
  'teamAsked', 'teamAnswered', 'teamDeliveryMark', 'teamDeliveryMargin', 'teamCollaborationMark', 'teamCollaborationMargin',
] as const;

/** One row per account, in the report's order; lists joined with "; ". */
function programCsv(report: ProgramReport): string {
  // Our team's marks per account, empty while fewer than the minimum answered (as on the page: never attributable).
  const teamOf = new Map(report.teamPulse.accounts.map((t) => [t.accountId, t.team]));
  const rows = report.accounts.map((a) => [
    a.accountId, a.accountName, a.owner.name, a.evaluation.needsDecision, a.evaluation.reasons.join('; '), a.evaluation.attention.join('; '), a.evaluation.improvements.join('; '),
    a.sales.current, a.sales.previous, a.sales.change, a.grossProfit.current, a.grossProfit.previous, a.contribution.current, a.contribution.previous,
    a.nps.current.nps, a.nps.current.marginOfError, a.nps.previous.nps, a.nps.previous.marginOfError, a.nps.change, a.nps.significant,
    a.audit.latest?.mean, a.audit.latest?.marginOfError, a.audit.previous?.mean, a.audit.change, a.audit.significant,
    a.loop.tasks, a.loop.open, a.loop.medianHoursToFirstAction, a.loop.medianHoursToClose, a.loop.closedOnTimeShare,
    a.plan.exists, a.plan.current, a.plan.updatedAt, a.plan.actions, a.plan.done, a.plan.doneShare,
    a.relationships.contacts.instigator, a.relationships.contacts.influencer, a.relationships.contacts.implementer, a.relationships.counterpartPairs, a.relationships.gaps.join('; '),
    a.partnership.latest, a.partnership.previous, a.renewalDate,
    a.nps.current.responses, a.nps.previous.responses, a.nps.reason, report.quarters.join('; '), report.previousQuarters.join('; '),
    a.touches.touches, a.touches.executive, a.touches.lastExecutiveOn, a.touches.socialEventOn,
    ...teamColumns(teamOf.get(a.accountId)),
  ]);
  return toCsv(csvHeader, rows);
}

function teamColumns(team: ProgramReport['teamPulse']['accounts'][number]['team'] | undefined) {
  if (!team) return [null, null, null, null, null, null];
  const shown = team.shown;
  return [
    team.asked,
    team.answered,
    shown ? team.delivery.mean : null,
    shown ? team.delivery.marginOfError : null,
    shown ? team.collaboration.mean : null,
    shown ? team.collaboration.marginOfError : null,
  ];
}
