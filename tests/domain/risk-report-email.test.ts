import { describe, expect, it } from 'vitest';
import { npsText, renderRiskReport } from '../../src/server/email/risk-report-template.js';

/** The Monday email prints every NPS with its n, its margin to one decimal, a real minus sign, and never "±0.0". */

const account = (fields: Record<string, unknown>) =>
  ({
    accountId: '00000000-0000-4000-8000-000000000001',
    name: 'Northwind',
    owner: { id: '00000000-0000-4000-8000-000000000002', name: 'Maria' },
    stage: 'key_account',
    level: 'amber',
    score: 15,
    reasons: [{ code: 'low_nps', text: 'Low NPS: −33 from only 3 answers, 2 detractors' }],
    nps: -33.33,
    npsMargin: 48.123,
    npsPeriod: '2026-Q4',
    npsResponses: 3,
    npsAsked: 6,
    npsEveryoneAnswered: false,
    renewalDate: null,
    link: 'http://localhost/api/accounts/1',
    ...fields,
  }) as Parameters<typeof npsText>[0] & Parameters<typeof renderRiskReport>[0]['accounts'][number];

describe('the NPS in the Monday Morning Report email', () => {
  it('whole points with a real minus, the margin to one decimal, and the answers behind it', () => {
    expect(npsText(account({}))).toBe('−33 ±48.1, 3 answers');
    expect(npsText(account({ nps: 40, npsMargin: 20, npsResponses: 1, npsAsked: null }))).toBe('+40 ±20.0, 1 answer');
    expect(npsText(account({ nps: null, npsMargin: null, npsResponses: 0 }))).toBe('no answers');
  });

  it('everyone asked answered: says so instead of "±0.0"', () => {
    expect(npsText(account({ nps: 75, npsMargin: 0, npsResponses: 4, npsAsked: 4, npsEveryoneAnswered: true }))).toBe('+75, all 4 contacts answered');
    // A margin that rounds to 0.0 without that flag is left out rather than printed as ±0.0.
    expect(npsText(account({ nps: 10, npsMargin: 0.04, npsResponses: 40 }))).toBe('+10, 40 answers');
  });

  it('the rendered email carries the same words in HTML and text, and no hyphen-minus before a number', () => {
    const mail = renderRiskReport({
      recipientName: 'Erin',
      scope: 'portfolio',
      weekOf: '2026-12-07',
      accounts: [account({}), account({ name: 'Fjord', nps: 75, npsMargin: 0, npsResponses: 4, npsAsked: 4, npsEveryoneAnswered: true, level: 'green', reasons: [] })],
      reportUrl: 'http://localhost/api/reports/risk',
    });
    expect(mail.text).toContain('NPS −33 ±48.1, 3 answers');
    expect(mail.text).toContain('NPS +75, all 4 contacts answered');
    expect(mail.html).toContain('−33 ±48.1, 3 answers');
    expect(mail.text).not.toMatch(/±0\.0/);
    expect(mail.text).not.toMatch(/ -\d/);
  });
});
