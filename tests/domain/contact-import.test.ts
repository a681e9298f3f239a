import { describe, expect, it } from 'vitest';
import { ImportFileError, MAX_IMPORT_ROWS, parseContactImport, type ParsedImportRow } from '../../src/server/domain/contact-import.js';

const HEADER = 'name,email,title,level,role,language';

function fileError(text: string): string {
  try {
    parseContactImport(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return (error as Error).message;
  }
  throw new Error('expected the whole file to be rejected');
}
const failed = (row: ParsedImportRow) => {
  if (row.ok) throw new Error(`line ${row.line} was expected to fail`);
  return row;
};

describe('parseContactImport: good rows', () => {
  it('normalises what people type: email case and spaces, level case, role words, empty title and language', () => {
    const [row] = parseContactImport(
      `${HEADER}\n  Ana Ruiz , Ana.Ruiz@Example.COM ,,Instigator,Decision Maker,\n`,
    );
    expect(row).toEqual({
      line: 2,
      ok: true,
      value: {
        name: 'Ana Ruiz',
        email: 'ana.ruiz@example.com',
        title: null,
        level: 'instigator',
        role: 'decision_maker',
        language: 'en',
      },
    });
  });

  it('accepts role spellings with spaces, hyphens or underscores', () => {
    const rows = parseContactImport(
      [
        HEADER,
        'A,a@x.io,,influencer,economic-buyer,es',
        'B,b@x.io,,influencer,TECHNICAL  BUYER,pt-BR',
        'C,c@x.io,,implementer,gatekeeper,en',
        'D,d@x.io,,implementer,decision_maker,en',
      ].join('\n'),
    );
    expect(rows.map((r) => r.ok && r.value.role)).toEqual(['economic_buyer', 'technical_buyer', 'gatekeeper', 'decision_maker']);
    expect(rows.map((r) => r.ok && r.value.language)).toEqual(['es', 'pt-BR', 'en', 'en']);
  });

  it('understands spreadsheet headings in any case and order, and ignores columns it does not know', () => {
    const text = [
      ' Buying Role ,Notes,E-mail,Full Name,Decision Level,Job Title,Lang',
      'Champion,likes golf,bo@x.io,Bo Chen,Influencer,CFO,es',
    ].join('\r\n');
    expect(parseContactImport(text)).toEqual([
      {
        line: 2,
        ok: true,
        value: { name: 'Bo Chen', email: 'bo@x.io', title: 'CFO', level: 'influencer', role: 'champion', language: 'es' },
      },
    ]);
  });

  it('works without the optional title and language columns, leaving those fields out rather than blanking them', () => {
    const [row] = parseContactImport('Email Address,Name,Level,Role\ncy@x.io,Cy,implementer,user');
    expect(row).toEqual({ line: 2, ok: true, value: { name: 'Cy', email: 'cy@x.io', level: 'implementer', role: 'user' } });
  });

  it('skips blank lines and lines of empty cells, keeping the real line numbers of the rest', () => {
    const rows = parseContactImport(`${HEADER}\n\nA,a@x.io,,influencer,user,en\n,,,,,\n\nB,b@x.io,,influencer,user,en\n`);
    expect(rows.map((r) => r.line)).toEqual([3, 6]);
  });

  it('numbers lines as the spreadsheet does when a quoted cell spans lines', () => {
    const rows = parseContactImport(
      `${HEADER}\n"Ana","ana@x.io","Head of\nProcurement\n(EMEA)",instigator,user,en\nBo,bad-email,,influencer,user,en`,
    );
    expect(rows[0]).toMatchObject({ line: 2, ok: true, value: { title: 'Head of\nProcurement\n(EMEA)' } });
    expect(rows[1]).toMatchObject({ line: 5, ok: false });
  });
});

describe('parseContactImport: bad rows', () => {
  it('reports each bad column of a row with its line, keeping the email it could read', () => {
    const rows = parseContactImport(
      [HEADER, 'Ana,ana@x.io,,instigator,user,en', ',BO@X.IO,,boss,chief,english!'].join('\n'),
    );
    expect(rows[0]!.ok).toBe(true);
    const bad = failed(rows[1]!);
    expect(bad.line).toBe(3);
    expect(bad.email).toBe('bo@x.io');
    expect(bad.errors.map((e) => e.column).sort()).toEqual(['language', 'level', 'name', 'role']);
    expect(bad.errors.find((e) => e.column === 'name')!.message).toBe('is required');
  });

  it('rejects an invalid email, reporting no usable email when the cell is empty', () => {
    const rows = parseContactImport(`${HEADER}\nAna,not-an-email,,instigator,user,en\nBo,,,instigator,user,en`);
    const [first, second] = rows.map(failed);
    expect(first!.errors).toEqual([{ column: 'email', message: 'must be a valid email address' }]);
    expect(first!.email).toBe('not-an-email');
    expect(second!.email).toBeNull();
    expect(second!.errors.map((e) => e.column)).toEqual(['email']);
  });

  it('treats a short row as missing its last cells', () => {
    const bad = failed(parseContactImport(`${HEADER}\nAna,ana@x.io`)[0]!);
    expect(bad.errors.map((e) => e.column).sort()).toEqual(['level', 'role']);
  });

  it('flags a repeated email (in any case) on the later line, naming the first', () => {
    const rows = parseContactImport(
      [HEADER, 'Ana,ana@x.io,,instigator,user,en', 'Bo,bo@x.io,,instigator,user,en', 'Ana Again,ANA@x.io,,influencer,user,en'].join('\n'),
    );
    expect(rows.map((r) => r.ok)).toEqual([true, true, false]);
    expect(failed(rows[2]!)).toEqual({
      line: 4,
      ok: false,
      email: 'ana@x.io',
      errors: [{ column: 'email', message: 'appears again: already on line 2' }],
    });
  });

  it('does not count a rejected row as the first occurrence of its email', () => {
    const rows = parseContactImport(`${HEADER}\nAna,ana@x.io,,nobody,user,en\nAna,ana@x.io,,instigator,user,en`);
    expect(rows.map((r) => r.ok)).toEqual([false, true]);
  });
});

describe('parseContactImport: whole-file problems', () => {
  it('rejects an empty file', () => {
    expect(fileError('')).toMatch(/empty/);
    expect(fileError('\n\r\n')).toMatch(/empty/);
  });

  it('names every missing required column', () => {
    expect(fileError('name,title,language\nAna,CFO,en')).toMatch(/missing column\(s\): email, level, role/);
    expect(fileError('Full Name,E-mail,Job Title\n')).toMatch(/missing column\(s\): level, role\./);
  });

  it('reports a CSV syntax error with its line', () => {
    expect(fileError(`${HEADER}\nAna,ana@x.io,,instigator,user,en\nBo,"bo@x.io,,influencer,user,en\n`)).toMatch(
      /^line 3: a quoted field is not closed/,
    );
  });

  it(`accepts ${MAX_IMPORT_ROWS} rows and refuses one more`, () => {
    const row = (i: number) => `P${i},p${i}@x.io,,influencer,user,en`;
    const rows = Array.from({ length: MAX_IMPORT_ROWS }, (_, i) => row(i));
    expect(parseContactImport([HEADER, ...rows].join('\n'))).toHaveLength(MAX_IMPORT_ROWS);
    expect(fileError([HEADER, ...rows, row(MAX_IMPORT_ROWS)].join('\n'))).toMatch(`at most ${MAX_IMPORT_ROWS} rows`);
  });

  it('a header alone is a valid file with nothing to import', () => {
    expect(parseContactImport(`${HEADER}\n`)).toEqual([]);
  });
});
