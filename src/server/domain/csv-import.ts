import { parseCsv, CsvSyntaxError, type CsvRecord } from './csv.js';

export const MAX_IMPORT_ROWS = 5000;

/** A problem with the whole file (not one row): syntax, missing columns, too many rows. */
export class ImportFileError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Finds an import row's account among those the caller may import to: by id, or by name ignoring case (a name may
 * match several, which the row must then resolve with the id). Another manager's account is simply not there.
 */
export function accountFinder<A extends { id: string; name: string }>(accounts: A[]): (ref: string) => A[] {
  const byId = new Map(accounts.map((a) => [a.id.toLowerCase(), a]));
  const byName = new Map<string, A[]>();
  for (const a of accounts) byName.set(a.name.toLowerCase(), [...(byName.get(a.name.toLowerCase()) ?? []), a]);
  return (ref) => (UUID.test(ref) ? [byId.get(ref.toLowerCase())].filter((a): a is A => a !== undefined) : (byName.get(ref.toLowerCase()) ?? []));
}

/**
 * The part every spreadsheet import shares: parses the CSV, maps the header through `aliases` (the headings
 * people actually write) and checks the required columns are there and the file is not too long. Returns the
 * column of each field (null: a column we do not read) and the non-blank rows, each with its line number.
 */
export function readImportTable<Column extends string>(
  text: string,
  spec: { aliases: Record<string, Column>; required: readonly Column[]; expected: string; rowsAre: string },
): { columns: (Column | null)[]; rows: CsvRecord[] } {
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
  if (!header) throw new ImportFileError(`the file is empty: expected a header line and one row per ${spec.rowsAre}`);
  const columns = header.fields.map((h) => spec.aliases[h.trim().toLowerCase()] ?? null);
  const missing = spec.required.filter((col) => !columns.includes(col));
  if (missing.length) {
    throw new ImportFileError(`missing column(s): ${missing.join(', ')}. Expected a header line with ${spec.expected}`);
  }
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportFileError(`at most ${MAX_IMPORT_ROWS} rows per import`);
  return { columns, rows: rows.filter((r) => r.fields.some((f) => f.trim() !== '')) };
}
