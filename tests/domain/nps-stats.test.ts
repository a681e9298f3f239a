import { describe, expect, it } from 'vitest';
import {
  askedPopulation,
  compareNps,
  estimateNps,
  estimateNpsLevel,
  MIN_ANSWERS_TO_COMPARE,
  npsMarginOfError,
  summarizeNps,
  zScores,
} from '../../src/server/domain/nps-stats.js';

// The issue's worked example: 40 answers, 50% promoters, 20% detractors.
const issueExample = { promoters: 20, passives: 12, detractors: 8 };

describe('counting an NPS', () => {
  it('buckets 9–10 as promoters, 7–8 as passives, 0–6 as detractors', () => {
    // 10, 9 promote; 8, 7 are passive; 6, 0 detract: (2 − 2) / 6 = 0.
    expect(summarizeNps([10, 9, 8, 7, 6, 0])).toEqual({ responses: 6, promoters: 2, passives: 2, detractors: 2, nps: 0 });
  });

  it('gives the same summary from counts a database rollup made', () => {
    // (20 − 8) / 40 = 0.30 → 30 points.
    expect(summarizeNps(issueExample)).toEqual({ responses: 40, ...issueExample, nps: 30 });
    // (1 − 0) / 3 = 33.3…: not rounded here; rounding is for display.
    expect(summarizeNps([9, 7, 7]).nps).toBeCloseTo(33.333, 3);
  });

  it('an empty period has no score rather than a score of 0', () => {
    expect(summarizeNps([])).toEqual({ responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null });
  });

  it('refuses scores and counts that cannot be', () => {
    expect(() => summarizeNps([11])).toThrow(RangeError);
    expect(() => summarizeNps([7.5])).toThrow(RangeError);
    expect(() => summarizeNps({ promoters: -1, passives: 0, detractors: 0 })).toThrow(RangeError);
  });
});

describe('margin of error', () => {
  it("matches the issue's example: NPS 30, about ±24 points before the small-sample adjustment", () => {
    // p = .5, d = .2: variance = .5 + .2 − (.5 − .2)² = .61; sqrt(.61 / 40) = .12349; × 1.96 = .2420 → ±24.2.
    // Adjusted: p' = 20.75 / 43 = .48256, d' = 8.75 / 43 = .20349;
    //   variance = .68605 − .27907² = .60817; sqrt(.60817 / 43) = .11893; × 1.96 = .2331 → ±23.3.
    const m = npsMarginOfError(issueExample)!;
    expect(m.margin).toBeCloseTo(24.2, 1);
    expect(Math.round(m.margin)).toBe(24);
    expect(m.adjustedMargin).toBeCloseTo(23.31, 2);
  });

  it('widens with the confidence asked for', () => {
    // Same standard error .12349 × z: 1.645 → 20.3, 2.576 → 31.8.
    expect(npsMarginOfError(issueExample, { confidence: 0.9 })!.margin).toBeCloseTo(20.31, 2);
    expect(npsMarginOfError(issueExample, { confidence: 0.99 })!.margin).toBeCloseTo(31.81, 2);
    expect(zScores).toEqual({ 0.9: expect.closeTo(1.645, 3), 0.95: expect.closeTo(1.96, 3), 0.99: expect.closeTo(2.576, 3) });
  });

  it('a small sample of 5 shows how unsure it is', () => {
    // 3 promoters, 1 passive, 1 detractor: NPS (3 − 1) / 5 = 40.
    // Plain: p = .6, d = .2: variance .8 − .16 = .64; sqrt(.64 / 5) = .35777; × 1.96 = ±70.1.
    // Adjusted: p' = 3.75 / 8 = .46875, d' = 1.75 / 8 = .21875; variance .6875 − .25² = .625;
    //   sqrt(.625 / 8) = .27951; × 1.96 = ±54.8.
    const m = npsMarginOfError({ promoters: 3, passives: 1, detractors: 1 })!;
    expect(m.margin).toBeCloseTo(70.12, 2);
    expect(m.adjustedMargin).toBeCloseTo(54.78, 2);
  });

  it('five promoters out of five is not a certain 100: the adjustment keeps a margin where the plain formula gives 0', () => {
    // Plain: p = 1, d = 0: variance 1 + 0 − 1 = 0 → ±0, which would claim certainty from five people.
    // Adjusted: p' = 5.75 / 8 = .71875, d' = .75 / 8 = .09375; variance .8125 − .625² = .421875;
    //   sqrt(.421875 / 8) = .22964; × 1.96 = ±45.0.
    const m = npsMarginOfError({ promoters: 5, passives: 0, detractors: 0 })!;
    expect(m.margin).toBe(0);
    expect(m.adjustedMargin).toBeCloseTo(45.01, 2);
  });

  it('nobody answered: no margin', () => {
    expect(npsMarginOfError({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });

  describe('the whole contact list was asked (finite-population correction)', () => {
    // 10 answers: 5 promoters, 3 passives, 2 detractors (NPS 30).
    // Plain: variance .61; sqrt(.61 / 10) = .24698; × 1.96 = ±48.41.
    // Adjusted: p' = 5.75 / 13 = .44231, d' = 2.75 / 13 = .21154; variance .65385 − .23077² = .60059;
    //   sqrt(.60059 / 13) = .21494; × 1.96 = ±42.13.
    const ten = { promoters: 5, passives: 3, detractors: 2 };

    it('everyone on a list of 10 answered: the score is exact, margin 0', () => {
      // sqrt((10 − 10) / (10 − 1)) = 0.
      expect(npsMarginOfError(ten, { population: 10 })).toEqual({ margin: 0, adjustedMargin: 0 });
    });

    it('10 of a list of 20 answered: the margin shrinks by sqrt(10 / 19) = .7255', () => {
      // 48.41 × .7255 = 35.12; 42.13 × .7255 = 30.56.
      expect(npsMarginOfError(ten)!.margin).toBeCloseTo(48.41, 2);
      const m = npsMarginOfError(ten, { population: 20 })!;
      expect(m.margin).toBeCloseTo(35.12, 2);
      expect(m.adjustedMargin).toBeCloseTo(30.56, 2);
    });

    it('a list smaller than the answers is a mistake in the data', () => {
      expect(() => npsMarginOfError(ten, { population: 9 })).toThrow(RangeError);
    });
  });

  it('a report row: the summary with the adjusted margin', () => {
    expect(estimateNps(issueExample)).toEqual({
      responses: 40,
      ...issueExample,
      nps: 30,
      marginOfError: expect.closeTo(23.31, 2),
    });
    expect(estimateNps([])).toMatchObject({ nps: null, marginOfError: null });
  });
});

describe('is a change between two periods real?', () => {
  it('30 → 5 with 40 answers each is within the noise', () => {
    // Before: the issue's example, NPS 30 ± 23.31 (adjusted).
    // After: 14 promoters, 14 passives, 12 detractors → NPS 5. Adjusted: p' = 14.75 / 43 = .34302,
    //   d' = 12.75 / 43 = .29651; variance .63953 − .04651² = .63737; sqrt(.63737 / 43) = .12175; × 1.96 = ±23.86.
    // Combined: sqrt(23.31² + 23.86²) = sqrt(543.3 + 569.4) = 33.36 > |−25|: not significant.
    const result = compareNps(issueExample, { promoters: 14, passives: 14, detractors: 12 });
    expect(result.change).toBe(-25);
    expect(result.combinedMargin).toBeCloseTo(33.36, 2);
    expect(result).toMatchObject({ significant: false, reason: 'within_margin', responses: { before: 40, after: 40 } });
  });

  it('30 → −35 with 40 answers each is a real fall', () => {
    // After: 6 promoters, 14 passives, 20 detractors → NPS −35. Adjusted: p' = 6.75 / 43 = .15698,
    //   d' = 20.75 / 43 = .48256; variance .63953 − .32558² = .53353; sqrt(.53353 / 43) = .11139; × 1.96 = ±21.83.
    // Combined: sqrt(23.31² + 21.83²) = sqrt(543.3 + 476.6) = 31.94 < |−65|: significant.
    const result = compareNps(issueExample, { promoters: 6, passives: 14, detractors: 20 });
    expect(result.change).toBe(-65);
    expect(result.combinedMargin).toBeCloseTo(31.94, 2);
    expect(result).toMatchObject({ significant: true, reason: 'beyond_margin' });
  });

  it('1 answer against 1: a fall of 200 points is too few answers to tell', () => {
    // Before: 1 promoter, NPS +100. After: 1 detractor, NPS −100. Change −200.
    // Adjusted margin of one answer: n' = 4, p' = 1.75 / 4 = .4375, d' = .75 / 4 = .1875;
    //   variance .625 − .25² = .5625; sqrt(.5625 / 4) = .375; × 1.96 = ±73.50 (the same for the lone detractor).
    // Combined: 73.50 · √2 = 103.94 < 200 — but one person each side is a mood, not a trend: fewer than 5 answers
    // in either period is never significant. (The old test, with the finite-population correction of a one-person
    // list, had margins of 0 and called this a significant fall.)
    const result = compareNps({ promoters: 1, passives: 0, detractors: 0 }, { promoters: 0, passives: 0, detractors: 1 });
    expect(result.change).toBe(-200);
    expect(result.combinedMargin).toBeCloseTo(103.94, 2);
    expect(result).toMatchObject({ significant: false, reason: 'too_few_answers', responses: { before: 1, after: 1 } });
    expect(MIN_ANSWERS_TO_COMPARE).toBe(5);
  });

  it('5 against 5 with a real change: +80 → −80 is beyond the margin', () => {
    // Before: 4 promoters, 1 passive → NPS (4 − 0) / 5 = +80. After: 1 passive, 4 detractors → NPS −80. Change −160.
    // Adjusted, before: n' = 8, p' = 4.75 / 8 = .59375, d' = .75 / 8 = .09375; variance .6875 − .5² = .4375;
    //   sqrt(.4375 / 8) = .23385; × 1.96 = ±45.83. After: the mirror image, ±45.83.
    // Combined: 45.83 · √2 = 64.82 < 160, and 5 answers on each side: significant.
    const result = compareNps({ promoters: 4, passives: 1, detractors: 0 }, { promoters: 0, passives: 1, detractors: 4 });
    expect(result.change).toBe(-160);
    expect(result.combinedMargin).toBeCloseTo(64.82, 2);
    expect(result).toMatchObject({ significant: true, reason: 'beyond_margin', responses: { before: 5, after: 5 } });
  });

  it('5 against 5 with a change inside the noise: +40 → 0', () => {
    // Before: 3 promoters, 1 passive, 1 detractor → +40 ± 54.78 (see "a small sample of 5").
    // After: 2, 1, 2 → 0. Adjusted: p' = d' = 2.75 / 8 = .34375; variance .6875 − 0 = .6875; sqrt(.6875 / 8) = .29315;
    //   × 1.96 = ±57.46. Combined: sqrt(54.78² + 57.46²) = 79.39 > 40: within the margin.
    const result = compareNps({ promoters: 3, passives: 1, detractors: 1 }, { promoters: 2, passives: 1, detractors: 2 });
    expect(result.change).toBe(-40);
    expect(result.combinedMargin).toBeCloseTo(79.39, 2);
    expect(result).toMatchObject({ significant: false, reason: 'within_margin' });
  });

  it('a change must exceed the combined margin, not merely reach it', () => {
    // +80 → −80 from 5 and 5 (above): beyond 64.82. The same counts in reverse order rise by 160: beyond too.
    expect(compareNps({ promoters: 0, passives: 1, detractors: 4 }, { promoters: 4, passives: 1, detractors: 0 })).toMatchObject({
      change: 160,
      significant: true,
    });
    // No change at all is within any margin.
    expect(compareNps(issueExample, issueExample)).toMatchObject({ change: 0, significant: false, reason: 'within_margin' });
  });

  it('a period with no answers cannot be compared', () => {
    const none = { promoters: 0, passives: 0, detractors: 0 };
    expect(compareNps(none, issueExample)).toEqual({
      change: null,
      combinedMargin: null,
      significant: false,
      reason: 'no_previous',
      responses: { before: 0, after: 40 },
    });
    expect(compareNps(issueExample, none)).toMatchObject({ change: null, reason: 'no_current' });
  });
});

describe('one period of one account: everyone asked answered', () => {
  it('4 of 4 contacts answered: the score is exact for the quarter — margin 0, said in words, not "±0.0"', () => {
    // 3 promoters, 1 passive → NPS (3 − 0) / 4 = +75. The finite-population factor sqrt((4 − 4) / (4 − 1)) = 0.
    const level = estimateNpsLevel({ promoters: 3, passives: 1, detractors: 0 }, { invited: 4 });
    expect(level).toMatchObject({ nps: 75, responses: 4, marginOfError: 0, asked: 4, everyoneAnswered: true });
    // Without a known list (a group of accounts) the same answers get the plain adjusted margin:
    //   n' = 7, p' = 3.75 / 7 = .53571, d' = .75 / 7 = .10714; variance .64286 − .42857² = .45918;
    //   sqrt(.45918 / 7) = .25612; × 1.96 = ±50.20.
    expect(estimateNpsLevel({ promoters: 3, passives: 1, detractors: 0 })).toMatchObject({
      marginOfError: expect.closeTo(50.2, 2),
      asked: null,
      everyoneAnswered: false,
    });
  });

  it('answers outnumbering invitations (asked on 31 March, answered on 2 April): no list known, no correction', () => {
    expect(askedPopulation(5, 3)).toBeUndefined();
    expect(askedPopulation(3, 5)).toBe(5);
    expect(askedPopulation(0, 5)).toBeUndefined();
    expect(estimateNpsLevel({ promoters: 3, passives: 1, detractors: 1 }, { invited: 3 })).toMatchObject({
      marginOfError: expect.closeTo(54.78, 2),
      asked: null,
      everyoneAnswered: false,
    });
  });

  it('a quarter where everyone answered against one where half did: each level keeps its correction, the change does not', () => {
    // Q1: 6 of 6 contacts answered, 3 promoters, 2 passives, 1 detractor → NPS (3 − 1) / 6 = +33.33, margin 0 (exact).
    // Q2: 6 of 12 answered, 1 promoter, 3 passives, 2 detractors → NPS (1 − 2) / 6 = −16.67.
    //   Adjusted: n' = 9, p' = 1.75 / 9 = .19444, d' = 2.75 / 9 = .30556; variance .5 − .11111² = .48765;
    //   sqrt(.48765 / 9) = .23277; × 1.96 = ±45.62; finite-population factor sqrt((12 − 6) / (12 − 1)) = .73855
    //   → ±33.69 shown for Q2.
    const q1 = { promoters: 3, passives: 2, detractors: 1 };
    const q2 = { promoters: 1, passives: 3, detractors: 2 };
    expect(estimateNpsLevel(q1, { invited: 6 })).toMatchObject({ marginOfError: 0, everyoneAnswered: true, asked: 6 });
    expect(estimateNpsLevel(q2, { invited: 12 })).toMatchObject({ marginOfError: expect.closeTo(33.69, 2), everyoneAnswered: false, asked: 12 });
    // The change, −50, is tested without the correction: Q1's adjusted margin is
    //   n' = 9, p' = 3.75 / 9 = .41667, d' = 1.75 / 9 = .19444; variance .61111 − .22222² = .56173;
    //   sqrt(.56173 / 9) = .24983; × 1.96 = ±48.97. Combined: sqrt(48.97² + 45.62²) = 66.93 > 50: within the margin.
    // With the corrected margins (0 and 33.69) it would have been called a significant fall.
    const result = compareNps(q1, q2);
    expect(result.change).toBeCloseTo(-50, 10);
    expect(result.combinedMargin).toBeCloseTo(66.93, 2);
    expect(result).toMatchObject({ significant: false, reason: 'within_margin' });
  });
});
