import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv, streamCsv, toCsv } from '../../src/server/domain/csv.js';

const fieldsOf = (text: string) => parseCsv(text).map((r) => r.fields);
const linesOf = (text: string) => parseCsv(text).map((r) => r.line);

describe('parseCsv', () => {
  it('reads a header and rows, each record remembering the line it starts on', () => {
    expect(parseCsv('name,email\nAna,ana@example.com\nBo,bo@example.com')).toEqual([
      { line: 1, fields: ['name', 'email'] },
      { line: 2, fields: ['Ana', 'ana@example.com'] },
      { line: 3, fields: ['Bo', 'bo@example.com'] },
    ]);
  });

  it('keeps commas inside quoted fields and turns doubled quotes into one', () => {
    expect(fieldsOf('"Smith, Ana","She said ""hi""",plain')).toEqual([['Smith, Ana', 'She said "hi"', 'plain']]);
    expect(fieldsOf('""""')).toEqual([['"']]);
  });

  it('reads Windows line endings (CRLF) as one line break', () => {
    const records = parseCsv('a,b\r\n1,2\r\n3,4\r\n');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(records.flatMap((r) => r.fields).some((f) => f.includes('\r'))).toBe(false);
  });

  it('reads old Mac line endings (a bare CR) as a line break', () => {
    expect(fieldsOf('a\rb')).toEqual([['a'], ['b']]);
  });

  it('drops the byte-order mark Excel writes, so the first heading is clean', () => {
    expect(fieldsOf('\uFEFFname,email\nAna,a@x.io')[0]).toEqual(['name', 'email']);
  });

  it('adds no empty record for a trailing newline, and keeps a last line that has none', () => {
    expect(fieldsOf('a,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fieldsOf('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('keeps empty fields, including leading and trailing ones', () => {
    expect(fieldsOf('a,,c')).toEqual([['a', '', 'c']]);
    expect(fieldsOf(',b,')).toEqual([['', 'b', '']]);
    expect(fieldsOf(',')).toEqual([['', '']]);
  });

  it('skips blank lines but still counts them, and keeps a line holding only ""', () => {
    const records = parseCsv('a\n\nb\n""\n');
    expect(records).toEqual([
      { line: 1, fields: ['a'] },
      { line: 3, fields: ['b'] },
      { line: 4, fields: [''] },
    ]);
  });

  it('keeps a newline inside a quoted field, and later records start on the right line', () => {
    const records = parseCsv('name,notes\nAna,"first line\nsecond line"\nBo,x\r\nCy,"a\r\nb\r\nc"\nDi,y');
    expect(records[1]!.fields).toEqual(['Ana', 'first line\nsecond line']);
    expect(records[3]!.fields).toEqual(['Cy', 'a\r\nb\r\nc']);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4, 5, 8]);
  });

  it('returns nothing for an empty text', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\n\n')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });

  it('rejects an unclosed quote, pointing at the line where the field starts', () => {
    const text = 'a,b\n1,2\n3,"never closed\nmore\nmore';
    expect(() => parseCsv(text)).toThrow(CsvSyntaxError);
    try {
      parseCsv(text);
    } catch (error) {
      expect((error as CsvSyntaxError).line).toBe(3);
      expect((error as CsvSyntaxError).message).toMatch(/not closed/);
    }
  });

  it('rejects a quote in the middle of an unquoted field, naming its line', () => {
    let caught: unknown;
    try {
      parseCsv('a,b\nab"c,d');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CsvSyntaxError);
    expect((caught as CsvSyntaxError).line).toBe(2);
  });

  it('does not trim spaces: they are part of the data', () => {
    expect(fieldsOf(' a , b ')).toEqual([[' a ', ' b ']]);
  });

  it('counts every physical line, a CRLF inside a quoted field as one', () => {
    expect(linesOf('h\r\n\r\nx\r\ny\r\n"q\r\nq"\r\nz')).toEqual([1, 3, 4, 5, 7]);
    expect(linesOf('h\n\nx\ny\n"q\r\nq"\nz')).toEqual([1, 3, 4, 5, 7]);
  });

  it('reads CRLF lines in a file that starts with LF ones (two files pasted together) as line ends', () => {
    const records = parseCsv('a,b\n1,2\r\n\r\n3,"x"\n4,5\r\n');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2'], ['3', 'x'], ['4', '5']]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4, 5]);
  });

  it('streams a file in chunks split anywhere, with the same records and lines', async () => {
    const text = '\uFEFFname,notes\r\nAna,"first line\r\nsecond line"\r\n\r\nBo,x\r\n';
    const chunks = async function* () {
      for (let i = 0; i < text.length; i += 3) yield new TextEncoder().encode(text.slice(i, i + 3));
    };
    const records = [];
    for await (const r of streamCsv(chunks())) records.push(r);
    expect(records).toEqual(parseCsv(text));
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('streams a syntax error as CsvSyntaxError naming its line', async () => {
    const read = async () => {
      for await (const _ of streamCsv([new TextEncoder().encode('a\n1\n"open\nmore')])) void _;
    };
    await expect(read()).rejects.toMatchObject({ line: 3, message: 'a quoted field is not closed' });
  });
});

describe('toCsv', () => {
  it('writes a header and rows with CRLF line endings and a final CRLF; text quoted, numbers bare', () => {
    expect(toCsv(['name', 'score'], [['Ana', 9], ['Bo', 10]])).toBe('"name","score"\r\n"Ana",9\r\n"Bo",10\r\n');
  });

  it('writes null and undefined as empty fields, an empty text as "", dates as quoted ISO timestamps', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[null, undefined, '', new Date('2026-03-02T09:00:00Z')]])).toBe(
      '"a","b","c","d"\r\n,,"","2026-03-02T09:00:00.000Z"\r\n',
    );
  });

  it('quotes every text field, doubling quotes inside', () => {
    expect(toCsv(['v'], [['plain'], ['a,b'], ['say "hi"'], ['two\nlines'], ['cr\rhere']])).toBe(
      '"v"\r\n"plain"\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\rhere"\r\n',
    );
  });

  it('writes numbers and booleans bare (a negative number stays a number) and leaves out numbers that are not finite', () => {
    expect(toCsv(['n'], [[-5], [0], [3.25], [-0.5], [true], [false], [Number.NaN], [Infinity], [-Infinity]])).toBe(
      '"n"\r\n-5\r\n0\r\n3.25\r\n-0.5\r\ntrue\r\nfalse\r\n\r\n\r\n\r\n',
    );
  });

  it('round-trips through parseCsv', () => {
    const header = ['name', 'notes', 'empty', 'count'];
    const rows = [
      ['Smith, Ana', 'She said "yes"\r\nthen left', null, 3],
      [' padded ', '', undefined, 0],
      ['"quoted"', ',', '', -1],
    ];
    const parsed = parseCsv(toCsv(header, rows)).map((r) => r.fields);
    expect(parsed).toEqual([
      header,
      ['Smith, Ana', 'She said "yes"\r\nthen left', '', '3'],
      [' padded ', '', '', '0'],
      ['"quoted"', ',', '', '-1'],
    ]);
  });
});

describe('CSV injection', () => {
  it('text that would run as a spreadsheet formula stays text; numbers stay numbers', () => {
    const csv = toCsv(['answer', 'score'], [['=HYPERLINK("http://evil")', -5], ['@SUM(A1)', 3], ['fine', 0]]);
    const rows = parseCsv(csv).map((r) => r.fields);
    expect(rows[1]).toEqual([`'=HYPERLINK("http://evil")`, '-5']);
    expect(rows[2]).toEqual([`'@SUM(A1)`, '3']);
    expect(rows[3]).toEqual(['fine', '0']);
  });

  it('guards every formula start (= + - @ tab CR) in every column, not only the first', () => {
    const starts = ['=1+1', '+1+1', '-1+1', '@SUM(A1)', '\t=1+1', '\r=1+1', '-5'];
    const row = ['Acme', ...starts];
    const [, fields] = parseCsv(toCsv(['name', ...starts.map((_, i) => `c${i}`)], [row])).map((r) => r.fields);
    expect(fields).toEqual(['Acme', ...starts.map((s) => `'${s}`)]);
    // The guarded text is still one quoted field: nothing of it can land outside the cell.
    expect(toCsv(['x'], [['=cmd|"/c calc"!A0']])).toBe(`"x"\r\n"'=cmd|""/c calc""!A0"\r\n`);
  });

  it('leaves text alone when the formula character is not first', () => {
    const [, fields] = parseCsv(toCsv(['a', 'b', 'c'], [['a=b', ' =1+1', 'x-1']])).map((r) => r.fields);
    expect(fields).toEqual(['a=b', ' =1+1', 'x-1']);
  });
});
