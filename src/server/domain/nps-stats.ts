import { npsCategory } from '../../shared/answers.js';

/**
 * NPS and how far to trust it. Key accounts often have 5–40 respondents, so every score we show comes with a
 * margin of error, and a change between two periods is called significant only when it is larger than the noise.
 *
 * Sources for the formulas:
 * - Variance of the NPS (as a share, −1…1) for one respondent: p + d − (p − d)², where p and d are the promoter
 *   and detractor shares. It follows from scoring promoters +1, passives 0, detractors −1: E[x²] − E[x]².
 *   Rocks, B. (2016), "Interval Estimation for the 'Net Promoter Score'", The American Statistician.
 * - Adjusted-Wald interval for small samples: add ¾ of a promoter and ¾ of a detractor and 3 to n (so the other
 *   1.5 pseudo-answers are passives), then use the same variance formula. Rocks found it the best of the six
 *   methods he compared; Lewis & Sauro confirmed it on real data (MeasuringU: "Confidence Intervals for Net
 *   Promoter Scores", measuringu.com/nps-confidence-intervals, and "Evaluating NPS Confidence Intervals with
 *   Real-World Data", Jan 2021, measuringu.com/nps-three-confidence-intervals).
 *   Our reading of the "add ¾ promoter and ¾ detractor to n + 3" is therefore
 *     p' = (P + 0.75) / (n + 3),  d' = (D + 0.75) / (n + 3),  n' = n + 3,
 *   margin' = z · sqrt((p' + d' − (p' − d')²) / n') · 100.
 *   Sauro & Lewis centre the interval on the adjusted NPS 100 · (p' − d'); we show the observed NPS ± margin'
 *   instead, because the observed score is the number people recognise and the one the finite-population
 *   correction shrinks towards (everyone answered: the score is exact). Near ±100 that interval can pass the end
 *   of the scale; clip it when drawing.
 * - Finite-population correction, when a whole contact list of N people was asked and n answered:
 *   multiply the margin by sqrt((N − n) / (N − 1)). When everyone answered there is no sampling error left.
 */

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsSummary extends NpsCounts {
  responses: number;
  /** Points, −100…100; null when nobody answered (an empty period has no score, not a score of 0). */
  nps: number | null;
}

export type Confidence = 0.9 | 0.95 | 0.99;

/** Two-sided standard normal quantiles, z = Φ⁻¹(1 − α/2). */
export const zScores: Record<Confidence, number> = {
  0.9: 1.6448536269514722,
  0.95: 1.959963984540054,
  0.99: 2.5758293035489004,
};

/** Counts each category and computes the NPS. Accepts the raw 0–10 scores or counts already made (SQL rollups). */
export function summarizeNps(input: number[] | NpsCounts): NpsSummary {
  const counts = Array.isArray(input) ? countScores(input) : checkCounts(input);
  const responses = counts.promoters + counts.passives + counts.detractors;
  const nps = responses === 0 ? null : (100 * (counts.promoters - counts.detractors)) / responses;
  return { responses, ...counts, nps };
}

function countScores(scores: number[]): NpsCounts {
  const counts: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
  for (const score of scores) {
    if (!Number.isInteger(score) || score < 0 || score > 10) throw new RangeError(`an NPS score is 0–10, got ${score}`);
    const category = npsCategory(score);
    if (category === 'promoter') counts.promoters++;
    else if (category === 'passive') counts.passives++;
    else counts.detractors++;
  }
  return counts;
}

/** Checks the three counts only: a full NpsSummary (with its responses and nps) is welcome as input too. */
function checkCounts({ promoters, passives, detractors }: NpsCounts): NpsCounts {
  const counts = { promoters, passives, detractors };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
  }
  return counts;
}

export interface NpsMargin {
  /** Plain Wald margin in points: z · sqrt((p + d − (p − d)²) / n) · 100. Zero when everyone answered alike. */
  margin: number;
  /** Adjusted-Wald margin in points (see the top of this file): the one to show people. */
  adjustedMargin: number;
}

/**
 * Margin of error of an NPS, in points, or null when nobody answered. `population` is the size of the contact
 * list when the whole list was asked (then the finite-population correction applies); leave it out otherwise.
 */
export function npsMarginOfError(
  counts: NpsCounts,
  options: { confidence?: Confidence; population?: number } = {},
): NpsMargin | null {
  const { promoters, passives, detractors } = checkCounts(counts);
  const n = promoters + passives + detractors;
  if (n === 0) return null;
  const z = zScores[options.confidence ?? 0.95];
  const fpc = finitePopulationFactor(n, options.population);

  const margin = z * Math.sqrt(npsVariance(promoters / n, detractors / n) / n) * 100 * fpc;

  const adjustedN = n + 3;
  const p = (promoters + 0.75) / adjustedN;
  const d = (detractors + 0.75) / adjustedN;
  // The correction factor uses the real n: the pseudo-answers are a statistical device, not extra people.
  const adjustedMargin = z * Math.sqrt(npsVariance(p, d) / adjustedN) * 100 * fpc;
  return { margin, adjustedMargin };
}

/** Variance of one answer scored +1/0/−1, given the promoter and detractor shares. */
function npsVariance(p: number, d: number): number {
  // Never below 0; floating point can produce −1e-17 when everyone is a promoter.
  return Math.max(0, p + d - (p - d) ** 2);
}

function finitePopulationFactor(n: number, population: number | undefined): number {
  if (population === undefined) return 1;
  if (!Number.isInteger(population) || population < n) {
    throw new RangeError(`the contact list (${population}) cannot be smaller than the ${n} people who answered`);
  }
  return population === n ? 0 : Math.sqrt((population - n) / (population - 1));
}

/** Summary plus the margin a report shows (adjusted-Wald), as in one row of the NPS trend report. */
export function estimateNps(
  input: number[] | NpsCounts,
  options: { confidence?: Confidence; population?: number } = {},
): NpsSummary & { marginOfError: number | null } {
  const summary = summarizeNps(input);
  return { ...summary, marginOfError: npsMarginOfError(summary, options)?.adjustedMargin ?? null };
}

/** Fewer answers than this in either period and a change between them cannot be told from chance. */
export const MIN_ANSWERS_TO_COMPARE = 5;

/**
 * Why a change is (not) called significant, for the API's `change.reason` and the pages' words:
 * - `no_previous`: the earlier period has no answers, so there is nothing to compare with;
 * - `no_current`: the later period has no answers;
 * - `too_few_answers`: either period has fewer than MIN_ANSWERS_TO_COMPARE answers ("too few answers to tell");
 * - `within_margin`: the change is not larger than the combined margin (it may be noise);
 * - `beyond_margin`: the change is larger than the combined margin (significant).
 */
export type NpsChangeReason = 'no_previous' | 'no_current' | 'too_few_answers' | 'within_margin' | 'beyond_margin';

export interface NpsComparison {
  /** after − before, in points; null when either period has no score. */
  change: number | null;
  /** sqrt(m₁² + m₂²) of the two adjusted-Wald margins without the finite-population correction; null without a change. */
  combinedMargin: number | null;
  /** True only for `beyond_margin`. */
  significant: boolean;
  reason: NpsChangeReason;
  /** Answers in each period. */
  responses: { before: number; after: number };
}

/**
 * Did the NPS really move between two periods? The change counts as significant only when both periods have at
 * least MIN_ANSWERS_TO_COMPARE answers and it is larger than the combined margin sqrt(m₁² + m₂²). With both margins
 * taken at the same confidence, that is z times the standard error of a difference between two independent scores —
 * the two-sample Wald test Rocks's NPS package (`nps_test`) uses. Adding the margins (m₁ + m₂, "the intervals do not
 * overlap") would be needlessly strict: with 5–40 answers per period it would almost never flag a real fall.
 *
 * The margins here never get the finite-population correction, even when everyone on the list answered: that
 * correction describes the people asked at one time, while a change between periods compares a process over time —
 * next quarter's opinions are a new draw, so four contacts who all answered twice still differ partly by chance.
 * (With the correction, 1 detractor after 1 promoter from a one-person list was a "significant" fall of 200 points.)
 */
export function compareNps(before: NpsCounts, after: NpsCounts, options: { confidence?: Confidence } = {}): NpsComparison {
  const b = summarizeNps(before);
  const a = summarizeNps(after);
  const responses = { before: b.responses, after: a.responses };
  if (b.nps === null) return { change: null, combinedMargin: null, significant: false, reason: 'no_previous', responses };
  if (a.nps === null) return { change: null, combinedMargin: null, significant: false, reason: 'no_current', responses };
  const change = a.nps - b.nps;
  const m1 = npsMarginOfError(b, options)!.adjustedMargin;
  const m2 = npsMarginOfError(a, options)!.adjustedMargin;
  const combinedMargin = Math.hypot(m1, m2);
  if (b.responses < MIN_ANSWERS_TO_COMPARE || a.responses < MIN_ANSWERS_TO_COMPARE) {
    return { change, combinedMargin, significant: false, reason: 'too_few_answers', responses };
  }
  const significant = Math.abs(change) > combinedMargin;
  return { change, combinedMargin, significant, reason: significant ? 'beyond_margin' : 'within_margin', responses };
}

/**
 * The one population rule for an account's period, used by every page (NPS trend, accounts list, risk report,
 * program evaluation): the invitations sent in the period are the contact list that was asked, so the level's
 * margin gets the finite-population correction with N = invitations — unless answers outnumber invitations (an
 * invitation sent on 31 March and answered on 2 April), when the list is unknown and no correction applies.
 */
export function askedPopulation(responses: number, invited: number): number | undefined {
  return responses > 0 && invited >= responses ? invited : undefined;
}

/** One period of one account (or any sample): score, margin for that period alone, and whether everyone answered. */
export interface NpsLevel extends NpsSummary {
  /** Adjusted-Wald margin in points, finite-population corrected when `asked` is known; null without answers. */
  marginOfError: number | null;
  /** How many were asked, when that is the sampling frame (one account's contact list); null otherwise. */
  asked: number | null;
  /** Everyone asked answered: the score is exact for this period and the page says so instead of "±0.0". */
  everyoneAnswered: boolean;
}

export function estimateNpsLevel(counts: NpsCounts, options: { confidence?: Confidence; invited?: number } = {}): NpsLevel {
  const summary = summarizeNps(counts);
  const population = options.invited === undefined ? undefined : askedPopulation(summary.responses, options.invited);
  const margin = npsMarginOfError(summary, { confidence: options.confidence, population })?.adjustedMargin ?? null;
  return {
    ...summary,
    marginOfError: margin,
    asked: population ?? null,
    everyoneAnswered: population !== undefined && population === summary.responses,
  };
}
