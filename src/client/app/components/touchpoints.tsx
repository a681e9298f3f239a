import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { currentUser } from '../session.js';
import { formatDate, humanize } from '../format.js';
import { Field, describedBy, zodErrors } from './field.js';
import { CreateTouchpoint, TouchpointKind, type ContactFreshness, type Freshness } from '../../../shared/schemas/touchpoint.js';
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

const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** Quick add: date, kind, their people, our people and notes — one touchpoint logged from the account page. */
export function TouchpointQuickAdd({ accountId, contacts, staff, onDone, onCancel }: { accountId: string; contacts: Contact[]; staff: User[] | null; onDone: () => void; onCancel: () => void }) {
  const [occurredOn, setOccurredOn] = useState(todayIso());
  const [kind, setKind] = useState<string>('meeting');
  const [notes, setNotes] = useState('');
  const me = currentUser.value;
  const [theirs, setTheirs] = useState<string[]>([]);
  const [ours, setOurs] = useState<string[]>(me ? [me.id] : []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const colleagues = (staff ?? (me ? [{ id: me.id, name: me.name, role: me.role } as User] : [])).filter((u) => !u.disabled);
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));

  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = CreateTouchpoint.safeParse({ occurredOn, kind, notes: notes.trim() || undefined, contactIds: theirs, userIds: ours });
    if (!checked.success) return setErrors(zodErrors(checked.error.issues));
    setSaving(true);
    const res = await api.post(`/api/accounts/${accountId}/touchpoints`, checked.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
    }
    onDone();
  };

  return (
    <form class="touchpoint-form card" onSubmit={submit} noValidate aria-label="Log a touchpoint">
      <fieldset>
        <legend>Log a touchpoint</legend>
        {errors._form && (
          <p class="field-error" role="alert">
            {errors._form}
          </p>
        )}
        <div class="form-grid">
          <Field id="touchpoint-date" label="Date" error={errors.occurredOn}>
            <input
              id="touchpoint-date"
              type="date"
              value={occurredOn}
              aria-invalid={errors.occurredOn ? true : undefined}
              aria-describedby={describedBy('touchpoint-date', errors.occurredOn)}
              onInput={(e) => setOccurredOn(e.currentTarget.value)}
            />
          </Field>
          <Field id="touchpoint-kind" label="Kind" error={errors.kind}>
            <select id="touchpoint-kind" value={kind} aria-describedby={describedBy('touchpoint-kind', errors.kind)} onChange={(e) => setKind(e.currentTarget.value)}>
              {TouchpointKind.options.map((k) => (
                <option key={k} value={k}>
                  {k === 'qbr' ? 'QBR' : humanize(k)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset class="people-present">
          <legend>Their people present</legend>
          {contacts.length === 0 && <p class="muted">No contacts yet.</p>}
          {contacts.map((c) => (
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
        <Field id="touchpoint-notes" label="Notes" error={errors.notes}>
          <textarea id="touchpoint-notes" rows={3} value={notes} aria-describedby={describedBy('touchpoint-notes', errors.notes)} onInput={(e) => setNotes(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Log touchpoint'}
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </fieldset>
    </form>
  );
}
