import type { Options as StringifyOptions } from 'csv-stringify/sync';

/**
 * What is ours in the CSV we write; the writing itself is csv-stringify's (src/server/domain/csv.ts on the server,
 * its browser build loaded on demand in the workspace app). No runtime import here: the browser bundles this file.
 */

/**
 * Text a spreadsheet would run as a formula: = + - @ start one in Excel, LibreOffice and Google Sheets, and a
 * leading tab or carriage return is dropped by some of them, leaving the formula character behind (OWASP's list).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * How each value becomes a field. Numbers and booleans are values, written bare so a spreadsheet reads them as such
 * (-5 stays minus five; NaN and infinities are left empty). Everything else is text: always quoted, and text that
 * would start a formula gets a leading apostrophe (OWASP's CSV-injection guard), so a customer's answer
 * "=HYPERLINK(…)" shows as typed instead of running. null and undefined are empty fields; CRLF ends each record.
 */
export const csvWriteOptions = {
  record_delimiter: 'windows',
  quoted_string: true,
  cast: {
    number: (v: number) => ({ value: Number.isFinite(v) ? String(v) : '', quoted: false }),
    bigint: (v: bigint) => ({ value: String(v), quoted: false }),
    boolean: (v: boolean) => ({ value: String(v), quoted: false }),
    date: (v: Date) => ({ value: v.toISOString(), quoted: true }),
    string: (v: string) => ({ value: FORMULA_START.test(v) ? `'${v}` : v, quoted: true }),
    object: (v: object) => {
      const text = String(v);
      return { value: FORMULA_START.test(text) ? `'${text}` : text, quoted: true };
    },
  },
} satisfies StringifyOptions;
