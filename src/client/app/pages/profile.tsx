import { useEffect, useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatDateTime } from '../format.js';
import { currentUser } from '../session.js';
import { ChatChannelsPanel } from '../components/chat-channels.js';
import { ChangePassword } from '../../../shared/schemas/password.js';
import { PASSWORD_MIN_LENGTH } from '../../../shared/schemas/user.js';
import type { UserSession } from '../../../shared/schemas/session.js';

/** Password and sessions: the signed-in person's own password, and where they are signed in. */
export default function Profile() {
  usePageTitle('Password and sessions');
  const user = currentUser.value!;
  return (
    <>
      <div class="page-head">
        <h1>Password and sessions</h1>
      </div>
      <p class="muted">
        Signed in as {user.name} ({user.email}).
      </p>
      <ChangePasswordForm />
      <SessionsPanel />
      <section aria-labelledby="chat-alerts" class="profile-chat">
        <h2 id="chat-alerts">My Slack / Teams alerts</h2>
        <p class="muted">
          Detractor alerts and the Monday risk summary for the accounts you own, in a Slack or Microsoft Teams channel of your
          choice.
        </p>
        <ChatChannelsPanel scope="mine" />
      </section>
    </>
  );
}

const blank = { currentPassword: '', newPassword: '', confirm: '' };
type FormKey = keyof typeof blank;

/** Messages from the schema and the server are said of the field; beside it they read as a sentence. */
function sentence(key: FormKey, message: string): string {
  if (key !== 'currentPassword') return `This password ${message}.`;
  return message === 'is required' ? 'Enter your current password.' : `This ${message}.`;
}

function ChangePasswordForm() {
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState<Partial<Record<FormKey, string>>>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (key: FormKey) => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });

  function show(found: Record<string, string>) {
    const out: Partial<Record<FormKey, string>> = {};
    for (const key of Object.keys(blank) as FormKey[]) if (found[key]) out[key] = sentence(key, found[key]!);
    setErrors(out);
    return Object.keys(out).length > 0;
  }

  async function submit(e: Event) {
    e.preventDefault();
    setStatus(null);
    const parsed = ChangePassword.safeParse({ currentPassword: form.currentPassword, newPassword: form.newPassword });
    const found = parsed.success ? {} : zodErrors(parsed.error.issues);
    if (!found.confirm && form.confirm !== form.newPassword) found.confirm = 'is not the same as the new password';
    if (show(found) || !parsed.success) return;
    setSaving(true);
    const res = await api.post<void>('/api/me/password', parsed.data);
    setSaving(false);
    if (!res.ok) {
      if (!show(issuesByField(res.error))) setStatus({ ok: false, text: res.error.message });
      return;
    }
    setForm(blank);
    setStatus({ ok: true, text: 'Your password is changed. Your other sessions were signed out; this one stays signed in.' });
    window.dispatchEvent(new Event(SESSIONS_CHANGED));
  }

  const input = (key: FormKey, label: string, autocomplete: string, hint?: string) => (
    <Field id={`pw-${key}`} label={label} error={errors[key]} hint={hint}>
      <input
        id={`pw-${key}`}
        type="password"
        value={form[key]}
        onInput={set(key)}
        autocomplete={autocomplete}
        aria-invalid={errors[key] ? 'true' : undefined}
        aria-describedby={describedBy(`pw-${key}`, errors[key], hint)}
      />
    </Field>
  );

  return (
    <form onSubmit={submit} noValidate class="admin-form">
      <fieldset>
        <legend>Change your password</legend>
        {/* Lets password managers file the new password under the right account. */}
        <input type="hidden" name="username" autocomplete="username" value={currentUser.value?.email ?? ''} />
        <div class="form-grid">
          {input('currentPassword', 'Current password', 'current-password')}
          {input(
            'newPassword',
            'New password',
            'new-password',
            `At least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words work well. Common passwords are refused.`,
          )}
          {input('confirm', 'New password again', 'new-password')}
        </div>
        <div aria-live="polite" role="status" class="status-line">
          {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
        </div>
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** Fired after a change that ended sessions, so the list shows it without a reload. */
const SESSIONS_CHANGED = 'kp-sessions-changed';

function SessionsPanel() {
  const sessions = useApi<{ data: UserSession[] }>('/api/me/sessions');
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    const reload = () => void sessions.reload();
    window.addEventListener(SESSIONS_CHANGED, reload);
    return () => window.removeEventListener(SESSIONS_CHANGED, reload);
  }, [sessions.reload]);

  async function signOut(session: UserSession) {
    if (session.current) {
      // Ending this very session is signing out: the ordinary form does it and goes to sign-in.
      (document.getElementById('signout-form') as HTMLFormElement | null)?.requestSubmit();
      return;
    }
    setBusy(session.id);
    setStatus(null);
    const res = await api.delete<void>(`/api/me/sessions/${session.id}`);
    setBusy(null);
    await sessions.reload();
    setStatus(res.ok ? { ok: true, text: `Signed out ${session.device}.` } : { ok: false, text: res.error.message });
  }

  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      <p class="muted">Sign out any session you do not recognise, then change your password.</p>
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {sessions.loading && !sessions.data && <Loading what="Loading your sessions…" />}
      {sessions.error && <ErrorState error={sessions.error} retry={sessions.reload} />}
      {sessions.data && (
        <div class="table-wrap">
          <table class="data">
            <caption class="visually-hidden">Your sessions</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.data.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    {s.device}
                    {s.current && (
                      <>
                        {' '}
                        <span class="badge active">This device</span>
                      </>
                    )}
                  </th>
                  <td>{s.address ?? '—'}</td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{formatDateTime(s.lastUsedAt)}</td>
                  <td>
                    <button type="button" class="secondary" disabled={busy === s.id} aria-label={`Sign out ${s.device}${s.current ? ' (this device)' : ''}`} onClick={() => signOut(s)}>
                      Sign out
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
