import { describe, expect, it } from 'vitest';
import { cellText, ImportFileError, normalizeHeading, parsePortfolioRow, readPortfolioHeader } from '../../src/server/domain/portfolio-import.js';

describe('portfolio headings', () => {
  it('match without case, spaces or punctuation, through the aliases people write', () => {
    expect(normalizeHeading(' Account-Name ')).toBe('accountname');
    const header = readPortfolioHeader(['Company', 'Website', 'Account owner', 'ARR', 'Renewal', 'Contact', 'E-mail', 'Job title', 'Lang', 'Buying Role', 'relationship_strength']);
    expect(header.columns).toEqual(['name', 'domain', 'owner', 'annualRevenue', 'renewalDate', 'contactName', 'email', 'title', 'language', 'buyingRole', 'relationshipStrength']);
    expect(header.unknown).toEqual([]);
    expect(readPortfolioHeader(['Account name', 'Owner email', 'Annual revenue', 'Renewal date', 'Contact email']).columns).toEqual(['name', 'owner', 'annualRevenue', 'renewalDate', 'email']);
  });

  it('lists unknown columns once and ignores them', () => {
    const header = readPortfolioHeader(['Account', 'Notes', 'notes', 'Notes', '']);
    expect(header.columns).toEqual(['name', null, null, null, null]);
    expect(header.unknown).toEqual(['Notes', 'notes']);
  });

  it('refuses a file without an account name column, or with one column twice', () => {
    expect(() => readPortfolioHeader(['Domain', 'Email'])).toThrow(ImportFileError);
    expect(() => readPortfolioHeader(['Company', 'Account name'])).toThrow(/"Company" and "Account name" both mean Account name/);
  });
});

describe('a portfolio row', () => {
  const header = readPortfolioHeader(['Account', 'Domain', 'Stage', 'ARR', 'Renewal', 'Email', 'Level', 'Role']);
  it('reads amounts as a spreadsheet shows them, in cents, and stage words', () => {
    const row = parsePortfolioRow(header, 7, ['Acme', 'https://www.ACME.example/', 'Key Account', '€ 1,200,000.50', '2027-03-31', 'Ana@Acme.example', 'Influencer', 'decision maker']);
    expect(row).toEqual({
      line: 7,
      ok: true,
      value: { name: 'Acme', domain: 'acme.example', stage: 'key_account', annualRevenue: 120000050, renewalDate: '2027-03-31', email: 'ana@acme.example', level: 'influencer', buyingRole: 'decision_maker' },
    });
  });

  it('names each bad column with its message, and blank cells are "not given"', () => {
    const row = parsePortfolioRow(header, 3, ['', '', 'boss', '1.5M', '31/12/2027', '', 'x', '']);
    expect(row.ok).toBe(false);
    if (row.ok) return;
    expect(row.errors.map((e) => e.column)).toEqual(['name', 'stage', 'annualRevenue', 'renewalDate', 'level']);
    // A contact cell without an email: the email is asked for (once the row's cells are valid).
    expect(parsePortfolioRow(header, 5, ['Acme', '', '', '', '', '', 'influencer', ''])).toMatchObject({ ok: false, errors: [{ column: 'email', message: 'is required for a contact' }] });
    expect(parsePortfolioRow(header, 4, ['Acme', '', '', '', '', '', '', ''])).toEqual({ line: 4, ok: true, value: { name: 'Acme' } });
  });

  it('turns XLSX cells into the text a CSV would hold', () => {
    expect([cellText(null), cellText(12.5), cellText(new Date('2027-06-30T00:00:00Z')), cellText(true)]).toEqual(['', '12.5', '2027-06-30', 'true']);
  });
});
