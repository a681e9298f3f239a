import { describe, expect, it } from 'vitest';
import {
  decideEligibility,
  nextWaveDate,
  surveyedRecentlyUntil,
  reminderDue,
  type AudienceCandidate,
} from '../../src/server/domain/eligibility.js';

const DAY = 86_400_000;
const sendAt = new Date('2026-03-02T09:00:00Z');
const daysBefore = (days: number, ms = 0) => new Date(sendAt.getTime() - days * DAY + ms);

let n = 0;
function person(fields: Partial<AudienceCandidate> = {}): AudienceCandidate {
  n++;
  return {
    contactId: `contact-${n}`,
    accountId: 'account-1',
    email: `person${n}@customer.example`,
    unsubscribed: false,
    bounced: false,
    deleted: false,
    erased: false,
    accountArchived: false,
    lastInvitedAt: null,
    ...fields,
  };
}

const decide = (candidates: AudienceCandidate[], minDaysBetweenSurveys = 30) =>
  decideEligibility(candidates, { sendAt, minDaysBetweenSurveys });
const reasonOf = (candidate: AudienceCandidate, minDays = 30) => {
  const [decision] = decide([candidate], minDays);
  return decision!.eligible ? 'eligible' : decision!.reason;
};

describe('who a campaign asks', () => {
  it('asks a contact with nothing against them', () => {
    const ana = person();
    expect(decide([ana])).toEqual([{ contactId: ana.contactId, accountId: 'account-1', email: ana.email, eligible: true }]);
  });

  it('skips with one reason each: deleted, unsubscribed, bounced, archived account, recently surveyed', () => {
    expect(reasonOf(person({ deleted: true }))).toBe('deleted_contact');
    expect(reasonOf(person({ unsubscribed: true }))).toBe('unsubscribed');
    expect(reasonOf(person({ bounced: true }))).toBe('bounced');
    expect(reasonOf(person({ accountArchived: true }))).toBe('archived_account');
    expect(reasonOf(person({ lastInvitedAt: daysBefore(10) }))).toBe('recently_surveyed');
  });

  it('never asks an erased address, whatever else is true of the contact (first of all reasons)', () => {
    expect(reasonOf(person({ erased: true }))).toBe('erased');
    expect(reasonOf(person({ erased: true, deleted: true, unsubscribed: true, lastInvitedAt: daysBefore(1) }))).toBe('erased');
  });

  it('gives the reason that comes first when several apply: deleted, unsubscribed, bounced, archived, recent, duplicate', () => {
    const everything = { deleted: true, unsubscribed: true, bounced: true, accountArchived: true, lastInvitedAt: daysBefore(1) };
    expect(reasonOf(person(everything))).toBe('deleted_contact');
    expect(reasonOf(person({ ...everything, deleted: false }))).toBe('unsubscribed');
    expect(reasonOf(person({ ...everything, deleted: false, unsubscribed: false }))).toBe('bounced');
    expect(reasonOf(person({ ...everything, deleted: false, unsubscribed: false, bounced: false }))).toBe('archived_account');
    expect(reasonOf(person({ lastInvitedAt: daysBefore(1) }))).toBe('recently_surveyed');

    // A recently surveyed duplicate is reported as recently surveyed, not as a duplicate.
    const first = person({ email: 'same@customer.example' });
    const second = person({ email: 'same@customer.example', lastInvitedAt: daysBefore(1) });
    expect(decide([first, second]).map((d) => (d.eligible ? 'eligible' : d.reason))).toEqual(['eligible', 'recently_surveyed']);
  });

  it('asks the same person once: the first of the same email, in any letter case, wins', () => {
    const inAcme = person({ accountId: 'acme', email: 'Pat.Lee@Customer.example' });
    const inGlobex = person({ accountId: 'globex', email: 'pat.lee@customer.EXAMPLE' });
    const other = person({ accountId: 'globex' });
    const decisions = decide([inAcme, inGlobex, other]);
    expect(decisions.map((d) => [d.contactId, d.eligible ? 'eligible' : d.reason])).toEqual([
      [inAcme.contactId, 'eligible'],
      [inGlobex.contactId, 'duplicate_email'],
      [other.contactId, 'eligible'],
    ]);
    // The skip keeps the address as the contact has it.
    expect(decisions[1]!.email).toBe('pat.lee@customer.EXAMPLE');
  });

  it('a skipped contact does not take the address: the next one with it is asked', () => {
    const unsubscribed = person({ email: 'shared@customer.example', unsubscribed: true });
    const colleague = person({ email: 'shared@customer.example' });
    expect(decide([unsubscribed, colleague]).map((d) => (d.eligible ? 'eligible' : d.reason))).toEqual(['unsubscribed', 'eligible']);
  });

  it('the frequency window ends exactly minDays before the send time', () => {
    expect(reasonOf(person({ lastInvitedAt: daysBefore(30) }))).toBe('eligible');
    expect(reasonOf(person({ lastInvitedAt: daysBefore(30, 1) }))).toBe('recently_surveyed');
    expect(reasonOf(person({ lastInvitedAt: daysBefore(31) }))).toBe('eligible');
    // An invitation still waiting to go out (after this send time) also counts.
    expect(reasonOf(person({ lastInvitedAt: new Date(sendAt.getTime() + DAY) }))).toBe('recently_surveyed');
  });

  it('minDaysBetweenSurveys = 0 turns the frequency window off', () => {
    expect(reasonOf(person({ lastInvitedAt: sendAt }), 0)).toBe('eligible');
    expect(reasonOf(person({ lastInvitedAt: daysBefore(0, -1) }), 0)).toBe('eligible');
    // …but not the other rules.
    expect(reasonOf(person({ unsubscribed: true, lastInvitedAt: sendAt }), 0)).toBe('unsubscribed');
  });
});

describe('when the next wave of a repeating campaign goes out', () => {
  const at = (iso: string) => new Date(iso);

  it('quarterly, semiannual and annual add 3, 6 and 12 months, keeping the day and time', () => {
    const from = at('2026-03-02T09:30:00Z');
    expect(nextWaveDate(from, 'quarterly')).toEqual(at('2026-06-02T09:30:00Z'));
    expect(nextWaveDate(from, 'semiannual')).toEqual(at('2026-09-02T09:30:00Z'));
    expect(nextWaveDate(from, 'annual')).toEqual(at('2027-03-02T09:30:00Z'));
    expect(nextWaveDate(at('2026-11-15T09:00:00Z'), 'quarterly')).toEqual(at('2027-02-15T09:00:00Z'));
  });

  it('a campaign that does not repeat has no next wave', () => {
    expect(nextWaveDate(at('2026-03-02T09:00:00Z'), 'none')).toBeNull();
  });

  it('clamps to the end of a shorter month: 31 January → 30 April', () => {
    expect(nextWaveDate(at('2026-01-31T09:00:00Z'), 'quarterly')).toEqual(at('2026-04-30T09:00:00Z'));
    expect(nextWaveDate(at('2026-03-31T09:00:00Z'), 'semiannual')).toEqual(at('2026-09-30T09:00:00Z'));
    expect(nextWaveDate(at('2026-05-31T09:00:00Z'), 'quarterly')).toEqual(at('2026-08-31T09:00:00Z'));
  });

  it('lands on 29 February only in leap years', () => {
    expect(nextWaveDate(at('2027-11-30T09:00:00Z'), 'quarterly')).toEqual(at('2028-02-29T09:00:00Z'));
    expect(nextWaveDate(at('2026-11-30T09:00:00Z'), 'quarterly')).toEqual(at('2027-02-28T09:00:00Z'));
    expect(nextWaveDate(at('2027-08-31T09:00:00Z'), 'semiannual')).toEqual(at('2028-02-29T09:00:00Z'));
    expect(nextWaveDate(at('2028-02-29T09:00:00Z'), 'annual')).toEqual(at('2029-02-28T09:00:00Z'));
    expect(nextWaveDate(at('2027-02-28T09:00:00Z'), 'annual')).toEqual(at('2028-02-28T09:00:00Z'));
  });

  it('later waves keep the original day of month instead of drifting to the clamped one', () => {
    const first = at('2026-01-31T09:00:00Z');
    expect(nextWaveDate(first, 'quarterly', 1)).toEqual(at('2026-04-30T09:00:00Z'));
    expect(nextWaveDate(first, 'quarterly', 2)).toEqual(at('2026-07-31T09:00:00Z'));
    expect(nextWaveDate(first, 'quarterly', 4)).toEqual(at('2027-01-31T09:00:00Z'));
    expect(nextWaveDate(at('2028-02-29T09:00:00Z'), 'annual', 4)).toEqual(at('2032-02-29T09:00:00Z'));
  });
});

describe('when a reminder is due', () => {
  const sentAt = new Date('2026-03-02T09:00:00Z');
  const later = (days: number, ms = 0) => new Date(sentAt.getTime() + days * DAY + ms);
  const unanswered = { lastSentAt: sentAt, remindersSent: 0, expiresAt: later(30), respondedAt: null };
  const rule = { afterDays: 3, max: 2 };

  it('is due once afterDays have passed since the last email, not a moment before', () => {
    expect(reminderDue(unanswered, rule, later(3, -1))).toBe(false);
    expect(reminderDue(unanswered, rule, later(3))).toBe(true);
    expect(reminderDue(unanswered, rule, later(10))).toBe(true);
  });

  it('counts from the last email sent, reminders included', () => {
    const reminded = { ...unanswered, remindersSent: 1, lastSentAt: later(3) };
    expect(reminderDue(reminded, rule, later(5))).toBe(false);
    expect(reminderDue(reminded, rule, later(6))).toBe(true);
  });

  it('stops after max reminders', () => {
    expect(reminderDue({ ...unanswered, remindersSent: 2 }, rule, later(10))).toBe(false);
    expect(reminderDue(unanswered, { afterDays: 3, max: 0 }, later(10))).toBe(false);
  });

  it('never follows an answer, an expired link, a campaign without reminders, or an email never sent', () => {
    expect(reminderDue({ ...unanswered, respondedAt: later(1) }, rule, later(10))).toBe(false);
    expect(reminderDue({ ...unanswered, expiresAt: later(10) }, rule, later(10))).toBe(false);
    expect(reminderDue({ ...unanswered, expiresAt: later(10, 1) }, rule, later(10))).toBe(true);
    expect(reminderDue(unanswered, { afterDays: null, max: 2 }, later(10))).toBe(false);
    expect(reminderDue({ ...unanswered, lastSentAt: null }, rule, later(10))).toBe(false);
  });

  it('an invitation without an expiry date can still be reminded', () => {
    expect(reminderDue({ ...unanswered, expiresAt: null }, rule, later(3))).toBe(true);
  });
});

describe('"Surveyed recently" says until when', () => {
  it('is the last time they were asked plus the frequency window', () => {
    expect(surveyedRecentlyUntil(new Date('2026-03-02T09:00:00Z'), 30).toISOString()).toBe('2026-04-01T09:00:00.000Z');
    expect(surveyedRecentlyUntil(new Date('2026-03-02T09:00:00Z'), 0).toISOString()).toBe('2026-03-02T09:00:00.000Z');
  });
});
