import { ContactCsvRow } from '../../shared/schemas/contact.js';
import { readImportTable, ImportFileError, MAX_IMPORT_ROWS } from './csv-import.js';

export { ImportFileError, MAX_IMPORT_ROWS };

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

/**
 * Turns CSV text into validated rows. Whole-file problems (syntax, missing columns, too many rows) throw
 * ImportFileError; a bad row is returned with its line number and what is wrong with each column.
 */
export function parseContactImport(text: string): ParsedImportRow[] {
  const { columns, rows } = readImportTable(text, {
    aliases: headerAliases,
    required: requiredColumns,
    expected: 'name, email, title, level, role, language',
    rowsAre: 'contact',
  });
  const seen = new Map<string, number>();
  return rows
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
