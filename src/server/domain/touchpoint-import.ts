import { TouchpointCsvRow } from '../../shared/schemas/touchpoint.js';
import { readImportTable, ImportFileError } from './csv-import.js';

export { ImportFileError };

/**
 * Touchpoints from a spreadsheet (a CRM's activity export, last year's meeting log): columns account (name or id),
 * date (YYYY-MM-DD), kind, their people (contact emails separated by ";"), our people (user emails), notes.
 */
const headerAliases: Record<string, keyof TouchpointCsvRow> = {
  account: 'account',
  'account name': 'account',
  'account id': 'account',
  customer: 'account',
  date: 'date',
  day: 'date',
  'occurred on': 'date',
  occurredon: 'date',
  kind: 'kind',
  type: 'kind',
  'their people': 'theirPeople',
  'their people present': 'theirPeople',
  contacts: 'theirPeople',
  'contact emails': 'theirPeople',
  'our people': 'ourPeople',
  'our people present': 'ourPeople',
  colleagues: 'ourPeople',
  users: 'ourPeople',
  'user emails': 'ourPeople',
  notes: 'notes',
  note: 'notes',
  summary: 'notes',
};
const requiredColumns = ['account', 'date', 'kind'] as const;

/** The column names the per-row messages use: the headings of the documented file, not our field names. */
export const columnLabel: Record<keyof TouchpointCsvRow, string> = {
  account: 'account',
  date: 'date',
  kind: 'kind',
  theirPeople: 'their people',
  ourPeople: 'our people',
  notes: 'notes',
};

export type ParsedTouchpointRow =
  | { line: number; ok: true; value: TouchpointCsvRow }
  | { line: number; ok: false; account: string | null; date: string | null; errors: { column: string; message: string }[] };

/**
 * Turns CSV text into checked rows. Whole-file problems (syntax, missing columns, too many rows) throw
 * ImportFileError; a bad row comes back with its line number and what is wrong in each column. Which account,
 * which people and whether the touchpoint is already logged are for the route to decide (they need the database).
 */
export function parseTouchpointImport(text: string): ParsedTouchpointRow[] {
  const { columns, rows } = readImportTable(text, {
    aliases: headerAliases,
    required: requiredColumns,
    expected: 'account, date, kind, their people, our people, notes',
    rowsAre: 'touchpoint',
  });
  return rows.map((record): ParsedTouchpointRow => {
    const raw: Record<string, string> = { theirPeople: '', ourPeople: '', notes: '' };
    columns.forEach((col, i) => {
      if (col) raw[col] = record.fields[i] ?? '';
    });
    const result = TouchpointCsvRow.safeParse(raw);
    if (result.success) return { line: record.line, ok: true, value: result.data };
    const errors = result.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? 'row') as keyof TouchpointCsvRow;
      const column = columnLabel[field] ?? field;
      // A bad address in a list: name it, so the person can find it in a cell of ten.
      const index = issue.path[1];
      if (typeof index === 'number' && (field === 'theirPeople' || field === 'ourPeople')) {
        const address = (raw[field] ?? '').split(/[;,]/).map((e) => e.trim()).filter(Boolean)[index];
        return { column, message: `"${address ?? ''}" ${issue.message}` };
      }
      return { column, message: issue.message };
    });
    return { line: record.line, ok: false, account: raw.account?.trim() || null, date: raw.date?.trim() || null, errors };
  });
}

/** Same account, same day, same kind, the same people on both sides: the same touchpoint (notes aside). */
export function touchpointKey(t: { accountId: string; occurredOn: string; kind: string; contactIds: string[]; userIds: string[] }): string {
  return [t.accountId, t.occurredOn, t.kind, [...t.contactIds].sort().join(','), [...t.userIds].sort().join(',')].join('|');
}
