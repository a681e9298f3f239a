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

interface CsvImportControlsProps<Row extends ImportRow> extends Pick<ImportResultProps<Row>, 'columns'> {
  /** Unique on the page: the file input's id. */
  id: string;
  /** The import endpoint; `dryRun` is added to it. */
  url: string;
  /** What the import button counts: ['row', 'rows'], ['touchpoint', 'touchpoints']. */
  noun: [one: string, many: string];
  onImported?: () => void;
}

/**
 * Every CSV import's controls (contacts, quarterly values, touchpoints): pick a file, **Check the file** (a dry run:
 * nothing is written), read the result per row, then **Import n rows** — the rows that would be written.
 */
export function CsvImportControls<Row extends ImportRow>({ id, url, noun, columns, onImported }: CsvImportControlsProps<Row>) {
  const [csv, setCsv] = useState<string | null>(null);
  const [result, setResult] = useState<ImportOutcome<Row> | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (dryRun: boolean) => {
    if (csv === null) return setError('Choose a CSV file first.');
    setBusy(true);
    setError('');
    const res = await api.send<ImportOutcome<Row>>('POST', withQuery(url, { dryRun }), csv, 'text/csv');
    setBusy(false);
    if (!res.ok) {
      setResult(null);
      return setError(res.error.message);
    }
    setResult(res.data);
    if (!dryRun) onImported?.();
  };
  const writable = result ? result.created + (result.updated ?? 0) : 0;
  const errorId = `${id}-error`;

  return (
    <>
      <div class="actions">
        <div class="field">
          <label for={id}>CSV file</label>
          <input
            id={id}
            type="file"
            accept=".csv,text/csv"
            aria-describedby={error ? errorId : undefined}
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              setResult(null);
              setError('');
              setCsv(file ? await file.text() : null);
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
        {result && <ImportResult result={result} columns={columns} />}
      </div>
    </>
  );
}
