import { describe, expect, it } from 'vitest';
import { compareAuditMarks, marginTrend, measureCoverage, measureCustomerShare, measureExpansion, poolMeans } from '../../src/server/domain/scorecards.js';

/** A manager's scorecard figures, computed by hand. */
describe('scorecard rules', () => {
  const v = (accountId: string, quarter: string, revenue: number, grossProfit: number) => ({ accountId, quarter, revenue, grossProfit });

  it('expansion counts only accounts with values in both spans, and the margin is gross profit over revenue', () => {
    const values = [
      // A: 100 + 100 = 200 (GP 60) → 150 + 90 = 240 (GP 60): grows.
      v('A', '2026-Q1', 100, 30), v('A', '2026-Q2', 100, 30), v('A', '2026-Q3', 150, 30), v('A', '2026-Q4', 90, 30),
      // B: 300 (GP 150) → 200 (GP 40): shrinks.
      v('B', '2026-Q1', 300, 150), v('B', '2026-Q3', 200, 40),
      // C: only this half — a first entry, not expansion.
      v('C', '2026-Q3', 1000, 500),
    ];
    const { expansion, margin } = measureExpansion(values, ['2026-Q3', '2026-Q4'], ['2026-Q1', '2026-Q2']);
    // 240 + 200 = 440 against 200 + 300 = 500: −60, −12 %.
    expect(expansion).toEqual({ revenue: { current: 440, previous: 500, change: -60, changeShare: -0.12 }, accounts: 2, growing: 1 });
    // 100 / 440 = 0.2273 against 210 / 500 = 0.42: −19.3 points.
    expect(margin).toEqual({ current: 0.2273, previous: 0.42, changePoints: -19.3 });
  });

  it('without comparable values there is no growth and no margin (never 0 %)', () => {
    const { expansion, margin } = measureExpansion([v('C', '2026-Q3', 1000, 500)], ['2026-Q3'], ['2026-Q1']);
    expect(expansion).toEqual({ revenue: { current: null, previous: null, change: null, changeShare: null }, accounts: 0, growing: 0 });
    expect(margin).toEqual({ current: null, previous: null, changePoints: null });
    expect(marginTrend({ revenue: 100, grossProfit: 25 }, { revenue: 100, grossProfit: 25 }).changePoints).toBe(0);
    expect(Object.is(marginTrend({ revenue: 3, grossProfit: 1 }, { revenue: 3, grossProfit: 1 }).changePoints, -0)).toBe(false);
  });

  it('customer share is the mean of the plans that record it, saying how many do', () => {
    expect(measureCustomerShare([35, null, 50])).toEqual({ meanPercent: 42.5, recorded: 2, accounts: 3 });
    expect(measureCustomerShare([null])).toEqual({ meanPercent: null, recorded: 0, accounts: 1 });
  });

  it('pools audit waves into one sample and compares halves with margins', () => {
    // Wave 1: 6, 8 (n 2, mean 7, sd √2); wave 2: 9, 9, 9 (n 3, mean 9, sd 0). All five: 6, 8, 9, 9, 9 → mean 8.2,
    // squares 4.84 + 0.04 + 0.64·3 = 6.8, sd = √(6.8 / 4) = 1.3038.
    const pooled = poolMeans([{ n: 2, mean: 7, standardDeviation: Math.SQRT2 }, { n: 3, mean: 9, standardDeviation: 0 }]);
    expect(pooled.n).toBe(5);
    expect(pooled.mean).toBeCloseTo(8.2, 10);
    expect(pooled.standardDeviation).toBeCloseTo(1.3038, 4);
    // Margin 1.96 · 1.3038 / √5 = 1.14; before: 5, 5, 6, 6 → mean 5.5, sd 0.5774, margin 1.96·0.5774/2 = 0.57.
    const marks = compareAuditMarks(
      [{ n: 2, mean: 7, standardDeviation: Math.SQRT2 }, { n: 3, mean: 9, standardDeviation: 0 }],
      [{ n: 4, mean: 5.5, standardDeviation: Math.sqrt(1 / 3) }],
    );
    // Change 2.7 > √(1.14² + 0.57²) = 1.28: significant.
    expect(marks).toEqual({ current: { mean: 8.2, marginOfError: 1.14, n: 5 }, previous: { mean: 5.5, marginOfError: 0.57, n: 4 }, change: 2.7, significant: true });
    expect(compareAuditMarks([], [])).toEqual({ current: { mean: null, marginOfError: null, n: 0 }, previous: { mean: null, marginOfError: null, n: 0 }, change: null, significant: false });
  });

  it('coverage is the share of key accounts with a contact at each level, known, answered and met', () => {
    const known = [
      { accountId: 'A', level: 'instigator' }, { accountId: 'A', level: 'implementer' },
      { accountId: 'B', level: 'implementer' }, { accountId: 'X', level: 'influencer' }, // X is someone else's
    ];
    const answered = [{ accountId: 'A', level: 'implementer' }];
    const touched = [{ accountId: 'A', level: 'instigator' }, { accountId: 'B', level: 'implementer' }, { accountId: 'X', level: 'instigator' }];
    expect(measureCoverage(['A', 'B'], known, answered, touched)).toEqual([
      { level: 'instigator', known: 1, answered: 0, touched: 1, accounts: 2, knownShare: 0.5, answeredShare: 0, touchedShare: 0.5 },
      { level: 'influencer', known: 0, answered: 0, touched: 0, accounts: 2, knownShare: 0, answeredShare: 0, touchedShare: 0 },
      { level: 'implementer', known: 2, answered: 1, touched: 1, accounts: 2, knownShare: 1, answeredShare: 0.5, touchedShare: 0.5 },
    ]);
    expect(measureCoverage([], known, answered)[0]).toMatchObject({ accounts: 0, knownShare: null });
  });
});
