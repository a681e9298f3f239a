import { useState } from 'preact/hooks';
import { api, withQuery } from '../api.js';
import { isManager } from '../session.js';
import { formatNumber } from '../format.js';
import { ImportResult } from './import-result.js';
import { Loading } from './states.js';
import { kindLabel, touchpointsChanged } from './touchpoints.js';
import type { TouchpointImportResult } from '../../../shared/schemas/touchpoint.js';

/**
 * Touchpoints from a spreadsheet, for many accounts at once (a CRM's activity export, last year's meeting log):
 * check the file, read the result row by row, then import the good rows. Importing the same file again adds nothing.
 */
export function TouchpointImport() {
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [result, setResult] = useState<TouchpointImportResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (dryRun: boolean) => {
    if (!csv) return setError('Choose a CSV file first.');
    setBusy(true);
    setError('');
    const res = await api.send<TouchpointImportResult>('POST', withQuery('/api/touchpoints/import', { dryRun }), csv.text, 'text/csv');
    setBusy(false);
    if (!res.ok) {
      setResult(null);
      return setError(res.error.message);
    }
    setResult(res.data);
    if (!dryRun) touchpointsChanged.value += 1;
  };

  return (
    <details class="touchpoint-import no-print">
      <summary>Import touchpoints from CSV</summary>
      <p class="muted small">
        Columns: account (name or id), date (YYYY-MM-DD), kind (meeting, call, visit, QBR, social event, email thread), their people (contact emails separated
        by “;”), our people (colleagues’ emails), notes.{isManager() ? ' Your own accounts only.' : ''} A touchpoint already logged — same account, date,
        kind and people — is skipped, so a file can be imported twice. Check the file first; nothing is written until you import.
      </p>
      <div class="actions">
        <div class="field">
          <label for="touchpoint-import-file">CSV file</label>
          <input
            id="touchpoint-import-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby={error ? 'touchpoint-import-error' : undefined}
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              setResult(null);
              setError('');
              setCsv(file ? { name: file.name, text: await file.text() } : null);
            }}
          />
        </div>
        <button type="button" class="secondary" disabled={busy} onClick={() => run(true)}>
          Check the file
        </button>
        {result?.dryRun && result.created > 0 && (
          <button type="button" disabled={busy} onClick={() => run(false)}>
            Import {formatNumber(result.created)} {result.created === 1 ? 'touchpoint' : 'touchpoints'}
          </button>
        )}
      </div>
      <div aria-live="polite">
        {busy && <Loading what="Reading the file…" />}
        {error && (
          <p class="field-error" id="touchpoint-import-error" role="alert">
            {error}
          </p>
        )}
        {result && (
          <ImportResult
            result={result}
            columns={[
              { label: 'Account', value: (r) => r.account },
              { label: 'Date', value: (r) => r.occurredOn },
              { label: 'Kind', value: (r) => (r.kind ? kindLabel(r.kind) : null) },
            ]}
          />
        )}
      </div>
    </details>
  );
}
