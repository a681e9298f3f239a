import { useEffect, useState } from 'preact/hooks';
import { signal } from '@preact/signals';
import { api, issuesByField, withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { canEdit, currentUser, isManager } from '../session.js';
import { formatDate, humanize, plural } from '../format.js';
import { Field, describedBy, zodErrors } from './field.js';
import { Pagination } from './pagination.js';
import { Empty, ErrorState, Loading } from './states.js';
import { CreateTouchpoint, TouchpointKind, UpdateTouchpoint, type ContactFreshness, type Freshness, type TouchpointListItem } from '../../../shared/schemas/touchpoint.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { AccountListItem } from '../../../shared/schemas/account.js';
import type { Contact } from '../../../shared/schemas/contact.js';
import type { User } from '../../../shared/schemas/user.js';

const words: Record<Freshness, string> = { green: 'Fresh', amber: 'Cooling', red: 'Stale' };
// The NPS badges' colours: green, amber, red — always with a word, never colour alone.
const colour: Record<Freshness, string> = { green: 'promoter', amber: 'passive', red: 'detractor' };

/** A contact's last touch on the people map: the mark in words, the date, and who holds the relationship. */
export function FreshnessMark({ touch }: { touch: ContactFreshness | undefined }) {
  if (!touch) return <span class="muted">—</span>;
  return (
    <span class="freshness">
      <span class={`badge ${colour[touch.freshness]}`}>{words[touch.freshness]}</span>{' '}
      {touch.lastTouchOn ? <span class="small">{formatDate(touch.lastTouchOn)}</span> : <span class="small muted">Never touched</span>}
      {touch.holder && <div class="muted small">Held by {touch.holder.name}</div>}
    </span>
  );
}

/** Bumped whenever a touchpoint is logged, changed or deleted, so every list and mark on the page reads again. */
export const touchpointsChanged = signal(0);
const changed = () => (touchpointsChanged.value += 1);

export const kindLabel = (kind: string) => (kind === 'qbr' ? 'QBR' : humanize(kind));

const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/**
 * Quick add: date, kind, their people, our people and notes — one touchpoint logged from the account page or My day.
 * Given `touchpoint`, the same form corrects it (the people present at it stay on offer even if they have left since).
 */
export function TouchpointQuickAdd({
  accountId,
  contacts,
  staff,
  touchpoint,
  onDone,
  onCancel,
}: {
  accountId: string;
  contacts: Contact[];
  staff: User[] | null;
  touchpoint?: TouchpointListItem;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [occurredOn, setOccurredOn] = useState(touchpoint?.occurredOn ?? todayIso());
  const [kind, setKind] = useState<string>(touchpoint?.kind ?? 'meeting');
  const [notes, setNotes] = useState(touchpoint?.notes ?? '');
  const me = currentUser.value;
  const [theirs, setTheirs] = useState<string[]>(touchpoint?.contactIds ?? []);
  const [ours, setOurs] = useState<string[]>(touchpoint?.userIds ?? (me ? [me.id] : []));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const byId = <T extends { id: string }>(list: T[]) => [...new Map(list.map((x) => [x.id, x])).values()];
  const colleagues = byId([
    ...(staff ?? (me ? [{ id: me.id, name: me.name, role: me.role } as User] : [])).filter((u) => !u.disabled),
    ...(touchpoint?.users ?? []),
  ]);
  const people = byId<{ id: string; name: string }>([...contacts, ...(touchpoint?.contacts ?? [])]);
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));
  // Two forms may be open on one page (a new touchpoint and a correction): their fields need their own ids.
  const p = touchpoint ? `touchpoint-${touchpoint.id}` : 'touchpoint';
  const title = touchpoint ? `Correct the ${kindLabel(touchpoint.kind).toLowerCase()} of ${formatDate(touchpoint.occurredOn)}` : 'Log a touchpoint';

  const submit = async (e: Event) => {
    e.preventDefault();
    const fields = { occurredOn, kind, contactIds: theirs, userIds: ours };
    const checked = touchpoint ? UpdateTouchpoint.safeParse({ ...fields, notes: notes.trim() || null }) : CreateTouchpoint.safeParse({ ...fields, notes: notes.trim() || undefined });
    if (!checked.success) return setErrors(zodErrors(checked.error.issues));
    setSaving(true);
    const res = touchpoint ? await api.patch(`/api/touchpoints/${touchpoint.id}`, checked.data) : await api.post(`/api/accounts/${accountId}/touchpoints`, checked.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
    }
    changed();
    onDone();
  };

  return (
    <form class="touchpoint-form card" onSubmit={submit} noValidate aria-label={title}>
      <fieldset>
        <legend>{title}</legend>
        {errors._form && (
          <p class="field-error" role="alert">
            {errors._form}
          </p>
        )}
        <div class="form-grid">
          <Field id={`${p}-date`} label="Date" error={errors.occurredOn}>
            <input
              id={`${p}-date`}
              type="date"
              value={occurredOn}
              aria-invalid={errors.occurredOn ? true : undefined}
              aria-describedby={describedBy(`${p}-date`, errors.occurredOn)}
              onInput={(e) => setOccurredOn(e.currentTarget.value)}
            />
          </Field>
          <Field id={`${p}-kind`} label="Kind" error={errors.kind}>
            <select id={`${p}-kind`} value={kind} aria-describedby={describedBy(`${p}-kind`, errors.kind)} onChange={(e) => setKind(e.currentTarget.value)}>
              {TouchpointKind.options.map((k) => (
                <option key={k} value={k}>
                  {kindLabel(k)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset class="people-present">
          <legend>Their people present</legend>
          {people.length === 0 && <p class="muted">No contacts yet.</p>}
          {people.map((c) => (
            <label key={c.id} class="choice">
              <input type="checkbox" checked={theirs.includes(c.id)} onChange={(e) => setTheirs(toggle(theirs, c.id, e.currentTarget.checked))} /> {c.name}
            </label>
          ))}
          {errors.contactIds && <p class="field-error">{errors.contactIds}</p>}
        </fieldset>
        <fieldset class="people-present">
          <legend>Our people present</legend>
          {colleagues.map((u) => (
            <label key={u.id} class="choice">
              <input type="checkbox" checked={ours.includes(u.id)} onChange={(e) => setOurs(toggle(ours, u.id, e.currentTarget.checked))} /> {u.name}
            </label>
          ))}
          {errors.userIds && <p class="field-error">{errors.userIds}</p>}
        </fieldset>
        <Field id={`${p}-notes`} label="Notes" error={errors.notes}>
          <textarea id={`${p}-notes`} rows={3} value={notes} aria-describedby={describedBy(`${p}-notes`, errors.notes)} onInput={(e) => setNotes(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : touchpoint ? 'Save changes' : 'Log touchpoint'}
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </fieldset>
    </form>
  );
}

const HISTORY_PAGE = 10;
const names = (people: { name: string }[]) => (people.length ? people.map((x) => x.name).join(', ') : '—');

/**
 * The account's past touchpoints, newest first, ten a page: the day, the kind, who was there on both sides, the notes
 * and the follow-up tasks agreed — and, for those who may change the account, a correction or a deletion.
 */
export function TouchpointHistory({ accountId, staff }: { accountId: string; staff: User[] | null }) {
  const [page, setPage] = useState(1);
  const list = useApi<Page<TouchpointListItem>>(withQuery(`/api/accounts/${accountId}/touchpoints`, { page, pageSize: HISTORY_PAGE }));
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState('');
  // The account's contacts are needed only to correct the people present.
  const contacts = useApi<Page<Contact>>(editing ? `/api/accounts/${accountId}/contacts?pageSize=100` : null);
  const version = touchpointsChanged.value;
  useEffect(() => {
    if (version) void list.reload();
  }, [version]);
  const editable = canEdit();

  const remove = async (t: TouchpointListItem) => {
    setProblem('');
    const res = await api.delete(`/api/touchpoints/${t.id}`);
    setConfirming(null);
    if (!res.ok) return setProblem(res.error.message);
    // The last one on a later page gone: show the page before.
    if (list.data && list.data.data.length === 1 && page > 1) setPage(page - 1);
    changed();
    setMessage(`The ${kindLabel(t.kind).toLowerCase()} of ${formatDate(t.occurredOn)} was deleted.`);
  };

  return (
    <section class="touchpoint-history" aria-labelledby="touchpoints-title">
      <h2 id="touchpoints-title">Touchpoints</h2>
      <p role="status" class="saved">
        {message}
      </p>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      {list.loading && !list.data && <Loading what="Loading the touchpoints…" />}
      {list.error && <ErrorState error={list.error} retry={list.reload} />}
      {list.data && list.data.total === 0 && <Empty>No touchpoints logged yet — log a meeting, call or visit from the people map above, or import them from a CSV file on the <a href="/accounts">accounts page</a>.</Empty>}
      {list.data && list.data.total > 0 && (
        <>
          <ol class="touchpoint-list">
            {list.data.data.map((t) => (
              <li key={t.id} class="touchpoint-item card">
                {editing === t.id ? (
                  <TouchpointQuickAdd
                    accountId={accountId}
                    contacts={contacts.data?.data ?? []}
                    staff={staff}
                    touchpoint={t}
                    onDone={() => (setEditing(null), setMessage(`The ${kindLabel(t.kind).toLowerCase()} of ${formatDate(t.occurredOn)} was corrected.`))}
                    onCancel={() => setEditing(null)}
                  />
                ) : (
                  <article aria-labelledby={`tp-${t.id}`}>
                    <h3 id={`tp-${t.id}`} class="touchpoint-head">
                      {kindLabel(t.kind)} <span class="muted">· {formatDate(t.occurredOn)}</span>
                    </h3>
                    <dl class="touchpoint-people">
                      <div>
                        <dt>Their people</dt>
                        <dd>{names(t.contacts)}</dd>
                      </div>
                      <div>
                        <dt>Our people</dt>
                        <dd>{names(t.users)}</dd>
                      </div>
                    </dl>
                    {t.notes && <p class="notes">{t.notes}</p>}
                    {t.followUps.length > 0 && (
                      <>
                        <p class="small">Follow-ups:</p>
                        <ul class="small">
                          {t.followUps.map((f) => (
                            <li key={f.id}>
                              <a href={`/tasks/${f.id}`}>{f.title}</a> <span class="muted">({humanize(f.status)}, due {formatDate(f.dueAt)})</span>
                            </li>
                          ))}
                        </ul>
                      </>
                    )}
                    {editable && confirming !== t.id && (
                      <p class="actions">
                        <button type="button" class="secondary" aria-label={`Edit the ${kindLabel(t.kind)} of ${formatDate(t.occurredOn)}`} onClick={() => (setEditing(t.id), setMessage(''))}>
                          Edit
                        </button>
                        <button type="button" class="secondary" aria-label={`Delete the ${kindLabel(t.kind)} of ${formatDate(t.occurredOn)}`} onClick={() => (setConfirming(t.id), setMessage(''))}>
                          Delete
                        </button>
                      </p>
                    )}
                    {editable && confirming === t.id && (
                      <p class="confirm" role="group" aria-label={`Delete the ${kindLabel(t.kind)} of ${formatDate(t.occurredOn)}?`}>
                        <span>Delete it? Its follow-up tasks stay.</span>{' '}
                        <button type="button" class="danger" onClick={() => remove(t)}>
                          Yes, delete
                        </button>{' '}
                        <button type="button" class="secondary" onClick={() => setConfirming(null)}>
                          Keep it
                        </button>
                      </p>
                    )}
                  </article>
                )}
              </li>
            ))}
          </ol>
          <Pagination page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} onPage={setPage} noun="touchpoints" />
        </>
      )}
    </section>
  );
}

/**
 * My day's "Log a touchpoint": pick one of my accounts, then the account page's quick add, with that account's
 * contacts (and, for an admin, every colleague; a manager logs themselves and names colleagues on the account page).
 */
export function MyDayTouchpoint({ startOpen = false }: { startOpen?: boolean }) {
  const me = currentUser.value;
  const [open, setOpen] = useState(startOpen);
  const [accountId, setAccountId] = useState('');
  const [message, setMessage] = useState('');
  const mine = useApi<Page<AccountListItem>>(open && me ? withQuery('/api/accounts', { ownerId: me.id, pageSize: 100 }) : null);
  const contacts = useApi<Page<Contact>>(accountId ? `/api/accounts/${accountId}/contacts?pageSize=100` : null);
  const staff = useApi<Page<User>>(open && !isManager() ? '/api/users?pageSize=100' : null);
  if (!canEdit()) return null;
  const chosen = mine.data?.data.find((a) => a.id === accountId);
  const close = () => (setOpen(false), setAccountId(''));

  return (
    <section class="my-day-touchpoint" aria-label="Log a touchpoint">
      <p role="status" class="saved">
        {message}
      </p>
      {!open && (
        <button type="button" class="secondary" onClick={() => (setOpen(true), setMessage(''))}>
          Log a touchpoint
        </button>
      )}
      {open && (
        <div class="card">
          {mine.loading && !mine.data && <Loading what="Loading your accounts…" />}
          {mine.error && <ErrorState error={mine.error} retry={mine.reload} />}
          {mine.data && mine.data.total === 0 && (
            <Empty>
              <p>You own no accounts yet.</p>
              <button type="button" class="secondary" onClick={close}>
                Close
              </button>
            </Empty>
          )}
          {mine.data && mine.data.total > 0 && (
            <div class="field">
              <label for="my-day-touchpoint-account">Account</label>
              <select id="my-day-touchpoint-account" value={accountId} onChange={(e) => setAccountId(e.currentTarget.value)}>
                <option value="">Choose one of your {plural(mine.data.total, 'account')}…</option>
                {mine.data.data.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          {mine.data && !accountId && mine.data.total > 0 && (
            <p class="actions">
              <button type="button" class="secondary" onClick={close}>
                Cancel
              </button>
            </p>
          )}
          {accountId && contacts.loading && !contacts.data && <Loading what="Loading the account's people…" />}
          {accountId && contacts.error && <ErrorState error={contacts.error} retry={contacts.reload} />}
          {accountId && contacts.data && (
            <TouchpointQuickAdd
              key={accountId}
              accountId={accountId}
              contacts={contacts.data.data}
              staff={staff.data?.data ?? null}
              onDone={() => (close(), setMessage(`Touchpoint logged with ${chosen?.name ?? 'the account'}.`))}
              onCancel={close}
            />
          )}
        </div>
      )}
    </section>
  );
}
