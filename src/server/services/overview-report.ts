import type { AppDeps } from '../http/context.js';
import { countNpsInvitationsBySplit, countNpsScoresBySplit, type NpsSplit, type NpsSplitCount } from '../db/queries/nps-report.js';
import { listIndustryGroups, listOwnerGroups } from '../db/queries/overview-report.js';
import { countDetractorLoop, countTaskLoop } from '../db/queries/loop-report.js';
import { getOwnerNames } from '../db/queries/accounts.js';
import { loopMetricsFromCounts } from '../domain/loop-metrics.js';
import { buildRiskReport } from './account-risk.js';
import { buildNpsReport, latestAnsweredPeriod, npsReportRange, type NpsReportRange } from './nps-report.js';
import { Stage } from '../../shared/schemas/account.js';
import type { NpsScope } from '../../shared/schemas/report.js';
import type { OverviewReport, OverviewReportQuery, OverviewSplitRow } from '../../shared/schemas/overview-report.js';

/**
 * The executive overview in one answer: the portfolio's NPS trend, its split by industry, stage and owner, the
 * Monday Morning Report and the loop metrics per manager. Each part gives the same figures as its own report
 * endpoint, but the NPS parts come from one pass over the answers and one over the invitations (GROUPING SETS), not
 * one trend request per group, and the loop is counted in the database instead of reading every answer into Node.
 * Every statement runs side by side.
 */

type Counted = { scores: Map<string, Map<number, number>>; invited: Map<string, number> };
const groupKey = (split: NpsSplit, group: string | null) => `${split}\u0000${group ?? ''}`;

/** Counts by group, each group's periods keyed by the period's key ('2026-Q1'). */
function countsByGroup(range: NpsReportRange, scores: (NpsSplitCount & { score: number })[], invited: NpsSplitCount[]) {
  const groups = new Map<string, Counted>();
  const of = (row: NpsSplitCount) => {
    const key = groupKey(row.split, row.group);
    let counted = groups.get(key);
    if (!counted) groups.set(key, (counted = { scores: new Map(), invited: new Map() }));
    return counted;
  };
  for (const row of scores) {
    const byScore = of(row).scores;
    const period = range.keys[row.period]!;
    const counts = byScore.get(period) ?? new Map<number, number>();
    counts.set(row.score, row.n);
    byScore.set(period, counts);
  }
  for (const row of invited) of(row).invited.set(range.keys[row.period]!, row.n);
  return groups;
}

export async function buildOverviewReport(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config'>,
  input: { ownerScope: string | null; query: OverviewReportQuery },
): Promise<OverviewReport> {
  const { db, config } = deps;
  const { ownerScope, query } = input;
  const timeZone = config.timeZone;
  const range = npsReportRange(deps.clock.now(), timeZone, query);

  const [scoreRows, invitedRows, industries, owners, risk, taskLoop, detractorLoop] = await Promise.all([
    countNpsScoresBySplit(db, ownerScope, range.periods),
    countNpsInvitationsBySplit(db, ownerScope, range.periods),
    listIndustryGroups(db, ownerScope),
    listOwnerGroups(db, ownerScope),
    buildRiskReport(deps, { ownerId: ownerScope }),
    countTaskLoop(db, ownerScope),
    countDetractorLoop(db, ownerScope),
  ]);

  const counted = countsByGroup(range, scoreRows, invitedRows);
  const trendOf = (split: NpsSplit, group: string | null, scope: NpsScope) => {
    const counts = counted.get(groupKey(split, group));
    return buildNpsReport({
      scope,
      groupBy: query.groupBy,
      range,
      scores: [...(counts?.scores ?? [])].map(([period, scores]) => ({ period, scores })),
      invited: counts?.invited ?? new Map(),
      confidence: query.confidence,
      timeZone,
    });
  };
  const rowOf = (split: NpsSplit, group: string, scope: NpsScope, label: string): OverviewSplitRow => {
    const report = trendOf(split, group, scope);
    return { scope: report.scope, label, latest: latestAnsweredPeriod(report) };
  };

  // Industries with an account still in use, or with answers or invitations in the range.
  const industry = industries
    .filter((i) => i.active || counted.has(groupKey('industry', i.key)))
    .sort((a, b) => a.label.localeCompare(b.label))
    .map((i) => rowOf('industry', i.key, { kind: 'industry', name: i.label }, i.label));
  const stage = Stage.options.map((s) => rowOf('stage', s, { kind: 'stage', stage: s }, s));
  const owner = owners
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((o) => rowOf('owner', o.id, { kind: 'owner', id: o.id }, o.name));

  // The loop: per assignee for tasks, per account owner for answers; the row without a user is the whole scope.
  const empty = { tasks: 0, open: 0, medianHoursToFirstAction: null, medianHoursToClose: null, closed: 0, closedOnTime: 0 };
  const loopOf = (userId: string | null) => {
    const t = taskLoop.find((r) => r.userId === userId) ?? empty;
    const d = detractorLoop.find((r) => r.userId === userId) ?? { followedUp: 0, improved: 0 };
    return loopMetricsFromCounts({ ...t, detractorsFollowedUp: d.followedUp, detractorsImproved: d.improved });
  };
  const managerIds = [...new Set([...taskLoop, ...detractorLoop].map((r) => r.userId).filter((id): id is string => id !== null))];
  const names = await getOwnerNames(db, managerIds);
  const managers = managerIds
    .map((userId) => ({ userId, name: names.get(userId) ?? '', ...loopOf(userId) }))
    .sort((a, b) => a.name.localeCompare(b.name));

  return {
    generatedAt: risk.generatedAt.toISOString(),
    trend: trendOf('portfolio', null, { kind: 'portfolio' }),
    splits: { industry, stage, owner },
    risk: { generatedAt: risk.generatedAt.toISOString(), accounts: risk.accounts },
    loop: { portfolio: loopOf(null), managers },
  };
}
