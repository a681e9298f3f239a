import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatDateTime } from '../format.js';
import { CreateApiKey, type ApiKey } from '../../../shared/schemas/auth.js';

type CreatedKey = ApiKey & { key: string };

/** Admin · API keys: scripts sign in with these. A new key is shown once; revoking asks first. */
export default function AdminApiKeys() {
  usePageTitle('API keys · Admin');
  return (
    <AdminFrame current="/admin/api-keys" title="API keys">
      <KeysPanel />
    </AdminFrame>
  );
}

function KeysPanel() {
  const keys = useApi<{ data: ApiKey[] }>('/api/api-keys');
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  async function revoke(key: ApiKey) {
    const res = await api.delete<ApiKey>(`/api/api-keys/${key.id}`);
    setConfirming(null);
    setStatus(res.ok ? { ok: true, text: `Revoked “${key.name}”: scripts using it are refused from now on.` } : { ok: false, text: res.error.message });
    keys.reload();
  }

  return (
    <>
      <p>
        Scripts call the API with <code>Authorization: Bearer kp_live_…</code>. A key acts as the admin who created it; only its
        hash is stored, so it is shown once.
      </p>
      <CreateKeyForm
        onCreated={(key) => {
          setCreated(key);
          setStatus(null);
          keys.reload();
        }}
      />
      {created && <ShownOnce created={created} onDone={() => setCreated(null)} />}
      <h2>Keys</h2>
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {keys.loading && !keys.data && <Loading what="Loading API keys…" />}
      {keys.error && <ErrorState error={keys.error} retry={keys.reload} />}
      {keys.data && keys.data.data.length === 0 && (
        <Empty>
          <p>No API keys yet. Create one above for a script or an integration.</p>
        </Empty>
      )}
      {keys.data && keys.data.data.length > 0 && (
        <div class="table-wrap">
          <table class="data api-keys">
            <caption class="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{formatDateTime(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}</td>
                  <td>{k.revokedAt ? `Revoked ${formatDateTime(k.revokedAt)}` : <span class="badge active">Active</span>}</td>
                  <td>
                    {!k.revokedAt && confirming !== k.id && (
                      <button type="button" class="secondary" aria-label={`Revoke ${k.name}`} onClick={() => setConfirming(k.id)}>
                        Revoke
                      </button>
                    )}
                    {!k.revokedAt && confirming === k.id && (
                      <span class="confirm" role="group" aria-label={`Revoke ${k.name}?`}>
                        <span>Revoke? Scripts using it stop working.</span>
                        <button type="button" class="danger" onClick={() => revoke(k)}>
                          Yes, revoke “{k.name}”
                        </button>
                        <button type="button" class="secondary" onClick={() => setConfirming(null)}>
                          Keep it
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedKey) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = CreateApiKey.safeParse({ name });
    if (!parsed.success) return setError(zodErrors(parsed.error.issues).name);
    setError(undefined);
    setSaving(true);
    const res = await api.post<CreatedKey>('/api/api-keys', parsed.data);
    setSaving(false);
    if (!res.ok) return setError(issuesByField(res.error).name ?? res.error.message);
    setName('');
    onCreated(res.data);
  }

  const hint = 'What uses it, e.g. "CRM sync" — so you know what breaks if you revoke it.';
  return (
    <form onSubmit={submit} noValidate class="admin-form">
      <fieldset>
        <legend>Create an API key</legend>
        <Field id="key-name" label="Name" error={error} hint={hint}>
          <input
            id="key-name"
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={describedBy('key-name', error, hint)}
          />
        </Field>
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** The secret, this once: a copy button and the warning that it will not be shown again. */
function ShownOnce({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Could not copy: select the key and copy it by hand.');
    }
  }
  return (
    <section class="key-once" aria-labelledby="key-once-heading" role="alert">
      <h2 id="key-once-heading">Your new key “{created.name}”</h2>
      <p>
        <strong>Copy it now: it is shown only this once.</strong> Keypulse keeps only its hash; if you lose it, revoke it and create
        another.
      </p>
      <p class="key-value">
        <code data-testid="new-api-key">{created.key}</code>
      </p>
      <div class="actions">
        <button type="button" onClick={copy}>
          Copy key
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          I have stored it
        </button>
        <span aria-live="polite">{copied}</span>
      </div>
    </section>
  );
}
