import { formatNumber, humanize } from '../format.js';

/** What every CSV import answers (contacts, quarterly values, touchpoints): a summary and one result per row. */
export interface ImportOutcome<Row extends ImportRow> {
  dryRun: boolean;
  created: number;
  /** Rows that change what is there (contacts, values). */
  updated?: number;
  /** Rows already there, left alone (touchpoints). */
  skipped?: number;
  failed: number;
  rows: Row[];
}

interface ImportRow {
  line: number;
  status: string;
  errors: { column: string; message: string }[];
  /** Why a row was skipped. */
  note?: string | null;
}

interface ImportResultProps<Row extends ImportRow> {
  result: ImportOutcome<Row>;
  /** The columns that name each row (e.g. Email; or Account and Quarter), between Line and Status. */
  columns: { label: string; value: (row: Row) => string | null | undefined }[];
}

/** "Checked, nothing written yet: 2 to create, …" and the per-row table (line, what, status, message). */
export function ImportResult<Row extends ImportRow>({ result, columns }: ImportResultProps<Row>) {
  return (
    <>
      <p class="import-summary">
        {result.dryRun ? 'Checked, nothing written yet: ' : 'Imported: '}
        {formatNumber(result.created)} {result.dryRun ? 'to create' : 'created'},{' '}
        {result.updated !== undefined && `${formatNumber(result.updated)} ${result.dryRun ? 'to update' : 'updated'}, `}
        {result.skipped !== undefined && `${formatNumber(result.skipped)} already there (${result.dryRun ? 'to skip' : 'skipped'}), `}
        {formatNumber(result.failed)} with errors{result.failed ? (result.skipped !== undefined ? ' (not written)' : ' (skipped)') : ''}.
      </p>
      <div class="table-wrap">
        <table class="data import-result">
          <caption class="visually-hidden">Result per row</caption>
          <thead>
            <tr>
              <th scope="col" class="num">
                Line
              </th>
              {columns.map((c) => (
                <th scope="col" key={c.label}>
                  {c.label}
                </th>
              ))}
              <th scope="col">Status</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {result.rows.map((r) => (
              <tr key={r.line} class={r.status === 'error' ? 'row-error' : undefined}>
                <td class="num">{r.line}</td>
                {columns.map((c) => (
                  <td key={c.label}>{c.value(r) ?? '—'}</td>
                ))}
                <td>{r.status === 'error' ? <strong class="overdue">Error</strong> : result.dryRun ? `Will be ${r.status}` : humanize(r.status)}</td>
                <td>{r.errors.length ? r.errors.map((x) => `${x.column}: ${x.message}`).join('; ') : (r.note ?? 'OK')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
