import { useEffect, useRef, useState } from 'preact/hooks';
import { api, issuesByField, withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatDate, humanize } from '../format.js';
import { currentUser } from '../session.js';
import { CreateUser, Role, type User } from '../../../shared/schemas/user.js';
import type { Page } from '../../../shared/schemas/common.js';

const PAGE_SIZE = 20;
const roles = Role.options;

/** Admin · Users: who can sign in, with which role; create, change role, disable and enable. */
export default function AdminUsers() {
  usePageTitle('Users · Admin');
  return (
    <AdminFrame current="/admin/users" title="Users">
      <UsersPanel />
    </AdminFrame>
  );
}

function UsersPanel() {
  const [page, setPage] = useState(1);
  const users = useApi<Page<User>>(withQuery('/api/users', { page, pageSize: PAGE_SIZE }));
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // A role change or disabling someone waits for a yes in a dialog that names the person and the change.
  const [pending, setPending] = useState<PendingChange | null>(null);
  const asked = useRef(0);
  const ask = (user: User, change: PendingChange['change']) => setPending({ id: ++asked.current, user, change });

  async function update(user: User, change: { role?: User['role']; disabled?: boolean }, done: string) {
    setBusy(user.id);
    setStatus(null);
    const res = await api.patch<User>(`/api/users/${user.id}`, change);
    // The status line follows the list it describes: the select shows the new role before we say so.
    await users.reload();
    setBusy(null);
    setStatus(res.ok ? { ok: true, text: done } : { ok: false, text: `${user.name}: ${res.error.message}` });
  }

  async function sendResetLink(user: User) {
    setBusy(user.id);
    setStatus(null);
    const res = await api.post<{ message: string }>(`/api/users/${user.id}/password-reset`);
    setBusy(null);
    setStatus(res.ok ? { ok: true, text: res.data.message } : { ok: false, text: `${user.name}: ${res.error.message}` });
  }

  return (
    <>
      {/* Keyed by question: a dialog closed by Escape reports it a moment later, after the person may have asked the
          next question — which must open a dialog of its own and must not be cancelled by the old one's report. */}
      {pending && (
        <ConfirmChange
          key={pending.id}
          pending={pending}
          onConfirm={() => {
            const { user, change } = pending;
            setPending(null);
            void update(
              user,
              change,
              change.role ? `${user.name} is now ${humanize(change.role).toLowerCase()}.` : `${user.name} is disabled and signed out everywhere.`,
            );
          }}
          onCancel={() => setPending((current) => (current?.id === pending.id ? null : current))}
        />
      )}
      <CreateUserForm
        onCreated={(u) => {
          setStatus({ ok: true, text: `Created ${u.name} (${humanize(u.role)}). We emailed them a link to set their password; it works for 60 minutes.` });
          setPage(1);
          users.reload();
        }}
      />
      <h2>People</h2>
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {users.loading && !users.data && <Loading what="Loading users…" />}
      {users.error && <ErrorState error={users.error} retry={users.reload} />}
      {users.data && users.data.total === 0 && (
        <Empty>
          <p>No users yet.</p>
        </Empty>
      )}
      {users.data && users.data.total > 0 && (
        <>
          <div class="table-wrap">
            <table class="data">
              <caption class="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Since</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.data.map((u) => (
                  <tr key={u.id}>
                    <th scope="row">
                      {u.name}
                      {u.id === currentUser.value?.id && <span class="muted"> (you)</span>}
                    </th>
                    <td class="break">{u.email}</td>
                    <td>
                      <label class="visually-hidden" for={`role-${u.id}`}>
                        Role of {u.name}
                      </label>
                      <select
                        id={`role-${u.id}`}
                        value={u.role}
                        disabled={busy === u.id}
                        onChange={(e) => {
                          const role = (e.target as HTMLSelectElement).value as User['role'];
                          // Back to the saved value until confirmed and the server agrees (the last admin stays an admin).
                          (e.target as HTMLSelectElement).value = u.role;
                          if (role !== u.role) ask(u, { role });
                        }}
                      >
                        {roles.map((r) => (
                          <option key={r} value={r}>
                            {humanize(r)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{u.disabled ? <span class="badge">Disabled</span> : <span class="badge active">Active</span>}</td>
                    <td>{formatDate(u.createdAt)}</td>
                    <td class="row-actions">
                      {!u.disabled && (
                        <button type="button" class="secondary" disabled={busy === u.id} aria-label={`Send reset link to ${u.name}`} onClick={() => sendResetLink(u)}>
                          Send reset link
                        </button>
                      )}
                      <button
                        type="button"
                        class="secondary"
                        disabled={busy === u.id}
                        aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.name}`}
                        onClick={() =>
                          u.disabled ? update(u, { disabled: false }, `${u.name} can sign in again.`) : ask(u, { disabled: true })
                        }
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={users.data.page} pageSize={users.data.pageSize} total={users.data.total} onPage={setPage} noun="users" />
        </>
      )}
    </>
  );
}

type PendingChange = {
  /** Each question asked is its own dialog (see UsersPanel). */
  id: number;
  user: User;
  change: { role: User['role']; disabled?: undefined } | { disabled: true; role?: undefined };
};

/** What a role means for the person, said in the confirmation. */
const roleMeaning: Record<User['role'], string> = {
  admin: 'they can manage users, settings and every account',
  executive: 'they can read every account and report but change nothing',
  account_manager: 'they see and work on only the accounts they own',
};

/** "Change María Santos from account manager to admin?" — a modal dialog; Escape or Cancel changes nothing. */
function ConfirmChange({ pending, onConfirm, onCancel }: { pending: PendingChange; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const { user, change } = pending;
  const title = change.role
    ? `Change ${user.name} from ${humanize(user.role).toLowerCase()} to ${humanize(change.role).toLowerCase()}?`
    : `Disable ${user.name}?`;
  const what = change.role
    ? `As ${humanize(change.role).toLowerCase()}, ${roleMeaning[change.role]}. It applies at once.`
    : `${user.name} (${user.email}) can no longer sign in and is signed out everywhere at once. Their accounts and tasks stay; you can enable them again later.`;
  return (
    <dialog ref={ref} class="stage-dialog confirm-dialog" aria-labelledby="confirm-user-title" aria-describedby="confirm-user-what" onClose={onCancel}>
      <h2 id="confirm-user-title">{title}</h2>
      <p id="confirm-user-what">{what}</p>
      <div class="dialog-actions">
        <button type="button" class={change.disabled ? 'danger' : undefined} onClick={onConfirm}>
          {change.role ? `Make ${user.name} ${humanize(change.role).toLowerCase()}` : `Disable ${user.name}`}
        </button>
        <button type="button" class="secondary" onClick={() => ref.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

const blank = { name: '', email: '', role: 'account_manager' };

/**
 * New user: validated in the browser with the API's own schema; the API's errors land beside the fields. No
 * password: admins never choose one for someone else; the new user gets an email link to set their own.
 */
function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (key: keyof typeof blank) => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    setProblem(null);
    const parsed = CreateUser.safeParse(form);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    setSaving(true);
    const res = await api.post<User>('/api/users', parsed.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      setErrors(byField);
      if (Object.keys(byField).length === 0) setProblem(res.error.message);
      return;
    }
    setForm(blank);
    onCreated(res.data);
  }

  const input = (key: 'name' | 'email', label: string, type: string, hint?: string) => (
    <Field id={`new-user-${key}`} label={label} error={errors[key]} hint={hint}>
      <input
        id={`new-user-${key}`}
        type={type}
        value={form[key]}
        onInput={set(key)}
        autocomplete="off"
        aria-invalid={errors[key] ? 'true' : undefined}
        aria-describedby={describedBy(`new-user-${key}`, errors[key], hint)}
      />
    </Field>
  );

  return (
    <form onSubmit={submit} noValidate class="admin-form">
      <fieldset>
        <legend>Add a user</legend>
        <p class="muted">They get an email with a link to set their own password.</p>
        <div class="form-grid">
          {input('name', 'Name', 'text')}
          {input('email', 'Email', 'email')}
          <Field id="new-user-role" label="Role" error={errors.role}>
            <select id="new-user-role" value={form.role} onChange={set('role')} aria-describedby={describedBy('new-user-role', errors.role)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {humanize(r)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {problem && (
          <p class="field-error" role="alert">
            {problem}
          </p>
        )}
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
