import type { Stage } from '../../shared/schemas/account.js';

/**
 * Choosing key accounts: a weighted score per account from the selection criteria, a ranking, a suggested
 * portfolio and warnings. Pure: the route loads the numbers and the judgements, this decides.
 *
 * Every criterion ends up on one 1–5 scale:
 * - judgement criteria use the 1–5 score someone entered for the account;
 * - numeric criteria (annual revenue, gross profit, lifetime value) are normalized min–max across the candidates:
 *   s = 1 + 4 · (x − min) / (max − min), so the smallest number scores 1 and the largest 5 (all equal → 3).
 *   Min–max keeps the distances (an account twice as far from the bottom scores twice as high), which a rank
 *   would hide; a manual 1–5 score is used when the account has no number.
 * The account's score is the weighted mean over the criteria it has a value for:
 *   score = Σ wᵢ·sᵢ / Σ wᵢ   (criteria without a value are left out of both sums and reported as missing),
 * and criterion i contributes wᵢ·sᵢ / Σ wᵢ points, so the contributions add up to the score.
 */

export type CriterionSource = 'annual_revenue' | 'gross_profit' | 'lifetime_value' | 'judgement';

export interface SelectionCriterion {
  id: string;
  key: string | null;
  name: string;
  source: CriterionSource;
  weight: number;
}

export interface SelectionCandidate {
  accountId: string;
  name: string;
  stage: Stage;
  annualRevenue: number | null;
  grossProfit: number | null;
  /** Total contribution recorded so far (Σ gross profit − cost to serve over the quarters on file). */
  lifetimeValue: number | null;
  /** Yearly cost to serve (account-team time and discounts). */
  costToServe: number | null;
  /** Criterion id → 1–5 score entered for this account. */
  scores: Record<string, number>;
}

export interface CriterionContribution {
  criterionId: string;
  key: string | null;
  name: string;
  weight: number;
  /** The raw number for numeric criteria (null for judgements). */
  value: number | null;
  /** On the 1–5 scale; null when the account has no value for it. */
  normalized: number | null;
  /** Points this criterion adds to the score (0 when missing). */
  contribution: number;
  origin: 'account' | 'judgement' | 'missing';
}

export type SelectionWarningCode = 'transactional' | 'high_cost_to_serve' | 'below_cut' | 'incomplete';

export interface SelectionWarning {
  code: SelectionWarningCode;
  message: string;
}

export interface RankedAccount {
  accountId: string;
  name: string;
  stage: Stage;
  rank: number;
  /** Weighted score on the 1–5 scale, null when no criterion has a value. */
  score: number | null;
  contributions: CriterionContribution[];
  isKeyAccount: boolean;
  suggested: boolean;
  /** promote: suggested but not a key account yet; review: a key account outside the suggestion. */
  suggestion: 'promote' | 'review' | null;
  warnings: SelectionWarning[];
}

export interface SelectionResult {
  portfolioSize: number;
  /** The score of the last account in the suggested portfolio. */
  cutScore: number | null;
  ranking: RankedAccount[];
}

export const MIN_PORTFOLIO = 3;
export const MAX_PORTFOLIO = 20;

/**
 * Default portfolio size: a fifth of the candidates (the 80/20 idea: a few accounts carry most of the value),
 * at least 3 and at most 20 — a key-account team cannot give real attention to more.
 */
export function defaultPortfolioSize(candidates: number): number {
  return Math.min(MAX_PORTFOLIO, Math.max(MIN_PORTFOLIO, Math.ceil(candidates * 0.2)));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function numberFor(candidate: SelectionCandidate, source: CriterionSource): number | null {
  switch (source) {
    case 'annual_revenue':
      return candidate.annualRevenue;
    case 'gross_profit':
      return candidate.grossProfit;
    case 'lifetime_value':
      return candidate.lifetimeValue;
    case 'judgement':
      return null;
  }
}

/** Min–max onto 1–5; all values equal → 3 (nobody stands out). */
export function normalizeMinMax(value: number, min: number, max: number): number {
  if (max === min) return 3;
  return 1 + (4 * (value - min)) / (max - min);
}

/** Median of a non-empty list. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function rankAccounts(
  criteria: SelectionCriterion[],
  candidates: SelectionCandidate[],
  requestedSize?: number,
): SelectionResult {
  const ranges = new Map<string, { min: number; max: number }>();
  for (const criterion of criteria) {
    if (criterion.source === 'judgement') continue;
    const values = candidates.map((c) => numberFor(c, criterion.source)).filter((v): v is number => v !== null);
    if (values.length) ranges.set(criterion.id, { min: Math.min(...values), max: Math.max(...values) });
  }

  const scored = candidates.map((candidate) => {
    const parts = criteria.map((criterion) => {
      const value = numberFor(candidate, criterion.source);
      const range = ranges.get(criterion.id);
      let normalized: number | null = null;
      let origin: CriterionContribution['origin'] = 'missing';
      if (value !== null && range) {
        normalized = normalizeMinMax(value, range.min, range.max);
        origin = 'account';
      } else if (candidate.scores[criterion.id] !== undefined) {
        normalized = candidate.scores[criterion.id]!;
        origin = 'judgement';
      }
      return { criterion, value, normalized, origin };
    });
    const known = parts.filter((p) => p.normalized !== null);
    const weightSum = known.reduce((sum, p) => sum + p.criterion.weight, 0);
    const contributions: CriterionContribution[] = parts.map((p) => ({
      criterionId: p.criterion.id,
      key: p.criterion.key,
      name: p.criterion.name,
      weight: p.criterion.weight,
      value: p.value,
      normalized: p.normalized === null ? null : round2(p.normalized),
      contribution: p.normalized === null || weightSum === 0 ? 0 : round2((p.criterion.weight * p.normalized) / weightSum),
      origin: p.origin,
    }));
    const score =
      weightSum === 0 ? null : known.reduce((sum, p) => sum + p.criterion.weight * p.normalized!, 0) / weightSum;
    const missing = parts.filter((p) => p.normalized === null && p.criterion.weight > 0).map((p) => p.criterion.name);
    return { candidate, score, contributions, missing };
  });

  scored.sort(
    (a, b) =>
      (b.score ?? -1) - (a.score ?? -1) ||
      (b.candidate.annualRevenue ?? -1) - (a.candidate.annualRevenue ?? -1) ||
      a.candidate.name.localeCompare(b.candidate.name),
  );

  const size = Math.min(
    requestedSize ?? defaultPortfolioSize(candidates.length),
    scored.filter((s) => s.score !== null).length,
  );
  const cutScore = size > 0 ? scored[size - 1]!.score : null;

  // Warning thresholds, from the candidates themselves.
  const withRevenue = candidates.filter((c) => c.annualRevenue !== null && c.annualRevenue > 0);
  const revenueRanked = [...withRevenue].sort((a, b) => b.annualRevenue! - a.annualRevenue!);
  const topRevenue = new Set(revenueRanked.slice(0, Math.ceil(withRevenue.length / 4)).map((c) => c.accountId));
  const margins = withRevenue.filter((c) => c.grossProfit !== null).map((c) => c.grossProfit! / c.annualRevenue!);
  const medianMargin = margins.length ? median(margins) : null;
  const totalRevenue = withRevenue.reduce((sum, c) => sum + c.annualRevenue!, 0);
  const totalCost = candidates.reduce((sum, c) => sum + Math.max(0, c.costToServe ?? 0), 0);

  const ranking = scored.map((s, i): RankedAccount => {
    const c = s.candidate;
    const isKeyAccount = c.stage === 'key_account';
    const suggested = i < size && s.score !== null;
    const warnings: SelectionWarning[] = [];
    if (topRevenue.has(c.accountId) && c.grossProfit !== null && medianMargin !== null && medianMargin > 0) {
      const margin = c.grossProfit / c.annualRevenue!;
      if (margin < medianMargin / 2) {
        warnings.push({
          code: 'transactional',
          message: `high revenue but low profit (margin ${Math.round(margin * 100)} % against a median of ${Math.round(medianMargin * 100)} %): transactional?`,
        });
      }
    }
    if ((isKeyAccount || suggested) && totalCost > 0 && c.costToServe !== null && c.costToServe > 0) {
      const costShare = c.costToServe / totalCost;
      const revenueShare = totalRevenue > 0 ? (c.annualRevenue ?? 0) / totalRevenue : 0;
      if (costShare > 2 * revenueShare) {
        warnings.push({
          code: 'high_cost_to_serve',
          message: `key account that takes ${Math.round(costShare * 100)} % of the cost to serve for ${Math.round(revenueShare * 100)} % of the revenue`,
        });
      }
    }
    if (isKeyAccount && !suggested) {
      warnings.push({ code: 'below_cut', message: 'key account scoring below the suggested portfolio: review' });
    }
    if (s.missing.length) {
      warnings.push({ code: 'incomplete', message: `not scored on: ${s.missing.join(', ')}` });
    }
    return {
      accountId: c.accountId,
      name: c.name,
      stage: c.stage,
      rank: i + 1,
      score: s.score === null ? null : round2(s.score),
      contributions: s.contributions,
      isKeyAccount,
      suggested,
      suggestion: suggested && !isKeyAccount ? 'promote' : isKeyAccount && !suggested ? 'review' : null,
      warnings,
    };
  });
  return { portfolioSize: size, cutScore: cutScore === null ? null : round2(cutScore), ranking };
}
