import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { ShownOnce } from '../components/shown-once.js';
import { formatDateTime } from '../format.js';
import { CreateApiKey, type ApiKey, type ApiKeyScope } from '../../../shared/schemas/auth.js';

type CreatedKey = ApiKey & { key: string };

const scopes: { value: ApiKeyScope; label: string; explanation: string }[] = [
  { value: 'read', label: 'Read', explanation: 'Reads accounts, answers, tasks and reports — changes nothing. For dashboards and exports.' },
  {
    value: 'write',
    label: 'Write',
    explanation: 'Also creates and changes accounts, contacts, campaigns and tasks — but nothing only an admin may do (users, settings, rules).',
  },
  {
    value: 'admin',
    label: 'Admin',
    explanation: 'Everything you can do as an admin, including users, settings and the audit log. No key can create or revoke keys.',
  },
  {
    value: 'touchpoints:write',
    label: 'Log touchpoints',
    explanation: 'Only logs meetings, calls and visits on accounts (for a calendar or CRM); cannot read or change anything else.',
  },
  {
    value: 'pulses:write',
    label: 'Post pulses',
    explanation: 'Only posts events (a delivery, a closed ticket) that send a short survey afterwards (for a delivery or ticketing system); cannot read or change anything else.',
  },
];
const scopeLabel = (scope: ApiKeyScope) => scopes.find((s) => s.value === scope)!.label;

/** The key works through the chosen day, to its last second in the browser’s time zone. */
function endOfDay(date: string): string | undefined {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d, 23, 59, 59).toISOString();
}

const isExpired = (k: ApiKey) => k.expiresAt !== null && new Date(k.expiresAt).getTime() <= Date.now();

function keyStatus(k: ApiKey) {
  if (k.revokedAt) return `Revoked ${formatDateTime(k.revokedAt)}`;
  if (isExpired(k)) return <span class="badge expired">Expired</span>;
  return <span class="badge active">Active</span>;
}

/** Admin · API keys: scripts sign in with these, each limited to a scope. A new key is shown once; revoking asks first. */
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
        Scripts call the API with <code>Authorization: Bearer kp_live_…</code>. A key acts as the admin who created it, limited
        to its scope; only its hash is stored, so it is shown once. Give each script the narrowest scope that works.
      </p>
      <CreateKeyForm
        onCreated={(key) => {
          setCreated(key);
          setStatus(null);
          keys.reload();
        }}
      />
      {created && (
        <ShownOnce title={`Your new key “${created.name}”`} value={created.key} what="key" testId="new-api-key" onDone={() => setCreated(null)}>
          Keypulse keeps only its hash; if you lose it, revoke it and create another.
        </ShownOnce>
      )}
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
                <th scope="col">Scope</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
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
                  <td>{scopeLabel(k.scope)}</td>
                  <td>{formatDateTime(k.createdAt)}</td>
                  <td>{k.expiresAt ? formatDateTime(k.expiresAt) : 'Never'}</td>
                  <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}</td>
                  <td>{keyStatus(k)}</td>
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
  const [scope, setScope] = useState<ApiKeyScope>('read');
  const [expiresOn, setExpiresOn] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const expiresAt = expiresOn ? endOfDay(expiresOn) : undefined;
    if (expiresOn && (!expiresAt || new Date(expiresAt).getTime() <= Date.now())) {
      return setErrors({ expiresAt: 'Choose today or a later day, or leave it empty' });
    }
    const parsed = CreateApiKey.safeParse({ name, scope, expiresAt });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.post<CreatedKey>('/api/api-keys', parsed.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { name: res.error.message });
    }
    setName('');
    setScope('read');
    setExpiresOn('');
    onCreated(res.data);
  }

  const hint = 'What uses it, e.g. "CRM sync" — so you know what breaks if you revoke it.';
  const expiryHint = 'Optional. The key works until the end of this day; leave empty for a key that does not expire.';
  return (
    <form onSubmit={submit} noValidate class="admin-form">
      <fieldset>
        <legend>Create an API key</legend>
        <Field id="key-name" label="Name" error={errors.name} hint={hint}>
          <input
            id="key-name"
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
            aria-invalid={errors.name ? 'true' : undefined}
            aria-describedby={describedBy('key-name', errors.name, hint)}
          />
        </Field>
        <fieldset class="scope-choice">
          <legend>What it may do</legend>
          {scopes.map((s) => (
            <div class="scope-option" key={s.value}>
              <label class="check">
                <input
                  type="radio"
                  name="key-scope"
                  value={s.value}
                  checked={scope === s.value}
                  onChange={() => setScope(s.value)}
                  aria-describedby={`key-scope-${s.value}`}
                />{' '}
                {s.label}
              </label>
              <p class="hint" id={`key-scope-${s.value}`}>
                {s.explanation}
              </p>
            </div>
          ))}
        </fieldset>
        <Field id="key-expires" label="Expires on" error={errors.expiresAt} hint={expiryHint}>
          <input
            id="key-expires"
            type="date"
            value={expiresOn}
            onInput={(e) => setExpiresOn((e.target as HTMLInputElement).value)}
            aria-invalid={errors.expiresAt ? 'true' : undefined}
            aria-describedby={describedBy('key-expires', errors.expiresAt, expiryHint)}
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

