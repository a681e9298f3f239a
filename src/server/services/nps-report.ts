import { invalid } from '../http/errors.js';
import { compareNps, estimateNpsLevel, type Confidence, type NpsCounts } from '../domain/nps-stats.js';
import { periodBounds, periodRange, periodStart } from '../domain/periods.js';
import { instantAt, wallClockIn } from '../domain/business-days.js';
import type { PeriodStarts } from '../db/queries/nps-report.js';
import { npsCategory } from '../../shared/answers.js';
import { formatNpsScope, type NpsChange, type NpsLevelTrend, type NpsReport, type NpsReportPeriod, type NpsScope, type ReportGroupBy } from '../../shared/schemas/report.js';
import { Level } from '../../shared/schemas/contact.js';

/**
 * The NPS trend's arithmetic, shared by GET /api/reports/nps and the overview (which builds one trend per industry,
 * stage and owner from the same counts): per period the promoters, passives and detractors, the NPS with its margin
 * of error, invitations sent and the response rate, and whether the NPS moved beyond the noise since the previous
 * period with answers.
 *
 * Choices worth knowing:
 * - An answer counts in the period of its completion time, or of its last save while it is partial (a lone score
 *   click counts once the score exists); periods are cut on the local calendar of KEYPULSE_TIMEZONE.
 * - The range is widened to whole periods, so the first and last rows are as comparable as the others.
 * - The response rate divides the period's scored answers by the period's invitations; an invitation sent on
 *   31 March and answered on 2 April is a Q1 invitation and a Q2 answer, so a single period can exceed 100 %.
 * - For one account the invitations are the contact list that was asked, so the margin gets the finite-population
 *   correction with N = invitations (skipped when answers outnumber invitations, as in that boundary case; the
 *   rule is the domain's askedPopulation, shared with the accounts list and the risk report). When everyone asked
 *   answered, `everyoneAnswered` says so: the margin is then 0 and no page prints it.
 * - A change between periods is tested on the counts without that correction and needs 5 answers on each side
 *   (domain compareNps); `reason` says why it is or is not significant.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
export const localDate = (at: Date, timeZone: string) => {
  const w = wallClockIn(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
};
const dateParts = (date: string) => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

/** The default range: the two years up to today on the local calendar. */
function defaultFrom(to: string): string {
  const { year, month, day } = dateParts(to);
  return new Date(Date.UTC(year - 2, month - 1, day)).toISOString().slice(0, 10);
}

/** The periods a trend covers: their keys ('2026-Q1'), the instants they start at, and the whole days covered. */
export interface NpsReportRange {
  keys: string[];
  periods: PeriodStarts;
  from: string;
  to: string;
}

/**
 * The asked range widened to whole periods (default: the last two years up to today, local calendar). Each period's
 * first instant in the company's time zone comes from the domain: SQL only sorts answers into them.
 */
export function npsReportRange(now: Date, timeZone: string, q: { from?: string; to?: string; groupBy: ReportGroupBy }): NpsReportRange {
  const to = q.to ?? localDate(now, timeZone);
  const from = q.from ?? defaultFrom(to);
  if (from > to) throw invalid('from', `must not be after to (${to})`);
  let keys: string[];
  try {
    keys = periodRange(instantAt(dateParts(from), timeZone), instantAt(dateParts(to), timeZone), q.groupBy, timeZone);
  } catch (error) {
    if (error instanceof RangeError) throw invalid('to', `the range is too long: ${error.message}`);
    throw error;
  }
  const periods = { starts: keys.map((key) => periodBounds(key, timeZone).start), end: periodBounds(keys[keys.length - 1]!, timeZone).end };
  return { keys, periods, from: periodStart(keys[0]!), to: localDate(new Date(periods.end.getTime() - 1), timeZone) };
}

type Figures = Omit<NpsReport['total'], 'change'>;

const round = (value: number | null, places = 2) => (value === null ? null : Number(value.toFixed(places)));

/** One row's figures from its counts, with the margin the domain computes. */
function figuresOf(counts: NpsCounts, invited: number, options: { confidence: Confidence; finitePopulation: boolean }): Figures {
  const estimate = estimateNpsLevel(counts, { confidence: options.confidence, invited: options.finitePopulation ? invited : undefined });
  return {
    responses: estimate.responses,
    promoters: estimate.promoters,
    passives: estimate.passives,
    detractors: estimate.detractors,
    nps: round(estimate.nps),
    marginOfError: round(estimate.marginOfError),
    asked: estimate.asked,
    everyoneAnswered: estimate.everyoneAnswered,
    invited,
    responseRate: invited === 0 ? null : round(estimate.responses / invited, 4),
  };
}

function changeOf(since: string, before: NpsCounts, after: NpsCounts, confidence: Confidence): NpsChange | null {
  const compared = compareNps(before, after, { confidence });
  if (compared.change === null) return null;
  return {
    since,
    change: round(compared.change)!,
    combinedMargin: round(compared.combinedMargin),
    significant: compared.significant,
    reason: compared.reason,
    sinceResponses: compared.responses.before,
  };
}

/**
 * The trend of one scope from SQL's counts: `scores` holds how many answers gave each score 0–10 per period key,
 * `invited` the invitations per period key; periods missing from either count zero.
 */
export function buildNpsReport(input: {
  scope: NpsScope;
  groupBy: ReportGroupBy;
  range: NpsReportRange;
  scores: { period: string; scores: Map<number, number> }[];
  invited: Map<string, number>;
  confidence: Confidence;
  timeZone: string;
}): NpsReport {
  const counts = new Map<string, NpsCounts>();
  const add = (into: NpsCounts, scores: Map<number, number>) => {
    // The category rule lives in one place (npsCategory); SQL only counts each score.
    for (const [score, n] of scores) {
      const category = npsCategory(score);
      if (category === 'promoter') into.promoters += n;
      else if (category === 'passive') into.passives += n;
      else into.detractors += n;
    }
  };
  const total: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
  for (const { period, scores } of input.scores) {
    const into = counts.get(period) ?? { promoters: 0, passives: 0, detractors: 0 };
    add(into, scores);
    add(total, scores);
    counts.set(period, into);
  }
  const options = { confidence: input.confidence, finitePopulation: input.scope.kind === 'account' };

  type Scored = { period: string; counts: NpsCounts };
  let previous: Scored | null = null as Scored | null;
  let first: Scored | null = null as Scored | null;
  let invitedTotal = 0;
  const periods = input.range.keys.map((period) => {
    const invited = input.invited.get(period) ?? 0;
    invitedTotal += invited;
    const periodCounts = counts.get(period) ?? { promoters: 0, passives: 0, detractors: 0 };
    const figures = figuresOf(periodCounts, invited, options);
    let change: NpsChange | null = null;
    if (figures.nps !== null) {
      if (previous) change = changeOf(previous.period, previous.counts, periodCounts, input.confidence);
      previous = { period, counts: periodCounts };
      first ??= previous;
    }
    return { period, ...figures, change };
  });
  const whole = figuresOf(total, invitedTotal, options);
  const totalChange = first && previous && first.period !== previous.period ? changeOf(first.period, first.counts, previous.counts, input.confidence) : null;
  return {
    scope: formatNpsScope(input.scope),
    groupBy: input.groupBy,
    from: input.range.from,
    to: input.range.to,
    confidence: input.confidence,
    timeZone: input.timeZone,
    periods,
    total: { ...whole, change: totalChange },
  };
}

type NpsReportInput = Parameters<typeof buildNpsReport>[0];

/**
 * `split=level`: one trend per decision level, each built exactly like the whole report from that level's answers
 * and invitations — so for one account each level's margin is corrected with N = that level's invitations, and
 * `everyoneAnswered` means everyone of that level who was asked answered. Always the three levels, instigator first.
 */
export function buildNpsLevelTrends(
  input: Omit<NpsReportInput, 'scores' | 'invited'> & {
    scores: { level: Level; period: string; scores: Map<number, number> }[];
    invited: { level: Level; period: string; n: number }[];
  },
): NpsLevelTrend[] {
  return Level.options.map((level) => {
    const report = buildNpsReport({
      ...input,
      scores: input.scores.filter((s) => s.level === level),
      invited: new Map(input.invited.filter((i) => i.level === level).map((i) => [i.period, i.n])),
    });
    return { level, periods: report.periods, total: report.total };
  });
}

/** The latest period with answers (a trend's "now"), or null when nobody answered in the range. */
export function latestAnsweredPeriod(report: NpsReport): NpsReportPeriod | null {
  return [...report.periods].reverse().find((p) => p.responses > 0) ?? null;
}
