/**
 * Partnership score: the share of the indicators assessed that are met, "partly" counting half:
 *   score = (yes + ½ · partly) / (yes + partly + no), as a percentage with one decimal.
 * Indicators left unanswered in an assessment are not counted (null when nothing was answered).
 */

export type PartnershipAnswer = 'yes' | 'partly' | 'no';

export interface PartnershipTally {
  yes: number;
  partly: number;
  no: number;
  /** 0–100, one decimal; null when no indicator was answered. */
  score: number | null;
}

export function scorePartnership(answers: PartnershipAnswer[]): PartnershipTally {
  const yes = answers.filter((a) => a === 'yes').length;
  const partly = answers.filter((a) => a === 'partly').length;
  const no = answers.filter((a) => a === 'no').length;
  const total = yes + partly + no;
  return { yes, partly, no, score: total === 0 ? null : Math.round(((yes + partly / 2) / total) * 1000) / 10 };
}

export interface ScoredAssessment {
  assessedAt: Date;
  score: number | null;
}

export interface PartnershipTrend {
  latest: number | null;
  previous: number | null;
  /** latest − previous, in percentage points. */
  change: number | null;
  direction: 'rising' | 'falling' | 'flat' | null;
}

/** Compares the latest scored assessment with the one before it. */
export function partnershipTrend(assessments: ScoredAssessment[]): PartnershipTrend {
  const scored = assessments
    .filter((a) => a.score !== null)
    .sort((a, b) => a.assessedAt.getTime() - b.assessedAt.getTime());
  const latest = scored.at(-1)?.score ?? null;
  const previous = scored.at(-2)?.score ?? null;
  if (latest === null || previous === null) return { latest, previous, change: null, direction: null };
  const change = Math.round((latest - previous) * 10) / 10;
  return { latest, previous, change, direction: change > 0 ? 'rising' : change < 0 ? 'falling' : 'flat' };
}
