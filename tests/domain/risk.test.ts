import { describe, expect, it } from 'vitest';
import { estimateNps, type NpsCounts } from '../../src/server/domain/nps-stats.js';
import { compareRisk, MIN_ANSWERS_FOR_NPS_REASON, scoreAccountRisk, type AccountRiskInput } from '../../src/server/domain/risk.js';

// Monday 2 March 2026, 08:00 in Madrid (CET, UTC+1): when the Monday Morning Report goes out.
const now = new Date('2026-03-02T07:00:00Z');

/** The NPS facts the report has for a period, from its counts (margin: adjusted-Wald, 95%). */
function nps(counts: NpsCounts) {
  const e = estimateNps(counts);
  return { ...counts, nps: e.nps!, margin: e.marginOfError, responses: e.responses };
}

/**
 * A healthy key account: NPS 50 from 10 answers (6 promoters, 3 passives, 1 detractor), up from 40; nothing
 * overdue; renewal next January; 3 of 5 answered the last wave; contacts at every level; good audit marks, seen
 * as a partner.
 */
function healthy(changes: Partial<AccountRiskInput> = {}): AccountRiskInput {
  return {
    stage: 'key_account',
    now,
    timeZone: 'Europe/Madrid',
    renewalDate: '2027-01-15',
    latestNps: nps({ promoters: 6, passives: 3, detractors: 1 }),
    previousNps: nps({ promoters: 5, passives: 4, detractors: 1 }),
    tasks: { open: 1, overdue: 0, overdueHighPriority: 0 },
    lastWave: { invited: 5, responses: 3 },
    contacts: { instigator: 1, influencer: 2, implementer: 2 },
    latestAudit: { marks: [8, 9, 7], supplier: 0, partner: 3 },
    ...changes,
  };
}

const codes = (input: AccountRiskInput) => scoreAccountRisk(input).reasons.map((r) => r.code);

describe('the Monday Morning Report: risk of one account', () => {
  it('a healthy key account is green with nothing to say', () => {
    expect(scoreAccountRisk(healthy())).toEqual({ level: 'green', score: 0, reasons: [] });
  });

  describe('red on its own', () => {
    it('a significant fall in NPS', () => {
      // Before: 30 promoters, 8 passives, 2 detractors of 40 → NPS 70. Adjusted: p' = 30.75 / 43 = .71512,
      //   d' = 2.75 / 43 = .06395; variance .77907 − .65116² = .35506; sqrt(.35506 / 43) = .09087 × 1.96 = ±17.81.
      // Now: 20 / 12 / 8 of 40 → NPS 30 ± 23.31 (the example). Detractors 20%: not a warning.
      // Combined margin sqrt(17.81² + 23.31²) = 29.33 < 40 fallen: significant.
      const result = scoreAccountRisk(
        healthy({
          previousNps: nps({ promoters: 30, passives: 8, detractors: 2 }),
          latestNps: nps({ promoters: 20, passives: 12, detractors: 8 }),
        }),
      );
      expect(result).toEqual({
        level: 'red',
        score: 35,
        reasons: [{ code: 'nps_significant_drop', text: 'NPS fell from +70 (40 answers) to +30 (40 answers), more than the ±29.3 margin' }],
      });
    });

    it('but a fall within the noise is not reported as a fall', () => {
      // 30 → 5 with 40 answers each: combined margin 33.36 > 25 (see nps-stats tests). Only the low NPS shows.
      const result = scoreAccountRisk(
        healthy({
          previousNps: nps({ promoters: 20, passives: 12, detractors: 8 }),
          latestNps: nps({ promoters: 14, passives: 14, detractors: 12 }),
        }),
      );
      expect(result.level).toBe('amber');
      expect(result.reasons).toEqual([{ code: 'low_nps', text: 'Low NPS: +5 from 40 answers, 12 detractors' }]);
    });

    it('a negative NPS from 5 or more answers', () => {
      // 1 promoter, 1 passive, 4 detractors: (1 − 4) / 6 = −50.
      const result = scoreAccountRisk(healthy({ latestNps: nps({ promoters: 1, passives: 1, detractors: 4 }), previousNps: null }));
      expect(result.level).toBe('red');
      expect(result.reasons).toEqual([
        { code: 'nps_negative', text: 'NPS −50: more detractors than promoters (6 answers, 4 detractors)' },
      ]);
    });

    it('an overdue high-priority follow-up', () => {
      const result = scoreAccountRisk(healthy({ tasks: { open: 2, overdue: 1, overdueHighPriority: 1 } }));
      expect(result.level).toBe('red');
      expect(result.reasons).toEqual([{ code: 'overdue_high_priority_tasks', text: '1 high-priority follow-up overdue' }]);
    });
  });

  describe('amber: one warning', () => {
    it('a low NPS from few answers is a warning, not yet red', () => {
      // 1 promoter, 2 detractors: (1 − 2) / 3 = −33 — but from 3 people.
      const result = scoreAccountRisk(healthy({ latestNps: nps({ promoters: 1, passives: 0, detractors: 2 }), previousNps: null }));
      expect(result.level).toBe('amber');
      expect(result.reasons).toEqual([{ code: 'low_nps', text: 'Low NPS: −33 from only 3 answers, 2 detractors' }]);
    });

    it('fewer than 3 answers say nothing about the account: no NPS reason at all', () => {
      // 1 detractor alone: NPS −100 from one person (MIN_ANSWERS_FOR_NPS_REASON = 3). Their own follow-up task deals
      // with them; the account stays green.
      const one = scoreAccountRisk(healthy({ latestNps: nps({ promoters: 0, passives: 0, detractors: 1 }), previousNps: null }));
      expect(one).toEqual({ level: 'green', score: 0, reasons: [] });
      // 2 answers, both detractors: still no NPS reason; a third answer makes it a (low NPS) warning.
      expect(codes(healthy({ latestNps: nps({ promoters: 0, passives: 0, detractors: 2 }), previousNps: null }))).toEqual([]);
      expect(codes(healthy({ latestNps: nps({ promoters: 0, passives: 1, detractors: 2 }), previousNps: null }))).toEqual(['low_nps']);
      expect(MIN_ANSWERS_FOR_NPS_REASON).toBe(3);
    });

    it('1 answer against 1 — +100 to −100 — is neither a significant fall nor at risk', () => {
      // compareNps: fewer than 5 answers on a side is "too few answers to tell", whatever the margins.
      const result = scoreAccountRisk(
        healthy({ previousNps: nps({ promoters: 1, passives: 0, detractors: 0 }), latestNps: nps({ promoters: 0, passives: 0, detractors: 1 }) }),
      );
      expect(result).toEqual({ level: 'green', score: 0, reasons: [] });
    });

    it('a significant fall needs 5 answers in both quarters: 4 against 4 is not one, 5 against 5 is', () => {
      // 4 promoters → 4 detractors (+100 → −100): too few answers to tell; the low NPS alone is a warning.
      const four = scoreAccountRisk(
        healthy({ previousNps: nps({ promoters: 4, passives: 0, detractors: 0 }), latestNps: nps({ promoters: 0, passives: 0, detractors: 4 }) }),
      );
      expect(four.reasons.map((r) => r.code)).toEqual(['low_nps']);
      expect(four.level).toBe('amber');
      // 4 promoters and a passive → a passive and 4 detractors (+80 → −80, combined margin 64.82, see nps-stats tests).
      const five = scoreAccountRisk(
        healthy({ previousNps: nps({ promoters: 4, passives: 1, detractors: 0 }), latestNps: nps({ promoters: 0, passives: 1, detractors: 4 }) }),
      );
      expect(five.reasons.map((r) => r.code)).toEqual(['nps_significant_drop', 'nps_negative']);
      expect(five.reasons[0]!.text).toBe('NPS fell from +80 (5 answers) to −80 (5 answers), more than the ±64.8 margin');
      expect(five.level).toBe('red');
    });

    it('a split account: a fair NPS but many detractors', () => {
      // 6 promoters, 1 passive, 3 detractors: NPS 30, but 30% detractors (≥ 25%).
      const result = scoreAccountRisk(healthy({ latestNps: nps({ promoters: 6, passives: 1, detractors: 3 }) }));
      expect(result.level).toBe('amber');
      expect(result.reasons).toEqual([{ code: 'many_detractors', text: '3 of 10 respondents are detractors (30%)' }]);
    });

    it('an ordinary overdue follow-up, and a pile of open ones', () => {
      expect(scoreAccountRisk(healthy({ tasks: { open: 2, overdue: 1, overdueHighPriority: 0 } }))).toEqual({
        level: 'amber',
        score: 10,
        reasons: [{ code: 'overdue_tasks', text: '1 follow-up overdue (2 open)' }],
      });
      expect(scoreAccountRisk(healthy({ tasks: { open: 3, overdue: 0, overdueHighPriority: 0 } })).reasons).toEqual([
        { code: 'many_open_tasks', text: '3 follow-ups open' },
      ]);
    });

    it('a renewal within 120 days', () => {
      // 2 Mar → 16 Apr: 29 days left in March + 16 = 45.
      expect(scoreAccountRisk(healthy({ renewalDate: '2026-04-16' }))).toEqual({
        level: 'amber',
        score: 15,
        reasons: [{ code: 'renewal_soon', text: 'Renewal in 45 days' }],
      });
      // 2 Mar + 120 days = 30 Jun (29 + 30 + 31 + 30): still in; 1 Jul is day 121: out.
      expect(codes(healthy({ renewalDate: '2026-06-30' }))).toEqual(['renewal_soon']);
      expect(codes(healthy({ renewalDate: '2026-07-01' }))).toEqual([]);
      expect(scoreAccountRisk(healthy({ renewalDate: '2026-03-02' })).reasons[0]!.text).toBe('Renewal today');
    });

    it('counts renewal days on the company calendar', () => {
      // 2026-03-01T23:30Z is already Monday 2 March in Madrid but still Sunday 1 March in UTC.
      const late = new Date('2026-03-01T23:30:00Z');
      const renewal = { renewalDate: '2026-03-03', now: late };
      expect(scoreAccountRisk(healthy(renewal)).reasons[0]!.text).toBe('Renewal in 1 day');
      expect(scoreAccountRisk(healthy({ ...renewal, timeZone: 'UTC' })).reasons[0]!.text).toBe('Renewal in 2 days');
    });

    it('a renewal date that has passed (the account needs updating)', () => {
      // 20 Feb → 2 Mar: 8 days to the end of February + 2.
      expect(scoreAccountRisk(healthy({ renewalDate: '2026-02-20' })).reasons).toEqual([
        { code: 'renewal_date_passed', text: 'Renewal date passed 10 days ago' },
      ]);
    });

    it('silence: nobody answered the last wave', () => {
      expect(scoreAccountRisk(healthy({ lastWave: { invited: 4, responses: 0 } })).reasons).toEqual([
        { code: 'silent_last_wave', text: 'No answers from the 4 contacts asked in the last survey' },
      ]);
      // Never surveyed is not silence.
      expect(codes(healthy({ lastWave: null }))).toEqual([]);
    });

    it('thin relationships at a key account', () => {
      expect(scoreAccountRisk(healthy({ contacts: { instigator: 0, influencer: 2, implementer: 3 } })).reasons).toEqual([
        { code: 'no_instigator_contact', text: 'No contact at the instigator level' },
      ]);
      expect(scoreAccountRisk(healthy({ contacts: { instigator: 1, influencer: 0, implementer: 0 } })).reasons).toEqual([
        { code: 'single_contact', text: 'Only one contact' },
      ]);
      expect(scoreAccountRisk(healthy({ contacts: { instigator: 0, influencer: 0, implementer: 0 } })).reasons).toEqual([
        { code: 'no_contacts', text: 'No contacts on file' },
      ]);
    });

    it('an ordinary customer is not held to the three-level contact model', () => {
      expect(codes(healthy({ stage: 'customer', contacts: { instigator: 0, influencer: 0, implementer: 1 } }))).toEqual([]);
    });

    it('low marks out of ten in the latest audit', () => {
      expect(scoreAccountRisk(healthy({ latestAudit: { marks: [8, 6, 4], supplier: 0, partner: 3 } })).reasons).toEqual([
        { code: 'low_audit_marks', text: 'Audit marks of 6/10 or less from 2 of 3 (lowest 4/10)' },
      ]);
    });

    it('seen as a supplier rather than a partner', () => {
      expect(scoreAccountRisk(healthy({ latestAudit: { marks: [8, 9, 7], supplier: 1, partner: 2 } })).reasons).toEqual([
        { code: 'seen_as_supplier', text: '1 of 3 in the audit see us as a supplier, not a partner' },
      ]);
    });
  });

  describe('red by combination', () => {
    it('a renewal near plus any other warning', () => {
      const result = scoreAccountRisk(
        healthy({ renewalDate: '2026-04-16', contacts: { instigator: 1, influencer: 0, implementer: 0 } }),
      );
      expect(result.level).toBe('red');
      // Heavier reason first: renewal 15, single contact 10.
      expect(result.reasons.map((r) => r.text)).toEqual(['Renewal in 45 days', 'Only one contact']);
      expect(result.score).toBe(25);
    });

    it('three warnings at once; two are still amber', () => {
      const silentSupplier = {
        lastWave: { invited: 4, responses: 0 },
        latestAudit: { marks: [8], supplier: 1, partner: 0 },
      };
      expect(scoreAccountRisk(healthy(silentSupplier)).level).toBe('amber');
      const result = scoreAccountRisk(healthy({ ...silentSupplier, contacts: { instigator: 0, influencer: 1, implementer: 2 } }));
      expect(result.level).toBe('red');
      // silence 15 + no instigator 15 + supplier 10.
      expect(result.score).toBe(40);
      expect(result.reasons.map((r) => r.code)).toEqual(['silent_last_wave', 'no_instigator_contact', 'seen_as_supplier']);
    });
  });

  it('orders the report: red first, then by score within a colour', () => {
    const overdue = scoreAccountRisk(healthy({ tasks: { open: 1, overdue: 1, overdueHighPriority: 1 } })); // red 30
    const crowded = scoreAccountRisk(
      healthy({ lastWave: { invited: 4, responses: 0 }, renewalDate: '2026-04-16', latestAudit: null }),
    ); // red 30 (renewal + silence)
    const negative = scoreAccountRisk(healthy({ latestNps: nps({ promoters: 0, passives: 1, detractors: 4 }), previousNps: null })); // red 35
    const amber = scoreAccountRisk(healthy({ renewalDate: '2026-04-16' }));
    const green = scoreAccountRisk(healthy());
    const sorted = [green, amber, overdue, negative].sort(compareRisk);
    expect(sorted).toEqual([negative, overdue, amber, green]);
    expect(crowded.level).toBe('red');
    expect(compareRisk(crowded, overdue)).toBe(0);
  });
});
