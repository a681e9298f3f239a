import { useState } from 'preact/hooks';
import { api, issuesByField, withQuery, type ApiProblem } from '../api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Field, describedBy } from '../components/field.js';
import { plural } from '../format.js';
import type { DelightedFileKind, DelightedImportResult, DelightedMapBy } from '../../../shared/schemas/delighted-import.js';

/**
 * Admin · Import from Delighted: pick the export's files, choose how people find their account, try it (dry run),
 * read the report row by row, then import. Delighted shut down on 30 June 2026; its customers hold exports.
 */
export default function AdminImportDelighted() {
  usePageTitle('Import from Delighted · Admin');
  return (
    <AdminFrame current="/admin/import-delighted" title="Import from Delighted">
      <ImportPanel />
    </AdminFrame>
  );
}

const fileLabels: Record<DelightedFileKind, string> = {
  responses: 'Survey responses (required)',
  people: 'People (optional)',
  unsubscribes: 'Unsubscribes (optional)',
  bounces: 'Bounces (optional)',
};
const fileKinds = Object.keys(fileLabels) as DelightedFileKind[];

const statusWords = { created: 'Created', updated: 'Updated', skipped: 'Skipped', error: 'Error' } as const;

function ImportPanel() {
  const [files, setFiles] = useState<Partial<Record<DelightedFileKind, File>>>({});
  const [mapBy, setMapBy] = useState<DelightedMapBy>('property');
  const [property, setProperty] = useState('company');
  const [ownerEmail, setOwnerEmail] = useState('');
  const [createAccounts, setCreateAccounts] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [result, setResult] = useState<DelightedImportResult | null>(null);
  const issues = issuesByField(problem);

  async function run(dryRun: boolean) {
    if (!files.responses) {
      setProblem({ status: 400, code: 'validation_failed', message: 'Choose the survey responses file first.', issues: [{ path: 'responses', message: 'is required' }] });
      return;
    }
    setBusy(true);
    setProblem(null);
    const form = new FormData();
    for (const kind of fileKinds) if (files[kind]) form.append(kind, files[kind]!);
    const query = { dryRun, mapBy, property: mapBy === 'property' ? property : undefined, ownerEmail: ownerEmail.trim() || undefined, createAccounts };
    const res = await api.upload<DelightedImportResult>(withQuery('/api/import/delighted', query), form);
    setBusy(false);
    if (!res.ok) {
      setResult(null);
      setProblem(res.error);
      return;
    }
    setResult(res.data);
  }

  const changed = () => setResult(null);

  return (
    <>
      <p>
        Bring your Delighted history here: the NPS answers keep their original dates, scores and comments and count in the NPS
        trends, marked “Imported from Delighted”. They are never treated as new — no follow-up tasks, no alerts, no webhooks — and
        response rates leave them out, since Delighted’s exports list only the people who answered. People who unsubscribed or
        bounced in Delighted stay so here. Importing the same file again adds nothing.
      </p>
      <p class="hint">
        Each file may be Delighted’s CSV export or the JSON its API returned. Only NPS answers are imported; CSAT, CES and other
        survey types are listed as skipped.
      </p>
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void run(true);
        }}
      >
        <fieldset>
          <legend>Files</legend>
          {fileKinds.map((kind) => (
            <Field key={kind} id={`delighted-${kind}`} label={fileLabels[kind]} error={issues[kind]}>
              <input
                id={`delighted-${kind}`}
                type="file"
                accept=".csv,.json,text/csv,application/json"
                aria-describedby={describedBy(`delighted-${kind}`, issues[kind])}
                onChange={(e) => {
                  const file = (e.currentTarget as HTMLInputElement).files?.[0];
                  setFiles((f) => ({ ...f, [kind]: file }));
                  changed();
                }}
              />
            </Field>
          ))}
        </fieldset>
        <fieldset>
          <legend>Which account each person belongs to</legend>
          <label class="check">
            <input type="radio" name="mapBy" value="property" checked={mapBy === 'property'} onChange={() => (setMapBy('property'), changed())} /> By a person
            property (the account with that name)
          </label>
          {mapBy === 'property' && (
            <Field id="delighted-property" label="Property" hint="As in Delighted, e.g. company. Case and spaces do not matter." error={issues.property}>
              <input
                id="delighted-property"
                value={property}
                required
                maxLength={100}
                aria-describedby={describedBy('delighted-property', issues.property, 'hint')}
                onInput={(e) => (setProperty((e.currentTarget as HTMLInputElement).value), changed())}
              />
            </Field>
          )}
          <label class="check">
            <input type="radio" name="mapBy" value="domain" checked={mapBy === 'domain'} onChange={() => (setMapBy('domain'), changed())} /> By email domain
            (the account with that domain, else a new one named after it)
          </label>
          <label class="check">
            <input type="checkbox" checked={createAccounts} onChange={(e) => (setCreateAccounts((e.currentTarget as HTMLInputElement).checked), changed())} />{' '}
            Create accounts that do not exist yet
          </label>
          <Field id="delighted-owner" label="Owner of new accounts" hint="A user’s email; empty means you." error={issues.ownerEmail}>
            <input
              id="delighted-owner"
              type="email"
              value={ownerEmail}
              aria-describedby={describedBy('delighted-owner', issues.ownerEmail, 'hint')}
              onInput={(e) => (setOwnerEmail((e.currentTarget as HTMLInputElement).value), changed())}
            />
          </Field>
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy && !result ? 'Checking…' : 'Dry run'}
          </button>
          {result?.dryRun && result.summary.errors + result.summary.responsesCreated + result.summary.contactsCreated > 0 && (
            <button type="button" class="primary" disabled={busy} onClick={() => void run(false)}>
              Import
            </button>
          )}
        </div>
      </form>
      <div aria-live="polite" role="status" class="status-line">
        {problem && <p class="state error">{problem.message}</p>}
        {result && (
          <p class="notice">
            {result.dryRun ? 'Dry run — nothing was written. ' : 'Imported. '}
            {plural(result.summary.responsesCreated, 'answer')} {result.dryRun ? 'would be imported' : 'imported'}, {result.summary.responsesSkipped} skipped,{' '}
            {plural(result.summary.accountsCreated, 'new account')}, {plural(result.summary.contactsCreated, 'new contact')}, {plural(result.summary.errors, 'error')}.
          </p>
        )}
      </div>
      {result && <Report result={result} />}
    </>
  );
}

function Report({ result }: { result: DelightedImportResult }) {
  const [all, setAll] = useState(false);
  const notable = result.rows.filter((r) => r.status === 'error' || r.status === 'skipped' || r.status === 'updated');
  const shown = all ? result.rows : notable;
  return (
    <section aria-labelledby="delighted-report">
      <h2 id="delighted-report">Row by row</h2>
      <label class="check">
        <input type="checkbox" checked={all} onChange={(e) => setAll((e.currentTarget as HTMLInputElement).checked)} /> Show every row (
        {result.rows.length}), not only errors and skipped ones ({notable.length})
      </label>
      {shown.length === 0 ? (
        <p class="empty">No errors and nothing skipped.</p>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <caption>{result.dryRun ? 'What the import would do' : 'What the import did'}</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Row</th>
                <th scope="col">Result</th>
                <th scope="col">Delighted id</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r, i) => (
                <tr key={i} class={r.status === 'error' ? 'row-error' : undefined}>
                  <td>{r.file}</td>
                  <td>{r.line !== null ? `line ${r.line}` : `item ${r.index}`}</td>
                  <td>{statusWords[r.status]}</td>
                  <td>{r.externalId ?? '—'}</td>
                  <td>{r.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
