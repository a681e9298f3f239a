import { describe, expect, it } from 'vitest';
import { formatChangeReason, formatHours, formatMargin, formatNps, formatNpsFigure, formatNumber, formatPercentChange, plural } from '../../src/client/app/format.js';

/** How the pages print an NPS: whole points, margins to one decimal, one minus sign (U+2212), plurals right. */
describe('numbers on the pages', () => {
  it('an NPS is whole points with its sign and a real minus', () => {
    expect(formatNps(32.4)).toBe('+32');
    expect(formatNps(-4.6)).toBe('−5');
    expect(formatNps(0.2)).toBe('0');
    expect(formatNumber(-1200)).not.toContain('-');
  });

  it('a margin is one decimal, and never ±0.0', () => {
    expect(formatMargin(23.31)).toBe('±23.3');
    expect(formatMargin(20)).toBe('±20.0');
    expect(formatMargin(0)).toBe('');
    expect(formatMargin(0.04)).toBe('');
    expect(formatMargin(null)).toBe('');
  });

  it('an NPS carries its n, or says everyone answered instead of a zero margin', () => {
    expect(formatNpsFigure({ nps: 30, margin: 23.31, responses: 40 })).toBe('+30 ±23.3 · 40 answers');
    expect(formatNpsFigure({ nps: -100, margin: 73.5, responses: 1 })).toBe('−100 ±73.5 · 1 answer');
    expect(formatNpsFigure({ nps: 75, margin: 0, responses: 4, asked: 4, everyoneAnswered: true })).toBe('+75 · all 4 contacts answered');
    expect(formatNpsFigure({ nps: null, margin: null, responses: 0 })).toBe('—');
  });

  it('plurals follow the count', () => {
    expect(plural(1, 'task')).toBe('1 task');
    expect(plural(2, 'task')).toBe('2 tasks');
    expect(plural(0, 'task')).toBe('0 tasks');
    expect(plural(1, 'reply', 'replies')).toBe('1 reply');
    expect(plural(3, 'reply', 'replies')).toBe('3 replies');
  });

  it('a change says why it is or is not significant', () => {
    expect(formatChangeReason('too_few_answers')).toBe('too few answers to tell');
    expect(formatChangeReason('beyond_margin')).toBe('significant');
    expect(formatChangeReason('within_margin')).toBe('within the margin of error');
  });
});

describe('changes and durations as people read them', () => {
  it('a small relative change keeps a decimal instead of reading "+0%", with the real minus sign', () => {
    expect(formatPercentChange(0.003)).toBe('+0.3%');
    expect(formatPercentChange(-0.0456)).toBe('−4.6%');
    expect(formatPercentChange(0.12)).toBe('+12%');
    expect(formatPercentChange(0)).toBe('0%');
    expect(formatPercentChange(null)).toBe('—');
  });
  it('hours under two days stay hours, longer spans read in days', () => {
    expect(formatHours(18.24)).toBe('18.2 h');
    expect(formatHours(720)).toBe('30 days');
    expect(formatHours(null)).toBe('—');
  });
});
