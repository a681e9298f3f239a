import { describe, expect, it } from 'vitest';
import { coverageWords } from '../../src/client/app/components/nps-levels.js';

/** The latest wave's coverage in words, as the account page prints it. */
describe('who answered the latest wave, in words', () => {
  const levels = (instigator: [number, number], influencer: [number, number], implementer: [number, number]) =>
    ([['instigator', instigator], ['influencer', influencer], ['implementer', implementer]] as const).map(([level, [answered, asked]]) => ({ level, asked, answered }));

  it('decision makers first, then influencers and implementers, each with the right plural', () => {
    expect(coverageWords(levels([1, 2], [2, 3], [0, 4]))).toBe('1 of 2 decision makers answered this wave; 2 of 3 influencers; 0 of 4 implementers.');
    expect(coverageWords(levels([1, 1], [1, 1], [0, 1]))).toBe('1 of 1 decision maker answered this wave; 1 of 1 influencer; 0 of 1 implementer.');
  });

  it('a level nobody was asked says so instead of "0 of 0"', () => {
    expect(coverageWords(levels([0, 0], [2, 3], [0, 0]))).toBe('No decision makers were asked this wave; 2 of 3 influencers; no implementers were asked.');
  });
});
