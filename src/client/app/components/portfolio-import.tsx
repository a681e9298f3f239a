import { useState } from 'preact/hooks';
import { api, withQuery } from '../api.js';
import { formatNumber } from '../format.js';
import { isManager } from '../session.js';
import { ImportResult } from './import-result.js';
import { Loading } from './states.js';
import type { PortfolioImportResult } from '../../../shared/schemas/portfolio-import.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Beyond this many rows the table lists the rows with errors only: 20,000 table rows would stall a phone. */
const LIST_ALL_UP_TO = 500;

/** The template: every column once, with one account and two of its contacts as the example. */
const TEMPLATE = [
  'Account name,Domain,Industry,Owner email,Stage,Annual revenue,Renewal date,Contact name,Email,Title,Language,Level,Buying role,Relationship strength',
  'Northwind Traders,northwind.example,Logistics,,customer,1200000,2027-03-31,Nina North,nina@northwind.example,CFO,en,instigator,economic_buyer,4',
  'Northwind Traders,northwind.example,Logistics,,customer,1200000,2027-03-31,Ned North,ned@northwind.example,Head of Operations,de,influencer,champion,3',
].join('\r\n');
const templateHref = `data:text/csv;charset=utf-8,${encodeURIComponent(`${TEMPLATE}\r\n`)}`;

type Row = PortfolioImportResult['rows'][number];

/**
 * The whole portfolio from one CSV or XLSX sheet: choose the file, **Check the file** (a dry run: nothing written),
 * read the result per row with its line, then **Import**. The file goes up as it is (not read into a string here),
 * so the server can stream it.
 */
export function PortfolioImport({ onImported }: { onImported?: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<PortfolioImportResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = 'portfolio-import-file';
  const errorId = `${id}-error`;

  const run = async (dryRun: boolean) => {
    if (!file) return setError('Choose a CSV or XLSX file first.');
    const xlsx = /\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE;
    setBusy(true);
    setError('');
    const res = await api.send<PortfolioImportResult>('POST', withQuery('/api/import/portfolio', { dryRun, fileName: file.name }), file, xlsx ? XLSX_TYPE : 'text/csv');
    setBusy(false);
    if (!res.ok) {
      setResult(null);
      return setError(res.error.message);
    }
    setResult(res.data);
    if (!dryRun) onImported?.();
  };
  const writable = result ? result.created + result.updated : 0;
  const shown = result && result.rows.length > LIST_ALL_UP_TO ? { ...result, rows: result.rows.filter((r) => r.status === 'error') } : result;

  return (
    <details class="portfolio-import no-print">
      <summary>Import portfolio</summary>
      <p class="muted small">
        One row per contact, the account’s columns repeated on each: account name, domain, industry, owner email, stage, annual revenue, renewal date
        (YYYY-MM-DD), contact name, email, title, language, level, buying role, relationship strength. Accounts are matched by domain, then by name;
        contacts by email. A blank cell keeps what is there.{isManager() ? ' Your own accounts only: leave the owner blank or write your email.' : ''}{' '}
        Check the file first; nothing is written until you import.{' '}
        <a href={templateHref} download="keypulse-portfolio-template.csv">
          Download the template (CSV)
        </a>
      </p>
      <div class="actions">
        <div class="field">
          <label for={id}>CSV or XLSX file</label>
          <input
            id={id}
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
            Import {formatNumber(writable)} {writable === 1 ? 'row' : 'rows'}
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
        {result && result.unknownColumns.length > 0 && (
          <p class="muted small">Columns not read (no such field): {result.unknownColumns.join(', ')}.</p>
        )}
        {shown && result && shown.rows.length < result.rows.length && (
          <p class="muted small">
            {formatNumber(result.rows.length)} rows: only the {formatNumber(shown.rows.length)} with errors are listed.
          </p>
        )}
        {shown && (
          <ImportResult<Row>
            result={shown}
            columns={[
              { label: 'Account', value: (r) => r.account },
              { label: 'Email', value: (r) => r.email },
            ]}
          />
        )}
      </div>
    </details>
  );
}
