import { describe, expect, it } from 'vitest';
import { compareMarks, pulseCampaignName, pulseSendAt, pulseTrend, summarizeMarks } from '../../src/server/domain/pulses.js';

const MADRID = 'Europe/Madrid';
const at = (iso: string) => new Date(iso);

describe('when a pulse is sent', () => {
  it('a delivery on Tuesday afternoon with a delay of 1 business day: Wednesday afternoon', () => {
    // Tue 3 Mar 2026 15:00 CET = 14:00Z → Wed 4 Mar 15:00 CET.
    expect(pulseSendAt(at('2026-03-03T14:00:00Z'), 1, MADRID)).toEqual(at('2026-03-04T14:00:00Z'));
  });

  it('a delivery on Friday waits over the weekend: Monday, at the same wall-clock time', () => {
    expect(pulseSendAt(at('2026-03-06T10:00:00Z'), 1, MADRID)).toEqual(at('2026-03-09T10:00:00Z'));
    // Across the spring clock change (29 March): Fri 27 Mar 16:00 CET → Mon 30 Mar 16:00 CEST = 14:00Z.
    expect(pulseSendAt(at('2026-03-27T15:00:00Z'), 1, MADRID)).toEqual(at('2026-03-30T14:00:00Z'));
  });

  it('three business days from Thursday is Tuesday', () => {
    expect(pulseSendAt(at('2026-03-05T09:00:00Z'), 3, MADRID)).toEqual(at('2026-03-10T09:00:00Z'));
  });

  it('a delay of 0 sends at the next run, even at the weekend', () => {
    expect(pulseSendAt(at('2026-03-07T12:00:00Z'), 0, MADRID)).toEqual(at('2026-03-07T12:00:00Z'));
  });

  it('names the campaign after the event and its reference', () => {
    expect(pulseCampaignName('delivery', 'D-1042')).toBe('Pulse · delivery D-1042');
    expect(pulseCampaignName('delivery', 'x'.repeat(300))).toHaveLength(200);
  });
});

describe('the marks of pulses', () => {
  it('a mean with its margin, none for a single answer', () => {
    expect(summarizeMarks([])).toEqual({ n: 0, mean: null, marginOfError: null });
    expect(summarizeMarks([7])).toEqual({ n: 1, mean: 7, marginOfError: null });
    const s = summarizeMarks([6, 8, 8, 10]);
    expect(s.mean).toBe(8);
    // sd = sqrt(8/3) ≈ 1.633; 1.96 × 1.633 / 2 ≈ 1.6
    expect(s.marginOfError).toBeCloseTo(1.6, 2);
  });

  it('never calls a change with fewer than 5 answers on either side, however large', () => {
    expect(compareMarks([9, 9, 9, 9], [2, 2, 2, 2, 2], '2026-01')).toEqual({ since: '2026-01', change: -7, significant: false, reason: 'too_few_answers' });
  });

  it('calls a change beyond the combined margin, and not one within it', () => {
    expect(compareMarks([9, 9, 8, 9, 10], [4, 5, 3, 4, 5], '2026-01')).toMatchObject({ significant: true, reason: 'beyond_margin', change: -4.8 });
    expect(compareMarks([9, 5, 8, 6, 10], [8, 4, 9, 6, 9], '2026-01')).toMatchObject({ significant: false, reason: 'within_margin' });
  });

  it('the trend lists every period per event type, compares with the latest earlier period with answers', () => {
    const trend = pulseTrend(
      [
        { key: 'delivery', name: 'Delivery' },
        { key: 'ticket_closed', name: 'Support ticket closed' },
      ],
      [
        { event: 'delivery', period: '2026-01', sent: true, mark: 9 },
        { event: 'delivery', period: '2026-01', sent: true, mark: 7 },
        { event: 'delivery', period: '2026-01', sent: false, mark: null },
        { event: 'delivery', period: '2026-03', sent: true, mark: 4 },
        { event: 'delivery', period: '2026-03', sent: true, mark: null },
        { event: 'delivery', period: '2025-06', sent: true, mark: 1 }, // outside the periods asked
      ],
      ['2026-01', '2026-02', '2026-03'],
    );
    const [delivery, tickets] = trend;
    expect(delivery).toMatchObject({ event: 'delivery', sent: 4, answered: 3, meanMark: 6.67 });
    expect(delivery!.periods.map((p) => [p.period, p.sent, p.answered, p.meanMark])).toEqual([
      ['2026-01', 2, 2, 8],
      ['2026-02', 0, 0, null],
      ['2026-03', 2, 1, 4],
    ]);
    expect(delivery!.periods[2]!.change).toEqual({ since: '2026-01', change: -4, significant: false, reason: 'too_few_answers' });
    expect(delivery!.periods[0]!.change).toBeNull();
    expect(tickets).toMatchObject({ sent: 0, answered: 0, meanMark: null, marginOfError: null });
  });
});
