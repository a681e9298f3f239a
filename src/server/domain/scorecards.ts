import { meanMargin } from './program-evaluation.js';

/**
 * Account managers' scorecards (issue 14, section 5), pure: per manager and half year, the expansion of their key
 * accounts (revenue growth), the margin trend (gross profit ÷ revenue), our share of the customers' spend as the
 * account plans record it, audit marks pooled over the waves of the half with their margin, and how many of their
 * key accounts have contacts at each decision level. NPS and loop metrics come from domain/nps-stats.ts and
 * domain/loop-metrics.ts unchanged. Money is in minor units; shares are 0–1.
 */

export interface Compared {
  current: number | null;
  previous: number | null;
  /** current − previous; null when either is missing. */
  change: number | null;
  /** change ÷ previous; null when previous is missing or not positive. */
  changeShare: number | null;
}

const round = (value: number, places: number) => Number(value.toFixed(places));
const sumOrNull = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) : null);

export function compare(current: number | null, previous: number | null): Compared {
  const change = current !== null && previous !== null ? current - previous : null;
  return { current, previous, change, changeShare: change !== null && previous! > 0 ? round(change / previous!, 4) : null };
}

export interface QuarterValue {
  accountId: string;
  quarter: string;
  revenue: number;
  grossProfit: number;
}

export interface Expansion {
  revenue: Compared;
  /** Key accounts with values entered in both compared spans: only these count in `revenue`, so a newly entered account is not "growth". */
  accounts: number;
  /** Key accounts whose revenue grew. */
  growing: number;
}

/**
 * Revenue of the manager's key accounts in the compared quarters against the same number of quarters before. Like
 * with like: an account counts only when it has values in both spans (a first entry is not expansion).
 */
export function measureExpansion(values: QuarterValue[], quarters: string[], previousQuarters: string[]): { expansion: Expansion; margin: MarginTrend } {
  const byAccount = new Map<string, QuarterValue[]>();
  for (const v of values) byAccount.set(v.accountId, [...(byAccount.get(v.accountId) ?? []), v]);
  let [revNow, revBefore, gpNow, gpBefore, accounts, growing] = [0, 0, 0, 0, 0, 0];
  for (const rows of byAccount.values()) {
    const now = rows.filter((r) => quarters.includes(r.quarter));
    const before = rows.filter((r) => previousQuarters.includes(r.quarter));
    if (!now.length || !before.length) continue;
    const rn = sumOrNull(now.map((r) => r.revenue))!;
    const rb = sumOrNull(before.map((r) => r.revenue))!;
    accounts++;
    if (rn > rb) growing++;
    revNow += rn;
    revBefore += rb;
    gpNow += sumOrNull(now.map((r) => r.grossProfit))!;
    gpBefore += sumOrNull(before.map((r) => r.grossProfit))!;
  }
  const revenue = accounts ? compare(revNow, revBefore) : compare(null, null);
  return {
    expansion: { revenue, accounts, growing },
    margin: marginTrend({ revenue: accounts ? revNow : 0, grossProfit: gpNow }, { revenue: accounts ? revBefore : 0, grossProfit: gpBefore }),
  };
}

export interface MarginTrend {
  /** Gross profit ÷ revenue (0–1, 4 places); null without revenue. */
  current: number | null;
  previous: number | null;
  /** In percentage points (current − previous) × 100, one decimal. */
  changePoints: number | null;
}

export function marginTrend(now: { revenue: number; grossProfit: number }, before: { revenue: number; grossProfit: number }): MarginTrend {
  const share = (x: { revenue: number; grossProfit: number }) => (x.revenue > 0 ? round(x.grossProfit / x.revenue, 4) : null);
  const current = share(now);
  const previous = share(before);
  const changePoints = current !== null && previous !== null ? round((current - previous) * 100, 1) : null;
  return { current, previous, changePoints: changePoints === 0 ? 0 : changePoints };
}

export interface CustomerShare {
  /** Mean of our share of spend (percent) over the key accounts whose plan records it; null when none does. */
  meanPercent: number | null;
  /** Accounts whose plan records it, of `accounts`. */
  recorded: number;
  accounts: number;
}

export function measureCustomerShare(shares: (number | null)[]): CustomerShare {
  const known = shares.filter((s): s is number => s !== null);
  return { meanPercent: known.length ? round(known.reduce((a, b) => a + b, 0) / known.length, 1) : null, recorded: known.length, accounts: shares.length };
}

/** One wave's answers to a marks question: count, mean and sample standard deviation. */
export interface MeanStats {
  n: number;
  mean: number | null;
  standardDeviation: number | null;
}

/**
 * Several waves' marks as one sample: the pooled mean, and the standard deviation of all the answers together
 * (from each wave's n, mean and sample SD: total sum of squares = Σ (nᵢ−1)sᵢ² + nᵢ(x̄ᵢ − x̄)²).
 */
export function poolMeans(waves: MeanStats[]): MeanStats {
  const used = waves.filter((w) => w.n > 0 && w.mean !== null);
  const n = used.reduce((a, w) => a + w.n, 0);
  if (!n) return { n: 0, mean: null, standardDeviation: null };
  const mean = used.reduce((a, w) => a + w.n * w.mean!, 0) / n;
  if (n < 2) return { n, mean, standardDeviation: null };
  const squares = used.reduce((a, w) => a + (w.n - 1) * (w.standardDeviation ?? 0) ** 2 + w.n * (w.mean! - mean) ** 2, 0);
  return { n, mean, standardDeviation: Math.sqrt(squares / (n - 1)) };
}

export interface AuditMarks {
  current: { mean: number | null; marginOfError: number | null; n: number };
  previous: { mean: number | null; marginOfError: number | null; n: number };
  change: number | null;
  /** The change is larger than the combined margin sqrt(m₁² + m₂²). */
  significant: boolean;
}

/** Audit marks of the half against the half before, each pooled over its waves, with margins (meanMargin). */
export function compareAuditMarks(current: MeanStats[], previous: MeanStats[]): AuditMarks {
  const side = (waves: MeanStats[]) => {
    const p = poolMeans(waves);
    const m = meanMargin(p.standardDeviation, p.n);
    return { mean: p.mean === null ? null : round(p.mean, 2), marginOfError: m === null ? null : round(m, 2), n: p.n, raw: p.mean, rawMargin: m };
  };
  const now = side(current);
  const before = side(previous);
  const change = now.raw !== null && before.raw !== null ? now.raw - before.raw : null;
  const combined = now.rawMargin !== null && before.rawMargin !== null ? Math.hypot(now.rawMargin, before.rawMargin) : null;
  const strip = ({ mean, marginOfError, n }: typeof now) => ({ mean, marginOfError, n });
  return { current: strip(now), previous: strip(before), change: change === null ? null : round(change, 2), significant: change !== null && combined !== null && Math.abs(change) > combined };
}

export const LEVELS = ['instigator', 'influencer', 'implementer'] as const;
export type CoverageLevel = (typeof LEVELS)[number];

export interface LevelCoverage {
  level: CoverageLevel;
  /** Key accounts with at least one current contact at this level. */
  known: number;
  /** Key accounts where a contact at this level answered a survey in the half. */
  answered: number;
  /** Key accounts where a contact at this level was at a touchpoint in the half. */
  touched: number;
  accounts: number;
  knownShare: number | null;
  answeredShare: number | null;
  touchedShare: number | null;
}

/** Per level, the share of the manager's key accounts with someone known there, and with someone who answered. */
export function measureCoverage(
  accountIds: string[],
  known: { accountId: string; level: string }[],
  answered: { accountId: string; level: string }[],
  touched: { accountId: string; level: string }[] = [],
): LevelCoverage[] {
  const ids = new Set(accountIds);
  const count = (rows: { accountId: string; level: string }[], level: string) => new Set(rows.filter((r) => r.level === level && ids.has(r.accountId)).map((r) => r.accountId)).size;
  const share = (n: number) => (ids.size ? round(n / ids.size, 4) : null);
  return LEVELS.map((level) => {
    const [k, a, t] = [count(known, level), count(answered, level), count(touched, level)];
    return { level, known: k, answered: a, touched: t, accounts: ids.size, knownShare: share(k), answeredShare: share(a), touchedShare: share(t) };
  });
}
