import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatNumber } from '../format.js';
import { CreatePartnershipIndicator, UpdatePartnershipIndicator, type PartnershipIndicator } from '../../../shared/schemas/program.js';

type Status = { ok: boolean; text: string } | null;

/** Admin · Partnership signals (issue 6, section 4): the checklist managers assess accounts with, in its order. */
export default function AdminIndicators() {
  usePageTitle('Partnership signals · Admin');
  return (
    <AdminFrame current="/admin/indicators" title="Partnership signals">
      <IndicatorsPanel />
    </AdminFrame>
  );
}

const inOrder = (list: PartnershipIndicator[]) => [...list].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));

function IndicatorsPanel() {
  const indicators = useApi<{ data: PartnershipIndicator[] }>('/api/partnership-indicators');
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status>(null);
  const list = indicators.data ? inOrder(indicators.data.data) : [];

  async function toggle(ind: PartnershipIndicator) {
    setBusy(true);
    const res = await api.patch<PartnershipIndicator>(`/api/partnership-indicators/${ind.id}`, { enabled: !ind.enabled });
    await indicators.reload();
    setBusy(false);
    setStatus(
      res.ok
        ? { ok: true, text: `“${ind.name}” is ${ind.enabled ? 'switched off: new assessments no longer ask it; past answers stay' : 'on again'}.` }
        : { ok: false, text: res.error.message },
    );
  }

  /** Moves one signal up or down: renumbers the list 0, 1, 2… and saves the positions that changed. */
  async function move(index: number, by: -1 | 1) {
    const order = [...list];
    const [ind] = order.splice(index, 1);
    order.splice(index + by, 0, ind!);
    setBusy(true);
    const changed = order.map((i, position) => ({ i, position })).filter(({ i, position }) => i.position !== position);
    const results = await Promise.all(changed.map(({ i, position }) => api.patch<PartnershipIndicator>(`/api/partnership-indicators/${i.id}`, { position })));
    const failed = results.find((r) => !r.ok);
    // The list is reloaded before the status is announced, so the words match what is on screen.
    await indicators.reload();
    setBusy(false);
    setStatus(
      failed && !failed.ok
        ? { ok: false, text: failed.error.message }
        : { ok: true, text: `“${ind!.name}” moved ${by < 0 ? 'up' : 'down'} to place ${formatNumber(index + by + 1)} of ${formatNumber(order.length)}.` },
    );
  }

  return (
    <>
      <p>
        Managers assess each key account with these signals, in this order (yes / partly / no). Switching a signal off removes it from new assessments;
        past answers keep it.
      </p>
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {indicators.loading && !indicators.data && <Loading what="Loading signals…" />}
      {indicators.error && <ErrorState error={indicators.error} retry={indicators.reload} />}
      {indicators.data && list.length === 0 && (
        <Empty>
          <p>No partnership signals yet: managers have nothing to assess. Add one below.</p>
        </Empty>
      )}
      {list.length > 0 && (
        <ol class="rule-list indicator-list">
          {list.map((ind, index) => (
            <li key={ind.id} class={`card rule${ind.enabled ? '' : ' rule-off'}`}>
              <h3>
                <span>
                  {formatNumber(index + 1)}. {ind.name}
                </span>{' '}
                <span class={`badge${ind.enabled ? ' active' : ''}`}>{ind.enabled ? 'On' : 'Off'}</span>
              </h3>
              {ind.description && <p class="muted">{ind.description}</p>}
              {editing === ind.id ? (
                <EditIndicator
                  indicator={ind}
                  onDone={(saved) => {
                    setEditing(null);
                    if (saved) {
                      setStatus({ ok: true, text: `Saved “${saved.name}”.` });
                      indicators.reload();
                    }
                  }}
                />
              ) : (
                <div class="actions">
                  <button type="button" class="secondary" aria-label={`Rename ${ind.name}`} onClick={() => setEditing(ind.id)}>
                    Rename
                  </button>
                  <button type="button" class="secondary" aria-label={`${ind.enabled ? 'Switch off' : 'Switch on'} ${ind.name}`} disabled={busy} onClick={() => toggle(ind)}>
                    {ind.enabled ? 'Switch off' : 'Switch on'}
                  </button>
                  <button type="button" class="secondary" aria-label={`Move up: ${ind.name}`} disabled={busy || index === 0} onClick={() => move(index, -1)}>
                    Move up
                  </button>
                  <button type="button" class="secondary" aria-label={`Move down: ${ind.name}`} disabled={busy || index === list.length - 1} onClick={() => move(index, 1)}>
                    Move down
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      <CreateIndicator
        onCreated={async (ind) => {
          await indicators.reload();
          setStatus({ ok: true, text: `Added “${ind.name}” at the end of the list.` });
        }}
      />
    </>
  );
}

function NameAndDescription({ id, name, description, onName, onDescription, errors }: {
  id: string;
  name: string;
  description: string;
  onName: (v: string) => void;
  onDescription: (v: string) => void;
  errors: Record<string, string>;
}) {
  const hint = 'Optional: what counts as "yes" for this signal.';
  return (
    <div class="form-grid">
      <Field id={`${id}-name`} label="Name" error={errors.name}>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={200}
          onInput={(e) => onName((e.target as HTMLInputElement).value)}
          aria-invalid={errors.name ? 'true' : undefined}
          aria-describedby={describedBy(`${id}-name`, errors.name)}
        />
      </Field>
      <Field id={`${id}-description`} label="Description" error={errors.description} hint={hint}>
        <input
          id={`${id}-description`}
          value={description}
          maxLength={1000}
          onInput={(e) => onDescription((e.target as HTMLInputElement).value)}
          aria-invalid={errors.description ? 'true' : undefined}
          aria-describedby={describedBy(`${id}-description`, errors.description, hint)}
        />
      </Field>
    </div>
  );
}

const orNull = (text: string) => (text.trim() === '' ? null : text);

function EditIndicator({ indicator, onDone }: { indicator: PartnershipIndicator; onDone: (saved: PartnershipIndicator | null) => void }) {
  const id = `edit-${indicator.id}`;
  const [name, setName] = useState(indicator.name);
  const [description, setDescription] = useState(indicator.description ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = UpdatePartnershipIndicator.safeParse({ name, description: orNull(description) });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.patch<PartnershipIndicator>(`/api/partnership-indicators/${indicator.id}`, parsed.data);
    setSaving(false);
    if (!res.ok) return setErrors({ name: res.error.message, ...issuesByField(res.error) });
    onDone(res.data);
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`Rename ${indicator.name}`}>
      <NameAndDescription id={id} name={name} description={description} onName={setName} onDescription={setDescription} errors={errors} />
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save signal'}
        </button>
        <button type="button" class="secondary" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CreateIndicator({ onCreated }: { onCreated: (ind: PartnershipIndicator) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = CreatePartnershipIndicator.safeParse({ name, description: orNull(description) });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.post<PartnershipIndicator>('/api/partnership-indicators', parsed.data);
    setSaving(false);
    if (!res.ok) return setErrors({ name: res.error.message, ...issuesByField(res.error) });
    setName('');
    setDescription('');
    onCreated(res.data);
  }

  return (
    <form onSubmit={submit} noValidate class="admin-form" aria-labelledby="add-signal-title">
      <h2 id="add-signal-title">Add a signal</h2>
      <NameAndDescription id="signal-new" name={name} description={description} onName={setName} onDescription={setDescription} errors={errors} />
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Adding…' : 'Add signal'}
        </button>
      </div>
    </form>
  );
}
