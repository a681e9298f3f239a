import { parse as parseSync } from 'csv-parse/sync';
import { parse as parseStream, CsvError, type Options as ParseOptions } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { csvWriteOptions } from '../../shared/csv.js';

/**
 * CSV on the server: csv-parse reads, csv-stringify writes. What stays ours is the line each record starts on (so
 * an error points at the spreadsheet row), the error wording, and the cell rules in src/shared/csv.ts.
 */
/** Headings compared without case, spaces or punctuation: "Account name", "account_name" and "ACCOUNT-NAME" are one. */
export const normalizeHeading = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * BOM dropped (Excel writes one), rows of any length, blank lines skipped, spaces kept (they are data). The line
 * ending is detected from the first one in the file (CRLF, LF or CR); inside a quoted field anything goes.
 * `raw` is only there to count lines: csv-parse's own count takes a CRLF inside quotes for two lines.
 */
const readOptions = { bom: true, relax_column_count: true, skip_empty_lines: true, raw: true } satisfies ParseOptions;

const LINE_BREAK = /\r\n|\r|\n/g;

interface RawRecord {
  record: string[];
  raw: string;
}

/** Turns csv-parse's records into ours, counting the physical lines each one (and the blank lines before it) spans. */
function lineCounter() {
  let next = 1;
  return {
    /** The line the record being read starts on (or the failing one, for an error). */
    get next() {
      return next;
    },
    take({ record, raw }: RawRecord): CsvRecord | null {
      const leadingBlank = /^(?:\r\n|\r|\n)*/.exec(raw)![0].match(LINE_BREAK)?.length ?? 0;
      const line = next + leadingBlank;
      next += raw.match(LINE_BREAK)?.length ?? 0;
      // A file that starts with LF endings and has CRLF ones further down (pasted together): csv-parse leaves the CR
      // on the line's last unquoted field, and a blank CRLF line becomes a record of one "\r". Both are line ends.
      const last = record.length - 1;
      if (record[last]?.endsWith('\r') && /(^|[^"])\r\n$/.test(raw)) {
        if (last === 0 && record[0] === '\r') return null;
        record[last] = record[last]!.slice(0, -1);
      }
      return { line, fields: record };
    },
  };
}

/** csv-parse's on_record hook: with `raw`, each record comes as { record, raw }, typed there as the bare record. */
const takeWith = (lines: ReturnType<typeof lineCounter>) => (r: unknown) => lines.take(r as RawRecord) as unknown as string[];

function syntaxError(error: unknown, line: number): unknown {
  if (!(error instanceof CsvError)) return error;
  const message =
    error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted field is not closed'
      : error.code === 'INVALID_OPENING_QUOTE' || error.code === 'CSV_INVALID_CLOSING_QUOTE'
        ? 'a quote may only start a field (double it inside a quoted field)'
        : error.message;
  return new CsvSyntaxError(message, line);
}

/** A whole CSV text (an upload already limited in size) into records with their line numbers. */
export function parseCsv(text: string): CsvRecord[] {
  const lines = lineCounter();
  try {
    return parseSync(text, { ...readOptions, on_record: takeWith(lines) }) as unknown as CsvRecord[];
  } catch (error) {
    // Records are counted as the parser makes them, so the counter stands at the line the broken one starts on.
    throw syntaxError(error, lines.next);
  }
}

/**
 * Reads a CSV as it arrives, one record at a time with its line number: a large upload is never held whole. A syntax
 * error throws CsvSyntaxError naming the line its record starts on.
 */
export async function* streamCsv(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<CsvRecord> {
  const lines = lineCounter();
  const parser = parseStream({ ...readOptions, on_record: takeWith(lines) });
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        if (parser.destroyed) return;
        // Backpressure: the next chunk is read only once the records of this one are taken (or reading stopped).
        if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve).once('close', resolve));
      }
      if (!parser.destroyed) parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) yield record;
  } catch (error) {
    throw syntaxError(error, lines.next);
  } finally {
    parser.destroy();
    await feeding;
  }
}

/** Header and rows as CSV text, with the cell rules of src/shared/csv.ts (CRLF, quoted text, formula guard). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return toCsvRows([header, ...rows]);
}

/** Rows alone (no header): the batches of a streamed export. */
export function toCsvRows(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows as unknown[][], csvWriteOptions);
}
