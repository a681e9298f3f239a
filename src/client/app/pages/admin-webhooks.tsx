import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { ShownOnce } from '../components/shown-once.js';
import { formatDateTime } from '../format.js';
import {
  CreateWebhookEndpoint,
  WebhookEventType,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '../../../shared/schemas/webhooks.js';

/** What each event means, in the words an admin choosing them needs. */
const eventLabels: Record<WebhookEventType, string> = {
  'response.created': 'A respondent saved their first answer',
  'response.completed': 'A respondent finished a survey',
  'task.created': 'A follow-up task was created',
  'task.closed': 'A follow-up task was done or dismissed',
  'contact.unsubscribed': 'A contact unsubscribed',
  'account.risk_changed': "An account's risk level changed (weekly run)",
  'campaign.finished': 'A campaign finished (all answered or expired)',
};

const disabledWords: Record<string, string> = {
  failing: 'Switched off: it failed for 5 days',
  gone: 'Switched off: the receiver answered 410 Gone',
  manual: 'Turned off',
};

function endpointStatus(e: WebhookEndpoint) {
  if (!e.enabled) return <span class="badge expired">{disabledWords[e.disabledReason ?? 'manual'] ?? 'Off'}</span>;
  if (e.failingSince) return <span class="badge warning">Failing since {formatDateTime(e.failingSince)}</span>;
  return <span class="badge active">On</span>;
}

/** Admin · Webhooks: signed Standard Webhooks deliveries to other systems, with their delivery log. */
export default function AdminWebhooks() {
  usePageTitle('Webhooks · Admin');
  return (
    <AdminFrame current="/admin/webhooks" title="Webhooks">
      <WebhooksPanel />
    </AdminFrame>
  );
}

function WebhooksPanel() {
  const endpoints = useApi<{ data: WebhookEndpoint[] }>('/api/webhooks');
  const [secret, setSecret] = useState<{ title: string; endpoint: WebhookEndpointWithSecret } | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const say = (ok: boolean, text: string) => setStatus({ ok, text });

  return (
    <>
      <p>
        Keypulse tells other systems what happens — answers, follow-up tasks, unsubscribes, risk changes — by sending signed JSON to
        their URL, per the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> specification. Failed deliveries are
        retried for more than a day; an endpoint failing for 5 days is switched off and you are emailed.
      </p>
      <AddEndpointForm
        onCreated={(endpoint) => {
          setSecret({ title: `Signing secret for ${endpoint.urlHint}`, endpoint });
          setStatus(null);
          endpoints.reload();
        }}
      />
      {secret && (
        <ShownOnce title={secret.title} value={secret.endpoint.secret} what="secret" testId="webhook-secret" onDone={() => setSecret(null)}>
          Your receiver verifies each delivery with it (any Standard Webhooks library: <code>new Webhook(secret).verify(body, headers)</code>).
          Lost it? Rotate the secret.
        </ShownOnce>
      )}
      <h2>Endpoints</h2>
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {endpoints.loading && !endpoints.data && <Loading what="Loading webhook endpoints…" />}
      {endpoints.error && <ErrorState error={endpoints.error} retry={endpoints.reload} />}
      {endpoints.data && endpoints.data.data.length === 0 && (
        <Empty>
          <p>No webhook endpoints yet. Add one above to send events to another system.</p>
        </Empty>
      )}
      {endpoints.data && endpoints.data.data.length > 0 && (
        <ul class="webhook-endpoints plain-list">
          {endpoints.data.data.map((e) => (
            <li key={e.id} class="card">
              <EndpointCard
                endpoint={e}
                logOpen={open === e.id}
                onToggleLog={() => setOpen(open === e.id ? null : e.id)}
                onChanged={async (text, ok = true) => {
                  say(ok, text);
                  await endpoints.reload();
                }}
                onSecret={(endpoint) => setSecret({ title: `New signing secret for ${endpoint.urlHint}`, endpoint })}
              />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function EndpointCard({
  endpoint: e,
  logOpen,
  onToggleLog,
  onChanged,
  onSecret,
}: {
  endpoint: WebhookEndpoint;
  logOpen: boolean;
  onToggleLog: () => void;
  onChanged: (text: string, ok?: boolean) => Promise<void>;
  onSecret: (endpoint: WebhookEndpointWithSecret) => void;
}) {
  const [confirming, setConfirming] = useState<'delete' | 'rotate' | null>(null);
  const [busy, setBusy] = useState(false);
  const name = e.description || e.urlHint;

  async function run<T>(work: () => Promise<{ ok: true; data: T } | { ok: false; error: { message: string } }>, done: (data: T) => string) {
    setBusy(true);
    const res = await work();
    setBusy(false);
    setConfirming(null);
    await onChanged(res.ok ? done(res.data) : res.error.message, res.ok);
    return res;
  }

  return (
    <article aria-label={`Webhook ${name}`}>
      <h3>
        <code>{e.urlHint}</code>
      </h3>
      {e.description && <p>{e.description}</p>}
      <p>
        {endpointStatus(e)} {e.lastSuccessAt && <span class="hint">Last delivered {formatDateTime(e.lastSuccessAt)}</span>}
      </p>
      <p class="hint">Events: {e.eventTypes.join(', ')}</p>
      {e.previousSecretExpiresAt && new Date(e.previousSecretExpiresAt).getTime() > Date.now() && (
        <p class="hint">The previous secret still signs until {formatDateTime(e.previousSecretExpiresAt)}.</p>
      )}
      <div class="actions wrap">
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => run(() => api.post<{ eventId: string }>(`/api/webhooks/${e.id}/test`), () => `Test event queued for ${e.urlHint}; see the delivery log.`)}
        >
          Send test event
        </button>
        <button type="button" class="secondary" aria-expanded={logOpen} onClick={onToggleLog}>
          {logOpen ? 'Hide delivery log' : 'Delivery log'}
        </button>
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() =>
            run(
              () => api.patch<WebhookEndpoint>(`/api/webhooks/${e.id}`, { enabled: !e.enabled }),
              (updated) => (updated.enabled ? `${e.urlHint} is on again.` : `${e.urlHint} is off: nothing more is sent to it.`),
            )
          }
        >
          {e.enabled ? 'Turn off' : 'Turn on'}
        </button>
        {confirming !== 'rotate' && (
          <button type="button" class="secondary" onClick={() => setConfirming('rotate')}>
            Rotate secret
          </button>
        )}
        {confirming !== 'delete' && (
          <button type="button" class="secondary" aria-label={`Delete ${name}`} onClick={() => setConfirming('delete')}>
            Delete
          </button>
        )}
      </div>
      {confirming === 'rotate' && (
        <span class="confirm" role="group" aria-label="Rotate the signing secret?">
          <span>A new secret signs from now on; the current one keeps signing for 24 hours while you update the receiver.</span>
          <button
            type="button"
            onClick={async () => {
              const res = await run(
                () => api.post<WebhookEndpointWithSecret>(`/api/webhooks/${e.id}/rotate-secret`),
                () => 'New secret made: copy it now.',
              );
              if (res.ok) onSecret(res.data);
            }}
          >
            Yes, rotate
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </span>
      )}
      {confirming === 'delete' && (
        <span class="confirm" role="group" aria-label={`Delete ${name}?`}>
          <span>Delete it and its delivery log? Nothing more is sent to it.</span>
          <button type="button" class="danger" onClick={() => run(() => api.delete<WebhookEndpoint>(`/api/webhooks/${e.id}`), () => `Deleted ${e.urlHint}.`)}>
            Yes, delete
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(null)}>
            Keep it
          </button>
        </span>
      )}
      {logOpen && <DeliveryLog endpointId={e.id} />}
    </article>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const [page, setPage] = useState(1);
  const log = useApi<{ data: WebhookDelivery[]; page: number; pageSize: number; total: number }>(`/api/webhooks/${endpointId}/deliveries?page=${page}&pageSize=20`);
  const [note, setNote] = useState<string | null>(null);

  async function replay(d: WebhookDelivery) {
    const res = await api.post(`/api/webhooks/${endpointId}/deliveries/${d.id}/replay`);
    setNote(res.ok ? `Replay of ${d.eventType} queued; it appears here in a moment.` : res.error.message);
    setTimeout(() => log.reload(), 1500);
  }

  return (
    <section class="delivery-log" aria-label="Delivery log">
      <div class="actions">
        <button type="button" class="secondary" onClick={() => log.reload()}>
          Refresh
        </button>
        <span aria-live="polite">{note}</span>
      </div>
      {log.loading && !log.data && <Loading what="Loading deliveries…" />}
      {log.error && <ErrorState error={log.error} retry={log.reload} />}
      {log.data && log.data.data.length === 0 && (
        <Empty>
          <p>No deliveries yet. Send a test event to try the endpoint.</p>
        </Empty>
      )}
      {log.data && log.data.data.length > 0 && (
        <ol class="plain-list deliveries">
          {log.data.data.map((d) => (
            <li key={d.id} class="delivery">
              <p>
                <strong>{d.eventType}</strong> <span class={`badge ${d.status === 'succeeded' ? 'active' : d.status === 'pending' ? 'warning' : 'expired'}`}>{d.status}</span>{' '}
                <span class="hint">
                  {formatDateTime(d.createdAt)} · {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
                  {d.status === 'pending' && d.nextAttemptAt ? ` · next ${formatDateTime(d.nextAttemptAt)}` : ''}
                </span>{' '}
                <button type="button" class="secondary small" onClick={() => replay(d)} aria-label={`Replay ${d.eventType} of ${formatDateTime(d.createdAt)}`}>
                  Replay
                </button>
              </p>
              <div class="table-wrap">
                <table class="data attempts">
                  <caption class="visually-hidden">Attempts</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Why</th>
                      <th scope="col">Code</th>
                      <th scope="col">Time</th>
                      <th scope="col">Answer</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.attemptLog.map((a) => (
                      <tr key={a.id}>
                        <td>{formatDateTime(a.attemptedAt)}</td>
                        <td>{a.trigger}</td>
                        <td>{a.statusCode ?? '—'}</td>
                        <td>{a.durationMs} ms</td>
                        <td class="excerpt">{a.error && a.statusCode === null ? a.error : (a.responseExcerpt ?? '')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </li>
          ))}
        </ol>
      )}
      {log.data && log.data.total > log.data.pageSize && (
        <nav class="actions" aria-label="Delivery log pages">
          <button type="button" class="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <button type="button" class="secondary" disabled={page * log.data.pageSize >= log.data.total} onClick={() => setPage(page + 1)}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}

function AddEndpointForm({ onCreated }: { onCreated: (endpoint: WebhookEndpointWithSecret) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<WebhookEventType[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = CreateWebhookEndpoint.safeParse({ url, eventTypes: types, description });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.post<WebhookEndpointWithSecret>('/api/webhooks', parsed.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { url: res.error.message });
    }
    setUrl('');
    setDescription('');
    setTypes([]);
    onCreated(res.data);
  }

  const urlHint = 'Where to POST events, e.g. https://example.com/keypulse-webhooks. Private network addresses are refused unless your installation allows them.';
  const descriptionHint = 'Optional: what receives it, so you know what breaks if you delete it.';
  return (
    <form onSubmit={submit} noValidate class="admin-form">
      <fieldset>
        <legend>Add an endpoint</legend>
        <Field id="webhook-url" label="URL" error={errors.url} hint={urlHint}>
          <input
            id="webhook-url"
            type="url"
            inputMode="url"
            value={url}
            onInput={(ev) => setUrl((ev.target as HTMLInputElement).value)}
            aria-invalid={errors.url ? 'true' : undefined}
            aria-describedby={describedBy('webhook-url', errors.url, urlHint)}
          />
        </Field>
        <Field id="webhook-description" label="Description" error={errors.description} hint={descriptionHint}>
          <input
            id="webhook-description"
            value={description}
            onInput={(ev) => setDescription((ev.target as HTMLInputElement).value)}
            aria-invalid={errors.description ? 'true' : undefined}
            aria-describedby={describedBy('webhook-description', errors.description, descriptionHint)}
          />
        </Field>
        <fieldset class="scope-choice" aria-describedby={errors.eventTypes ? 'webhook-events-error' : undefined}>
          <legend>Events to send</legend>
          {WebhookEventType.options.map((type) => (
            <div class="scope-option" key={type}>
              <label class="check">
                <input
                  type="checkbox"
                  value={type}
                  checked={types.includes(type)}
                  onChange={(ev) =>
                    setTypes((ev.target as HTMLInputElement).checked ? [...types, type] : types.filter((t) => t !== type))
                  }
                />{' '}
                <span>
                  <code>{type}</code> — {eventLabels[type]}
                </span>
              </label>
            </div>
          ))}
          {errors.eventTypes && (
            <p class="field-error" id="webhook-events-error" role="alert">
              {errors.eventTypes}
            </p>
          )}
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

