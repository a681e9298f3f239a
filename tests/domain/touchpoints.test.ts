import { describe, expect, it } from 'vitest';
import { daysBetween, freshnessOf, peopleFreshness } from '../../src/server/domain/touchpoints.js';
import { scoreAccountRisk, type AccountRiskInput } from '../../src/server/domain/risk.js';

describe('freshness marks', () => {
  it('is green below 90 days, amber below 180, red beyond or never — and follows configured thresholds', () => {
    expect([0, 89, 90, 179, 180, null].map((d) => freshnessOf(d))).toEqual(['green', 'green', 'amber', 'amber', 'red', 'red']);
    expect(freshnessOf(40, { amberAfterDays: 30, redAfterDays: 60 })).toBe('amber');
    expect(daysBetween('2026-01-31', '2026-03-02')).toBe(30);
  });

  it('names the colleague most often present as the holder, ties going to the most recent, and ignores future dates', () => {
    const touches = [
      { occurredOn: '2026-01-10', contactIds: ['c1'], userIds: ['ann'] },
      { occurredOn: '2026-02-10', contactIds: ['c1', 'c2'], userIds: ['ann', 'bob'] },
      { occurredOn: '2026-02-20', contactIds: ['c2'], userIds: ['cy'] },
      { occurredOn: '2026-04-01', contactIds: ['c1'], userIds: ['bob'] },
    ];
    const names = new Map([['ann', 'Ann'], ['bob', 'Bob'], ['cy', 'Cy']]);
    const [c1, c2, c3] = peopleFreshness(['c1', 'c2', 'c3'], touches, '2026-03-02', names);
    expect(c1).toEqual({ contactId: 'c1', lastTouchOn: '2026-02-10', daysSinceTouch: 20, holder: { id: 'ann', name: 'Ann' }, touches: 2, freshness: 'green' });
    expect(c2!.holder).toEqual({ id: 'cy', name: 'Cy' }); // bob and cy once each: cy more recently
    expect(c3).toMatchObject({ lastTouchOn: null, holder: null, touches: 0, freshness: 'red' });
  });
});

describe('touchpoint risk reasons', () => {
  const base: AccountRiskInput = {
    stage: 'key_account',
    now: new Date('2026-03-02T07:00:00Z'),
    timeZone: 'UTC',
    renewalDate: null,
    latestNps: null,
    previousNps: null,
    tasks: { open: 0, overdue: 0, overdueHighPriority: 0 },
    lastWave: null,
    contacts: { instigator: 2, influencer: 1, implementer: 1 },
    latestAudit: null,
  };
  const person = (level: 'instigator' | 'influencer', daysSinceTouch: number | null, decisionMaker = false, answeredLastTwoWaves: boolean | null = null) => ({
    name: `P${daysSinceTouch}`,
    level,
    decisionMaker,
    daysSinceTouch,
    answeredLastTwoWaves,
  });
  const codes = (contacts: ReturnType<typeof person>[] | null) => scoreAccountRisk({ ...base, touches: contacts ? { contacts } : null }).reasons.map((r) => r.code);

  it('flags instigators when none was touched in 180 days', () => {
    expect(codes([person('instigator', 200), person('instigator', null)])).toEqual(['instigators_untouched']);
    expect(codes([person('instigator', 200), person('instigator', 179)])).toEqual([]);
    expect(codes(null)).toEqual([]); // not judged without touchpoints
  });

  it('flags a decision maker silent in the last two waves and untouched for 90 days', () => {
    expect(codes([person('instigator', 10), person('influencer', 95, true, false)])).toEqual(['decision_maker_silent']);
    expect(codes([person('instigator', 10), person('influencer', 89, true, false)])).toEqual([]);
    expect(codes([person('instigator', 10), person('influencer', 95, true, true)])).toEqual([]);
    expect(codes([person('instigator', 10), person('influencer', 95, true, null)])).toEqual([]); // fewer than two waves
    expect(codes([person('instigator', 10), person('influencer', 95, false, false)])).toEqual([]);
  });
});
