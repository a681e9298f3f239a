import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  evaluateAccount,
  formatMoney,
  meanMargin,
  orderForDecision,
  previousHalf,
  quartersOfHalf,
  comparedQuarters,
  type AccountEvaluationInput,
} from '../../src/server/domain/program-evaluation.js';

/** A healthy account: a plan kept current, nothing falling, renewal far away. */
const healthy = (): AccountEvaluationInput => ({
  period: '2026-H2',
  revenue: { current: 100_000, previous: 100_000 },
  contribution: { current: 20_000, previous: 20_000 },
  nps: { current: 40, previous: 40, change: 0, combinedMargin: 20, significant: false, reason: 'within_margin', responses: { current: 10, previous: 10 } },
  audit: { change: null, significant: false },
  plan: { exists: true, current: true, updatedAt: '2026-08-01T10:00:00.000Z', doneShare: 0.8 },
  partnership: { latest: 60, previous: 60, change: 0 },
  renewal: { date: '2027-12-31', daysToGo: 400 },
  relationshipGaps: [],
});

describe('evaluateAccount: which key accounts need a decision', () => {
  it('a healthy account needs none', () => {
    expect(evaluateAccount(healthy())).toEqual({ needsDecision: false, reasons: [], attention: [], improvements: [] });
  });

  it('gives each reason in words', () => {
    const input = healthy();
    input.nps = { current: 10, previous: 45, change: -35, combinedMargin: 24.6, significant: true, reason: 'beyond_margin', responses: { current: 12, previous: 11 } };
    input.contribution = { current: -150_050, previous: 10_000 };
    input.plan = { exists: false, current: false, updatedAt: null, doneShare: null };
    input.partnership = { latest: 45, previous: 60, change: -15 };
    input.renewal = { date: '2026-12-01', daysToGo: 30 };
    const result = evaluateAccount(input);
    expect(result.needsDecision).toBe(true);
    expect(result.reasons).toEqual([
      'NPS fell 35 points (+45 from 11 answers → +10 from 12 answers), more than the ±24.6 margin',
      'Negative contribution in 2026-H2: −1,500.50',
      'No account plan',
      'Partnership score falling: 60 → 45 (−15 points)',
      'Renewal in 30 days (2026-12-01)',
    ]);
  });

  it('a fall within the margin, a small partnership dip, a renewal past or far away are not decisions', () => {
    const input = healthy();
    input.nps = { current: 30, previous: 40, change: -10, combinedMargin: 25, significant: false, reason: 'within_margin', responses: { current: 9, previous: 8 } };
    input.partnership = { latest: 57, previous: 60, change: -3 };
    input.renewal = { date: '2026-06-30', daysToGo: -5 };
    const result = evaluateAccount(input);
    expect(result.needsDecision).toBe(false);
    expect(result.attention).toEqual(['NPS fell 10 points (+40 from 8 answers → +30 from 9 answers), within the margin of error']);
    expect(evaluateAccount({ ...healthy(), renewal: { date: '2027-03-01', daysToGo: 91 } }).needsDecision).toBe(false);
    expect(evaluateAccount({ ...healthy(), renewal: { date: '2027-02-28', daysToGo: 90 } }).reasons).toEqual(['Renewal in 90 days (2027-02-28)']);
  });

  it('a fall of 200 points from 1 answer against 1 is too few answers to tell, never a decision', () => {
    // +100 (1 promoter) → −100 (1 detractor): compareNps says too_few_answers (fewer than 5 on each side).
    const input = healthy();
    input.nps = { current: -100, previous: 100, change: -200, combinedMargin: 103.94, significant: false, reason: 'too_few_answers', responses: { current: 1, previous: 1 } };
    const result = evaluateAccount(input);
    expect(result.needsDecision).toBe(false);
    expect(result.attention).toEqual(['NPS fell 200 points (+100 from 1 answer → −100 from 1 answer), too few answers to tell']);
  });

  it('a plan not updated within the period is not current', () => {
    const input = healthy();
    input.plan = { exists: true, current: false, updatedAt: '2026-02-03T09:00:00.000Z', doneShare: 1 };
    expect(evaluateAccount(input).reasons).toEqual(['Account plan not updated in 2026-H2 (last on 2026-02-03)']);
  });

  it('lists what improved and what needs attention', () => {
    const input = healthy();
    input.revenue = { current: 125_000, previous: 100_000 };
    input.contribution = { current: 30_000, previous: 20_000 };
    input.nps = { current: 60, previous: 20, change: 40, combinedMargin: 20, significant: true, reason: 'beyond_margin', responses: { current: 20, previous: 20 } };
    input.partnership = { latest: 70, previous: 60, change: 10 };
    input.plan = { ...input.plan, doneShare: 0.25 };
    input.audit = { change: -1.5, significant: true };
    input.relationshipGaps = ['instigator'];
    const result = evaluateAccount(input);
    expect(result.needsDecision).toBe(false);
    expect(result.improvements).toEqual([
      'NPS rose 40 points (+20 from 20 answers → +60 from 20 answers)',
      'Contribution up from 200.00 to 300.00',
      'Partnership score rising: 60 → 70',
      'Sales up 25 % on the previous period',
    ]);
    expect(result.attention).toEqual([
      "Only 25 % of the plan's actions done",
      'Audit marks fell 1.5 (out of ten) since the previous audit',
      'Nobody mapped at the instigator level',
    ]);
    expect(evaluateAccount({ ...healthy(), revenue: { current: 89_000, previous: 100_000 } }).attention).toEqual(['Sales down 11 % on the previous period']);
  });

  it('orders the accounts needing a decision first, most reasons first, then by name', () => {
    const ev = (reasons: string[]) => ({ needsDecision: reasons.length > 0, reasons, attention: [], improvements: [] });
    const rows = [
      { accountName: 'Alpha', evaluation: ev([]) },
      { accountName: 'Delta', evaluation: ev(['a']) },
      { accountName: 'Bravo', evaluation: ev(['a', 'b']) },
      { accountName: 'Charlie', evaluation: ev(['a']) },
    ];
    expect(orderForDecision(rows).map((r) => r.accountName)).toEqual(['Bravo', 'Charlie', 'Delta', 'Alpha']);
  });
});

describe('periods and margins', () => {
  it('steps back half a year and names its quarters', () => {
    expect(previousHalf('2026-H2')).toBe('2026-H1');
    expect(previousHalf('2026-H1')).toBe('2025-H2');
    expect(quartersOfHalf('2026-H2')).toEqual(['2026-Q3', '2026-Q4']);
    expect(quartersOfHalf('2026-H1')).toEqual(['2026-Q1', '2026-Q2']);
    expect(() => previousHalf('2026-Q1')).toThrow(RangeError);
  });

  it('a running half compares like with like: its complete quarters against the same quarters of the half before', () => {
    // Over: both quarters of each half.
    expect(comparedQuarters('2026-H1', '2026-Q4')).toEqual({ running: false, quarters: ['2026-Q1', '2026-Q2'], previousQuarters: ['2025-Q3', '2025-Q4'] });
    // 2026-H2 in December: Q3 is complete, Q4 is not — Q3 against Q1, never half a half against a whole one.
    expect(comparedQuarters('2026-H2', '2026-Q4')).toEqual({ running: true, quarters: ['2026-Q3'], previousQuarters: ['2026-Q1'] });
    // 2026-H2 in August: no quarter complete yet — the first quarter so far against the first quarter before.
    expect(comparedQuarters('2026-H2', '2026-Q3')).toEqual({ running: true, quarters: ['2026-Q3'], previousQuarters: ['2026-Q1'] });
    // A half that ended yesterday is over.
    expect(comparedQuarters('2026-H2', '2027-Q1').running).toBe(false);
  });

  it('computes the margin of a mean and days to a date', () => {
    expect(meanMargin(2, 4)).toBeCloseTo(1.96);
    expect(meanMargin(null, 1)).toBeNull();
    expect(daysBetween('2026-12-01', '2026-12-31')).toBe(30);
    expect(daysBetween('2026-12-01', '2026-11-30')).toBe(-1);
    expect(formatMoney(-5)).toBe('−0.05');
  });
});
