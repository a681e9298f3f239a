/**
 * Account value per quarter and the portfolio 80/20 check. Pure functions over quarterly figures.
 *
 * contribution = gross profit − cost to serve, where cost to serve = account-team time + discounts.
 * (Gross profit is taken before these: discounts here are the concessions beyond list terms that the account
 * costs us, recorded apart so that they show.)
 */

export const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;

export interface QuarterFigures {
  revenue: number;
  grossProfit: number;
  teamCost: number;
  discounts: number;
}

export interface AccountQuarterValue extends QuarterFigures {
  accountId: string;
  quarter: string;
}

export function contributionOf(v: QuarterFigures): number {
  return v.grossProfit - v.teamCost - v.discounts;
}

export function costToServeOf(v: Pick<QuarterFigures, 'teamCost' | 'discounts'>): number {
  return v.teamCost + v.discounts;
}

/** The quarter `offset` quarters after `quarter` (negative: before). */
export function shiftQuarter(quarter: string, offset: number): string {
  const match = QUARTER_PATTERN.exec(quarter);
  if (!match) throw new Error(`not a quarter: ${quarter}`);
  const index = Number(match[1]) * 4 + Number(match[2]) - 1 + offset;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

/** The quarter (YYYY-Qn) of a calendar date written YYYY-MM-DD. */
export function quarterOfDate(isoDate: string): string {
  const [year, month] = isoDate.split('-').map(Number);
  return `${year}-Q${Math.floor((month! - 1) / 3) + 1}`;
}

export interface ParetoResult {
  quarter: string;
  accounts: number;
  /** How many accounts make the top 20 % by revenue: ceil(0.2 · n), at least 1. */
  topCount: number;
  topAccountIds: string[];
  totalRevenue: number;
  totalGrossProfit: number;
  totalContribution: number;
  /** Share (0–1) of all revenue from the top 20 % of accounts by revenue. */
  topRevenueShare: number | null;
  /** Share (0–1) of all gross profit from those same accounts. */
  topGrossProfitShare: number | null;
  /** Share (0–1) of the total contribution from those same accounts. */
  topContributionShare: number | null;
}

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10000) / 10000);

/** The 80/20 check for one quarter's figures (one row per account). */
export function analyzePareto(quarter: string, rows: AccountQuarterValue[]): ParetoResult {
  const sorted = [...rows].sort((a, b) => b.revenue - a.revenue || a.accountId.localeCompare(b.accountId));
  const topCount = rows.length ? Math.max(1, Math.ceil(rows.length * 0.2)) : 0;
  const top = sorted.slice(0, topCount);
  const sum = (list: AccountQuarterValue[], f: (v: AccountQuarterValue) => number) => list.reduce((s, v) => s + f(v), 0);
  const totalRevenue = sum(rows, (v) => v.revenue);
  const totalGrossProfit = sum(rows, (v) => v.grossProfit);
  const totalContribution = sum(rows, contributionOf);
  return {
    quarter,
    accounts: rows.length,
    topCount,
    topAccountIds: top.map((v) => v.accountId),
    totalRevenue,
    totalGrossProfit,
    totalContribution,
    topRevenueShare: share(sum(top, (v) => v.revenue), totalRevenue),
    topGrossProfitShare: share(sum(top, (v) => v.grossProfit), totalGrossProfit),
    topContributionShare: share(sum(top, contributionOf), totalContribution),
  };
}

export interface TrendPoint extends QuarterFigures {
  quarter: string;
  costToServe: number;
  contribution: number;
}

export interface AccountTrend {
  accountId: string;
  points: TrendPoint[];
  /** Least-squares slope of the contribution per quarter (minor units), over the quarters on file. */
  contributionSlope: number | null;
  direction: 'rising' | 'falling' | 'flat' | null;
}

/** Least-squares slope of y over x = 0, 1, 2, …; null for fewer than two points. */
export function slope(values: number[]): number | null {
  const n = values.length;
  if (n < 2) return null;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

/**
 * One account's figures over the quarters, oldest first, with the direction of its contribution. Quarters are
 * treated as consecutive points (a gap is not interpolated).
 */
export function accountTrend(accountId: string, rows: (QuarterFigures & { quarter: string })[]): AccountTrend {
  const points = [...rows]
    .sort((a, b) => a.quarter.localeCompare(b.quarter))
    .map((v) => ({
      quarter: v.quarter,
      revenue: v.revenue,
      grossProfit: v.grossProfit,
      teamCost: v.teamCost,
      discounts: v.discounts,
      costToServe: costToServeOf(v),
      contribution: contributionOf(v),
    }));
  const s = slope(points.map((p) => p.contribution));
  const rounded = s === null ? null : Math.round(s);
  return {
    accountId,
    points,
    contributionSlope: rounded,
    direction: rounded === null ? null : rounded > 0 ? 'rising' : rounded < 0 ? 'falling' : 'flat',
  };
}
