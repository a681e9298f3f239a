import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { plural } from '../format.js';
import { CreatePulseEventType, UpdatePulseEventType, type PulseEventType } from '../../../shared/schemas/pulse.js';
import type { Survey } from '../../../shared/schemas/survey.js';

type Status = { ok: boolean; text: string } | null;
type Draft = { name: string; surveyId: string; delay: string };

/**
 * Admin · Event types (issue 14, part 2): the events integrations post (POST /api/pulses) and what each asks — the
 * survey, how many business days after the event, and whether it is on.
 */
export default function AdminEventTypes() {
  usePageTitle('Event types · Admin');
  return (
    <AdminFrame current="/admin/event-types" title="Event types">
      <EventTypesPanel />
    </AdminFrame>
  );
}

const delayWords = (days: number) => (days === 0 ? 'at the next send run' : `${plural(days, 'business day')} after the event`);

function EventTypesPanel() {
  const types = useApi<{ data: PulseEventType[] }>('/api/pulse-event-types');
  const surveys = useApi<{ data: Survey[] }>('/api/surveys');
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status>(null);
  const surveyList = surveys.data?.data ?? [];

  async function toggle(t: PulseEventType) {
    setBusy(true);
    const res = await api.patch<PulseEventType>(`/api/pulse-event-types/${t.id}`, { enabled: !t.enabled });
    // The list is reloaded before the status is announced, so the words match what is on screen.
    await types.reload();
    setBusy(false);
    setStatus(
      res.ok
        ? { ok: true, text: t.enabled ? `“${t.name}” is off: new events of this type are refused, and its scheduled pulses are not sent.` : `“${t.name}” is on again.` }
        : { ok: false, text: res.error.message },
    );
  }

  return (
    <>
      <p>
        Your systems post an event — a delivery, a closed ticket, a milestone — with <code>POST /api/pulses</code> and the event type’s key; the contact
        gets the event type’s short survey after its delay. Unsubscribed, bounced and recently surveyed contacts are skipped, as in every campaign.
      </p>
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {types.loading && !types.data && <Loading what="Loading event types…" />}
      {types.error && <ErrorState error={types.error} retry={types.reload} />}
      {types.data && types.data.data.length === 0 && (
        <Empty>
          <p>No event types yet. Add one below.</p>
        </Empty>
      )}
      {types.data && types.data.data.length > 0 && (
        <ul class="rule-list">
          {types.data.data.map((t) => (
            <li key={t.id} class={`card rule${t.enabled ? '' : ' rule-off'}`}>
              <h3>
                <span>{t.name}</span> <span class={`badge${t.enabled ? ' active' : ''}`}>{t.enabled ? 'On' : 'Off'}</span>
              </h3>
              <p class="muted">
                Key <code>{t.key}</code> · asks “{t.surveyName}” {delayWords(t.delayBusinessDays)} · {plural(t.pulses, 'pulse')} so far
              </p>
              {editing === t.id ? (
                <EditEventType
                  type={t}
                  surveys={surveyList}
                  onDone={async (saved) => {
                    setEditing(null);
                    if (saved) {
                      await types.reload();
                      setStatus({ ok: true, text: `Saved “${saved.name}”: ${delayWords(saved.delayBusinessDays)}.` });
                    }
                  }}
                />
              ) : (
                <div class="actions">
                  <button type="button" class="secondary" aria-label={`Edit ${t.name}`} onClick={() => setEditing(t.id)}>
                    Edit
                  </button>
                  <button type="button" class="secondary" aria-label={`${t.enabled ? 'Switch off' : 'Switch on'} ${t.name}`} disabled={busy} onClick={() => toggle(t)}>
                    {t.enabled ? 'Switch off' : 'Switch on'}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <CreateEventType
        surveys={surveyList}
        onCreated={async (t) => {
          await types.reload();
          setStatus({ ok: true, text: `Added “${t.name}”: post it as event “${t.key}”.` });
        }}
      />
    </>
  );
}

function Fields({ id, draft, onChange, surveys, errors }: {
  id: string;
  draft: Draft;
  onChange: (draft: Draft) => void;
  surveys: Survey[];
  errors: Record<string, string>;
}) {
  const delayHint = 'Business days (Monday to Friday) between the event and the survey; 0 sends at the next run. At most 30.';
  return (
    <>
      <Field id={`${id}-name`} label="Name" error={errors.name}>
        <input
          id={`${id}-name`}
          value={draft.name}
          maxLength={100}
          onInput={(e) => onChange({ ...draft, name: (e.target as HTMLInputElement).value })}
          aria-invalid={errors.name ? 'true' : undefined}
          aria-describedby={describedBy(`${id}-name`, errors.name)}
        />
      </Field>
      <Field id={`${id}-survey`} label="Survey" error={errors.surveyId}>
        <select
          id={`${id}-survey`}
          value={draft.surveyId}
          onChange={(e) => onChange({ ...draft, surveyId: (e.target as HTMLSelectElement).value })}
          aria-invalid={errors.surveyId ? 'true' : undefined}
          aria-describedby={describedBy(`${id}-survey`, errors.surveyId)}
        >
          <option value="">Choose a survey</option>
          {surveys.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-delay`} label="Delay (business days)" error={errors.delayBusinessDays} hint={delayHint}>
        <input
          id={`${id}-delay`}
          type="number"
          inputMode="numeric"
          min={0}
          max={30}
          value={draft.delay}
          onInput={(e) => onChange({ ...draft, delay: (e.target as HTMLInputElement).value })}
          aria-invalid={errors.delayBusinessDays ? 'true' : undefined}
          aria-describedby={describedBy(`${id}-delay`, errors.delayBusinessDays, delayHint)}
        />
      </Field>
    </>
  );
}

const delayOf = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

function EditEventType({ type, surveys, onDone }: { type: PulseEventType; surveys: Survey[]; onDone: (saved: PulseEventType | null) => void }) {
  const id = `edit-${type.id}`;
  const [draft, setDraft] = useState<Draft>({ name: type.name, surveyId: type.surveyId, delay: String(type.delayBusinessDays) });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = UpdatePulseEventType.safeParse({ name: draft.name, surveyId: draft.surveyId, delayBusinessDays: delayOf(draft.delay) });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.patch<PulseEventType>(`/api/pulse-event-types/${type.id}`, parsed.data);
    setSaving(false);
    if (!res.ok) return setErrors({ name: res.error.message, ...issuesByField(res.error) });
    onDone(res.data);
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`Edit ${type.name}`}>
      <div class="form-grid">
        <Fields id={id} draft={draft} onChange={setDraft} surveys={surveys} errors={errors} />
      </div>
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save event type'}
        </button>
        <button type="button" class="secondary" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CreateEventType({ surveys, onCreated }: { surveys: Survey[]; onCreated: (t: PulseEventType) => void }) {
  const [key, setKey] = useState('');
  const [draft, setDraft] = useState<Draft>({ name: '', surveyId: '', delay: '1' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const keyHint = 'What your systems post as “event”: lower-case letters, digits and underscores, e.g. installation_done. It cannot be changed later.';
  const pulseSurvey = surveys.find((s) => s.templateKey === 'delivery_pulse');

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = CreatePulseEventType.safeParse({ key, name: draft.name, surveyId: draft.surveyId || pulseSurvey?.id || '', delayBusinessDays: delayOf(draft.delay) });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.post<PulseEventType>('/api/pulse-event-types', parsed.data);
    setSaving(false);
    if (!res.ok) return setErrors({ key: res.error.message, ...issuesByField(res.error) });
    setKey('');
    setDraft({ name: '', surveyId: '', delay: '1' });
    onCreated(res.data);
  }

  return (
    <form onSubmit={submit} noValidate class="admin-form" aria-labelledby="add-event-type-title">
      <h2 id="add-event-type-title">Add an event type</h2>
      <div class="form-grid">
        <Field id="event-type-key" label="Key" error={errors.key} hint={keyHint}>
          <input
            id="event-type-key"
            value={key}
            maxLength={40}
            autoComplete="off"
            spellcheck={false}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
            aria-invalid={errors.key ? 'true' : undefined}
            aria-describedby={describedBy('event-type-key', errors.key, keyHint)}
          />
        </Field>
        <Fields id="event-type-new" draft={{ ...draft, surveyId: draft.surveyId || pulseSurvey?.id || '' }} onChange={setDraft} surveys={surveys} errors={errors} />
      </div>
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Adding…' : 'Add event type'}
        </button>
      </div>
      {surveys.length > 0 && <p class="muted small">{plural(surveys.length, 'survey')} to choose from; the built-in pulse asks for a mark out of ten and one comment, in every survey language.</p>}
    </form>
  );
}
