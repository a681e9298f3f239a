import { describe, expect, it } from 'vitest';
import { anonymousWords, compareMarks, pooledHalf, summarizeHalf, summarizeMarks } from '../../src/server/domain/team-pulse.js';

const marks = (...pairs: [number, number][]) => pairs.map(([deliveryMark, collaborationMark]) => ({ deliveryMark, collaborationMark }));

describe('summarizeMarks', () => {
  it('gives the mean and a margin of z·s/√n (sample standard deviation)', () => {
    // 8, 9, 7, 10: mean 8.5, s = √(5/3) = 1.29099, margin 1.96 · 1.29099 / 2 = 1.26517.
    const s = summarizeMarks([8, 9, 7, 10]);
    expect(s.n).toBe(4);
    expect(s.mean).toBe(8.5);
    expect(s.standardDeviation).toBeCloseTo(1.29099, 5);
    expect(s.marginOfError).toBeCloseTo(1.26517, 5);
  });

  it('has no margin below two answers and no mean without any', () => {
    expect(summarizeMarks([7])).toEqual({ n: 1, mean: 7, standardDeviation: null, marginOfError: null });
    expect(summarizeMarks([])).toEqual({ n: 0, mean: null, standardDeviation: null, marginOfError: null });
  });
});

describe('summarizeHalf', () => {
  it('shows a half from three answers, with the response rate', () => {
    const h = summarizeHalf('2026-H2', marks([6, 5], [7, 4], [8, 6]), 5);
    expect(h).toMatchObject({ asked: 5, answered: 3, responseRate: 0.6, shown: true, counted: 3 });
    expect(h.delivery.mean).toBe(7);
  });

  it('hides a half with fewer than three answers, and never counts more answers than people asked', () => {
    expect(summarizeHalf('2026-H2', marks([3, 2], [4, 3]), 2)).toMatchObject({ shown: false, counted: 0, responseRate: 1 });
    expect(summarizeHalf('2026-H2', marks([3, 2], [4, 3], [5, 5]), 2)).toMatchObject({ asked: 3, responseRate: 1 });
    expect(summarizeHalf('2026-H2', [], 0)).toMatchObject({ asked: 0, responseRate: null, shown: false });
  });
});

describe('pooledHalf', () => {
  it("counts everyone in the response rate but pools only shown teams' marks, so a hidden team cannot be subtracted out", () => {
    const acme = { answers: marks([8, 7], [9, 6], [7, 7], [10, 8]), asked: 5 };
    const bolt = { answers: marks([3, 2], [4, 3]), asked: 2 };
    const h = pooledHalf('2026-H2', [acme, bolt]);
    expect(h).toMatchObject({ asked: 7, answered: 6, shown: true, counted: 4 });
    expect(h.responseRate).toBeCloseTo(6 / 7, 10);
    expect(h.delivery.mean).toBe(8.5);
  });

  it('is hidden when no team is shown, however many answered across them', () => {
    const two = { answers: marks([3, 2], [4, 3]), asked: 4 };
    expect(pooledHalf('2026-H2', [two, two, two])).toMatchObject({ answered: 6, shown: false, counted: 0, delivery: { mean: null } });
  });
});

describe('compareMarks', () => {
  const of = (...values: number[]) => summarizeMarks(values);

  it('calls a change significant only with five answers a side and beyond the combined margin', () => {
    // 5, 5, 5, 6, 6 (mean 5.4, s 0.548, m 0.48) → 8, 8, 9, 9, 9 (mean 8.6, m 0.48): +3.2 > √(0.48² + 0.48²) = 0.68.
    const up = compareMarks(of(5, 5, 5, 6, 6), of(8, 8, 9, 9, 9));
    expect(up.change).toBeCloseTo(3.2, 10);
    expect(up.combinedMargin).toBeCloseTo(0.679, 3);
    expect(up).toMatchObject({ significant: true, reason: 'beyond_margin' });
    // The same rise from four answers a side: too few to tell.
    expect(compareMarks(of(5, 5, 6, 6), of(8, 8, 9, 9))).toMatchObject({ significant: false, reason: 'too_few_answers' });
    // Five a side, but spread so wide the change is within the margin.
    expect(compareMarks(of(0, 10, 2, 8, 5), of(1, 10, 3, 9, 7))).toMatchObject({ significant: false, reason: 'within_margin' });
  });

  it('does not compare a hidden half: its change would give its mean away', () => {
    expect(compareMarks(of(6, 7), of(8, 9, 10))).toEqual({ change: null, combinedMargin: null, significant: false, reason: 'no_previous' });
    expect(compareMarks(of(6, 7, 8), of(9))).toEqual({ change: null, combinedMargin: null, significant: false, reason: 'no_current' });
  });
});

describe('anonymousWords', () => {
  it('drops blanks and sorts the words so their order says nothing about who wrote them', () => {
    expect(anonymousWords(['Zebra crossing', null, '  ', ' Billing argues ', 'Name one owner'])).toEqual(['Billing argues', 'Name one owner', 'Zebra crossing']);
  });
});
