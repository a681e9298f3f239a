import { parseCsv, CsvSyntaxError } from '../../shared/csv.js';
import { ContactCsvRow } from '../../shared/schemas/contact.js';

export const MAX_IMPORT_ROWS = 5000;

/** Spreadsheet headings people actually write, mapped to our column names. */
const headerAliases: Record<string, keyof ContactCsvRow> = {
  name: 'name',
  'full name': 'name',
  email: 'email',
  'e-mail': 'email',
  'email address': 'email',
  title: 'title',
  'job title': 'title',
  level: 'level',
  'decision level': 'level',
  role: 'role',
  'buying role': 'role',
  buyingrole: 'role',
  language: 'language',
  lang: 'language',
};
const requiredColumns = ['name', 'email', 'level', 'role'] as const;

/** A good row; title and language are absent when the file has no such column. */
export type ImportedContact = Omit<ContactCsvRow, 'title' | 'language'> & Partial<Pick<ContactCsvRow, 'title' | 'language'>>;

export type ParsedImportRow =
  | { line: number; ok: true; value: ImportedContact }
  | { line: number; ok: false; email: string | null; errors: { column: string; message: string }[] };

export class ImportFileError extends Error {}

/**
 * Turns CSV text into validated rows. Whole-file problems (syntax, missing columns, too many rows) throw
 * ImportFileError; a bad row is returned with its line number and what is wrong with each column.
 */
export function parseContactImport(text: string): ParsedImportRow[] {
  // PostgreSQL text cannot hold NUL; such a file is not a CSV export anyway.
  if (text.includes('\u0000')) throw new ImportFileError('the file contains NUL bytes: is it really a CSV (not an .xlsx)?');
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ImportFileError(`line ${error.line}: ${error.message}`);
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) throw new ImportFileError('the file is empty: expected a header line and one row per contact');
  const columns = header.fields.map((h) => headerAliases[h.trim().toLowerCase()] ?? null);
  const missing = requiredColumns.filter((col) => !columns.includes(col));
  if (missing.length) {
    throw new ImportFileError(
      `missing column(s): ${missing.join(', ')}. Expected a header line with name, email, title, level, role, language`,
    );
  }
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportFileError(`at most ${MAX_IMPORT_ROWS} rows per import`);

  const seen = new Map<string, number>();
  return rows
    .filter((r) => r.fields.some((f) => f.trim() !== ''))
    .map((record): ParsedImportRow => {
      const raw: Record<string, string> = {};
      columns.forEach((col, i) => {
        if (col) raw[col] = record.fields[i] ?? '';
      });
      const result = ContactCsvRow.safeParse(raw);
      const email = raw.email?.trim().toLowerCase() || null;
      if (!result.success) {
        const errors = result.error.issues.map((issue) => ({
          column: String(issue.path[0] ?? 'row'),
          message: issue.message,
        }));
        return { line: record.line, ok: false, email, errors };
      }
      const firstLine = seen.get(result.data.email);
      if (firstLine !== undefined) {
        return {
          line: record.line,
          ok: false,
          email,
          errors: [{ column: 'email', message: `appears again: already on line ${firstLine}` }],
        };
      }
      seen.set(result.data.email, record.line);
      // A column the file lacks must not overwrite what an existing contact has (their language, their title).
      const value: ImportedContact = { ...result.data };
      if (!columns.includes('title')) delete value.title;
      if (!columns.includes('language')) delete value.language;
      return { line: record.line, ok: true, value };
    });
}
