import { useState } from 'preact/hooks';
import { api, withQuery } from '../api.js';
import { formatNumber, humanize } from '../format.js';
import { Loading } from './states.js';

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

export interface ImportRow {
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

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Beyond this many rows the table lists the rows with errors only: 20,000 table rows would stall a phone. */
const LIST_ALL_UP_TO = 500;

interface CsvImportControlsProps<Row extends ImportRow> extends Pick<ImportResultProps<Row>, 'columns'> {
  /** Unique on the page: the file input's id. */
  id: string;
  /** The import endpoint; `dryRun` (and the file's name) are added to it. */
  url: string;
  /** What the import button counts: ['row', 'rows'], ['touchpoint', 'touchpoints']. */
  noun: [one: string, many: string];
  /** Also take .xlsx files (the portfolio import). */
  xlsx?: boolean;
  onImported?: () => void;
}

/**
 * Every file import's controls (contacts, quarterly values, touchpoints, the portfolio): pick a file, **Check the
 * file** (a dry run: nothing is written), read the result per row, then **Import n rows** — the rows that would be
 * written. The file goes up as it is, not read into a string here, so the server can stream it.
 */
export function CsvImportControls<Row extends ImportRow>({ id, url, noun, columns, xlsx = false, onImported }: CsvImportControlsProps<Row>) {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<(ImportOutcome<Row> & { unknownColumns?: string[] }) | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const kinds = xlsx ? 'CSV or XLSX' : 'CSV';

  const run = async (dryRun: boolean) => {
    if (!file) return setError(`Choose a ${kinds} file first.`);
    const isXlsx = xlsx && (/\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE);
    setBusy(true);
    setError('');
    const query = xlsx ? { dryRun, fileName: file.name } : { dryRun };
    const res = await api.send<ImportOutcome<Row> & { unknownColumns?: string[] }>('POST', withQuery(url, query), file, isXlsx ? XLSX_TYPE : 'text/csv');
    setBusy(false);
    if (!res.ok) {
      setResult(null);
      return setError(res.error.message);
    }
    setResult(res.data);
    if (!dryRun) onImported?.();
  };
  const writable = result ? result.created + (result.updated ?? 0) : 0;
  const shown = result && result.rows.length > LIST_ALL_UP_TO ? { ...result, rows: result.rows.filter((r) => r.status === 'error') } : result;
  const errorId = `${id}-error`;

  return (
    <>
      <div class="actions">
        <div class="field">
          <label for={id}>{kinds} file</label>
          <input
            id={id}
            type="file"
            accept={xlsx ? `.csv,.xlsx,text/csv,${XLSX_TYPE}` : '.csv,text/csv'}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => {
              setResult(null);
              setError('');
              setFile(e.currentTarget.files?.[0] ?? null);
            }}
          />
        </div>
        <button type="button" class="secondary" disabled={busy} onClick={() => run(true)}>
          Check the file
        </button>
        {result?.dryRun && writable > 0 && (
          <button type="button" disabled={busy} onClick={() => run(false)}>
            Import {formatNumber(writable)} {writable === 1 ? noun[0] : noun[1]}
          </button>
        )}
      </div>
      <div aria-live="polite">
        {busy && <Loading what="Reading the file…" />}
        {error && (
          <p class="field-error" id={errorId} role="alert">
            {error}
          </p>
        )}
        {result?.unknownColumns?.length ? <p class="muted small">Columns not read (no such field): {result.unknownColumns.join(', ')}.</p> : null}
        {shown && result && shown.rows.length < result.rows.length && (
          <p class="muted small">
            {formatNumber(result.rows.length)} rows: only the {formatNumber(shown.rows.length)} with errors are listed.
          </p>
        )}
        {shown && <ImportResult result={shown} columns={columns} />}
      </div>
    </>
  );
}
