import { useEffect, useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatDateTime } from '../format.js';
import { PutHubspotConnection, type CrmSyncRun, type HubspotConnection } from '../../../shared/schemas/crm.js';

/** How often a running sync's progress is read again. */
const POLL_MS = 1500;

/** Admin · HubSpot: connect with a private app token, choose the mapping, sync now and read each run's report. */
export default function AdminHubspot() {
  usePageTitle('HubSpot · Admin');
  return (
    <AdminFrame current="/admin/hubspot" title="HubSpot">
      <HubspotPanel />
    </AdminFrame>
  );
}

function HubspotPanel() {
  const connection = useApi<HubspotConnection>('/api/integrations/hubspot');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [watching, setWatching] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const running = connection.data?.runs.find((r) => r.status === 'running');
  useEffect(() => {
    if (running && !watching) setWatching(running.id);
  }, [running?.id]);

  async function syncNow() {
    const res = await api.post<{ run: CrmSyncRun; started: boolean }>('/api/integrations/hubspot/sync');
    if (!res.ok) return setStatus({ ok: false, text: res.error.message });
    setStatus({ ok: true, text: res.data.started ? 'Sync started.' : 'A sync is already running: showing it.' });
    setWatching(res.data.run.id);
  }

  async function disconnect() {
    setConfirming(false);
    const res = await api.delete<HubspotConnection>('/api/integrations/hubspot');
    setStatus(res.ok ? { ok: true, text: 'HubSpot disconnected. Imported accounts and contacts stay.' } : { ok: false, text: res.error.message });
    await connection.reload();
  }

  if (connection.loading && !connection.data) return <Loading what="Loading the HubSpot connection…" />;
  if (connection.error) return <ErrorState error={connection.error} retry={connection.reload} />;
  const data = connection.data!;

  return (
    <>
      <p>
        Imports HubSpot companies as accounts and their contacts, on a schedule or when you press “Sync now”, and writes the
        NPS, risk level and last scores back onto HubSpot. Create a HubSpot private app with the scopes listed in the README
        and paste its access token here; it is stored encrypted and never shown again.
      </p>
      <p class="hint">Requests go to {data.baseUrl}.</p>
      <ConnectionForm connection={data} onSaved={() => connection.reload()} />
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {data.connected && (
        <div class="actions">
          <button type="button" onClick={syncNow}>
            Sync now
          </button>
          {!confirming && (
            <button type="button" class="secondary" onClick={() => setConfirming(true)}>
              Disconnect
            </button>
          )}
          {confirming && (
            <span class="confirm" role="group" aria-label="Disconnect HubSpot?">
              <span>Disconnect? The token and the run history are deleted; imported accounts stay.</span>
              <button type="button" class="danger" onClick={disconnect}>
                Yes, disconnect
              </button>
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </span>
          )}
        </div>
      )}
      {watching && <LiveRun id={watching} onDone={() => connection.reload()} />}
      <h2>Last runs</h2>
      {data.lastSyncedThrough && <p class="hint">The next sync reads companies changed since {formatDateTime(data.lastSyncedThrough)}.</p>}
      {data.runs.length === 0 ? (
        <Empty>
          <p>No sync has run yet.</p>
        </Empty>
      ) : (
        <ul class="runs">
          {data.runs.map((run) => (
            <li key={run.id}>
              <RunSummary run={run} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ConnectionForm({ connection, onSaved }: { connection: HubspotConnection; onSaved: () => void }) {
  const s = connection.settings;
  const [token, setToken] = useState('');
  const [renewal, setRenewal] = useState(s?.renewalDateProperty ?? '');
  const [every, setEvery] = useState(s?.syncEveryMinutes ? String(s.syncEveryMinutes) : '');
  const [owner, setOwner] = useState(s?.defaultOwnerEmail ?? '');
  const [writeBack, setWriteBack] = useState(s?.writeBack ?? false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const body = {
      ...(token ? { accessToken: token } : {}),
      renewalDateProperty: renewal.trim() || null,
      syncEveryMinutes: every ? Number(every) : null,
      defaultOwnerEmail: owner.trim() || null,
      writeBack,
    };
    const checked = PutHubspotConnection.safeParse(body);
    if (!checked.success) return setErrors(zodErrors(checked.error.issues));
    if (!connection.connected && !token) return setErrors({ accessToken: 'is required to connect HubSpot' });
    setErrors({});
    const res = await api.put<HubspotConnection>('/api/integrations/hubspot', checked.data);
    if (!res.ok) {
      setErrors(issuesByField(res.error));
      return setMessage({ ok: false, text: res.error.message });
    }
    setToken('');
    setMessage({ ok: true, text: connection.connected ? 'Settings saved.' : 'HubSpot connected.' });
    onSaved();
  }

  return (
    <form onSubmit={submit} novalidate aria-label="HubSpot connection">
      <Field
        id="hs-token"
        label="Private app access token"
        error={errors.accessToken}
        hint={connection.connected ? `Connected with the token ending ${connection.tokenHint}. Leave empty to keep it.` : 'Starts with pat-'}
      >
        <input
          id="hs-token"
          type="password"
          autocomplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-describedby={describedBy('hs-token', errors.accessToken, 'x')}
        />
      </Field>
      <Field id="hs-renewal" label="Renewal date property (optional)" error={errors.renewalDateProperty} hint="The internal name of the company property with the renewal date, e.g. renewal_date">
        <input id="hs-renewal" value={renewal} onInput={(e) => setRenewal(e.currentTarget.value)} aria-describedby={describedBy('hs-renewal', errors.renewalDateProperty, 'x')} />
      </Field>
      <Field id="hs-every" label="Sync every (minutes, optional)" error={errors.syncEveryMinutes} hint="15 or more; empty: only when you press Sync now">
        <input id="hs-every" type="number" min={15} inputMode="numeric" value={every} onInput={(e) => setEvery(e.currentTarget.value)} aria-describedby={describedBy('hs-every', errors.syncEveryMinutes, 'x')} />
      </Field>
      <Field id="hs-owner" label="Default owner's email (optional)" error={errors.defaultOwnerEmail} hint="Gets companies whose HubSpot owner has no Keypulse user; empty: such companies are skipped">
        <input id="hs-owner" type="email" value={owner} onInput={(e) => setOwner(e.currentTarget.value)} aria-describedby={describedBy('hs-owner', errors.defaultOwnerEmail, 'x')} />
      </Field>
      <div class="field">
        <label>
          <input type="checkbox" checked={writeBack} onChange={(e) => setWriteBack(e.currentTarget.checked)} /> Write NPS, risk and last scores back to HubSpot
        </label>
      </div>
      <button type="submit">{connection.connected ? 'Save settings' : 'Connect HubSpot'}</button>
      {message && (
        <p class={message.ok ? 'notice' : 'state error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </form>
  );
}

/** Reads a run again every POLL_MS while it runs; shows its progress, then its report. */
function LiveRun({ id, onDone }: { id: string; onDone: () => void }) {
  const [run, setRun] = useState<CrmSyncRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      const res = await api.get<CrmSyncRun>(`/api/integrations/hubspot/runs/${id}`);
      if (stopped) return;
      if (!res.ok) return setError(res.error.message);
      setRun(res.data);
      if (res.data.status === 'running') timer = setTimeout(read, POLL_MS);
      else onDone();
    };
    read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);
  if (error) return <p class="state error">{error}</p>;
  if (!run) return <Loading what="Reading the sync…" />;
  return (
    <section aria-label="Current sync" aria-live="polite">
      <h2>{run.status === 'running' ? 'Syncing…' : 'Latest sync'}</h2>
      <RunSummary run={run} open />
    </section>
  );
}

const statusText: Record<CrmSyncRun['status'], string> = { running: 'Running', succeeded: 'Finished', failed: 'Failed' };

function RunSummary({ run, open = false }: { run: CrmSyncRun; open?: boolean }) {
  const p = run.progress;
  const stalled = run.status === 'running' && Date.now() - new Date(run.heartbeatAt).getTime() > 2 * 60_000;
  return (
    <details open={open} class="run">
      <summary>
        <strong>{statusText[run.status]}</strong> · {run.trigger === 'schedule' ? 'scheduled' : 'on demand'} · started {formatDateTime(run.startedAt)}
        {run.finishedAt && <> · finished {formatDateTime(run.finishedAt)}</>}
      </summary>
      {stalled && <p class="state error">This sync stopped answering; the next “Sync now” or scheduled sync resumes it where it stopped.</p>}
      {run.error && <p class="state error">{run.error}</p>}
      <p>
        Pages read: {p.pages}
        {p.phase === 'write_back' && run.status === 'running' ? ' · writing back to HubSpot' : ''}
      </p>
      <div class="table-wrap">
        <table class="data">
          <caption>Result</caption>
          <thead>
            <tr>
              <th scope="col">Records</th>
              <th scope="col">Created</th>
              <th scope="col">Updated</th>
              <th scope="col">Unchanged</th>
              <th scope="col">Skipped</th>
            </tr>
          </thead>
          <tbody>
            {(['companies', 'contacts'] as const).map((k) => (
              <tr key={k}>
                <th scope="row">{k === 'companies' ? 'Companies → accounts' : 'Contacts'}</th>
                <td>{p[k].created}</td>
                <td>{p[k].updated}</td>
                <td>{p[k].unchanged}</td>
                <td>{p[k].skipped}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        Written back to HubSpot: {p.writtenBack.companies} companies, {p.writtenBack.contacts} contacts.
      </p>
      {run.report.some((r) => r.action !== 'created' && r.action !== 'updated') && (
        <>
          <h3>Skipped and notes</h3>
          <ul class="report">
            {run.report
              .filter((r) => r.action !== 'created' && r.action !== 'updated')
              .map((r, i) => (
                <li key={i}>
                  {r.objectType === 'company' ? 'Company' : 'Contact'} {r.name ?? r.externalId} (HubSpot {r.externalId}): {r.action === 'kept_local' ? 'kept Keypulse’s values' : r.action === 'skipped' ? 'skipped' : 'note'} — {r.reason}
                </li>
              ))}
          </ul>
        </>
      )}
    </details>
  );
}
