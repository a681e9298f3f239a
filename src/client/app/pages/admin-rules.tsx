import { useMemo, useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatNumber, humanize } from '../format.js';
import { CreateFollowUpRule, Priority, UpdateFollowUpRule, type FollowUpRule } from '../../../shared/schemas/task.js';
import type { Survey } from '../../../shared/schemas/survey.js';

type Condition = FollowUpRule['condition'];
type Questions = Map<string, string>;

/** Admin · Follow-up rules: which answers become tasks, for whom, how urgent, due when. */
export default function AdminRules() {
  usePageTitle('Follow-up rules · Admin');
  return (
    <AdminFrame current="/admin/rules" title="Follow-up rules">
      <RulesPanel />
    </AdminFrame>
  );
}

/** Question key → its English text, from every survey's current version (rules name questions by key). */
function useQuestions(): Questions {
  const surveys = useApi<{ data: Survey[] }>('/api/surveys');
  return useMemo(() => {
    const map: Questions = new Map();
    for (const s of surveys.data?.data ?? []) for (const q of s.definition.questions) if (!map.has(q.key)) map.set(q.key, q.text.en ?? q.key);
    return map;
  }, [surveys.data]);
}

function conditionInWords(c: Condition): string {
  switch (c.kind) {
    case 'range':
      return c.min === c.max ? `is ${c.min}` : `is between ${c.min} and ${c.max}`;
    case 'equals':
      return `is “${String(c.value)}”`;
    case 'answered':
      return 'is answered at all';
  }
}

function ruleInWords(rule: FollowUpRule, questions: Questions): string {
  const question = questions.get(rule.questionKey);
  const days = rule.dueInBusinessDays === 1 ? '1 business day' : `${formatNumber(rule.dueInBusinessDays)} business days`;
  const who = rule.assignee === 'account_owner' ? 'the account owner' : 'our counterpart for the contact';
  return `When the answer to ${question ? `“${question}”` : `question “${rule.questionKey}”`} ${conditionInWords(rule.condition)}: a ${rule.priority}-priority task for ${who}, due in ${days}.`;
}

function RulesPanel() {
  const rules = useApi<{ data: FollowUpRule[] }>('/api/follow-up-rules');
  const questions = useQuestions();
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  async function toggle(rule: FollowUpRule) {
    const res = await api.patch<FollowUpRule>(`/api/follow-up-rules/${rule.id}`, { enabled: !rule.enabled });
    setStatus(res.ok ? { ok: true, text: `“${rule.name}” is ${rule.enabled ? 'off: it creates no more tasks' : 'on again'}.` } : { ok: false, text: res.error.message });
    rules.reload();
  }

  return (
    <>
      <p>Rules run when an answer arrives. Editing a rule changes later answers only; tasks already created stay as they are.</p>
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {rules.loading && !rules.data && <Loading what="Loading rules…" />}
      {rules.error && <ErrorState error={rules.error} retry={rules.reload} />}
      {rules.data && rules.data.data.length === 0 && (
        <Empty>
          <p>No rules: no answer creates a follow-up task. Add one below.</p>
        </Empty>
      )}
      {rules.data && rules.data.data.length > 0 && (
        <ul class="rule-list">
          {rules.data.data.map((rule) => (
            <li key={rule.id} class={`card rule${rule.enabled ? '' : ' rule-off'}`}>
              <h3>
                {rule.name} <span class={`badge${rule.enabled ? ' active' : ''}`}>{rule.enabled ? 'On' : 'Off'}</span>
              </h3>
              <p>{ruleInWords(rule, questions)}</p>
              <p class="muted">Task title: {rule.title}</p>
              {editing === rule.id ? (
                <EditRule
                  rule={rule}
                  onDone={(saved) => {
                    setEditing(null);
                    if (saved) {
                      setStatus({ ok: true, text: `Saved “${saved.name}”.` });
                      rules.reload();
                    }
                  }}
                />
              ) : (
                <div class="actions">
                  <button type="button" class="secondary" aria-label={`Edit ${rule.name}`} onClick={() => setEditing(rule.id)}>
                    Edit
                  </button>
                  <button type="button" class="secondary" aria-label={`${rule.enabled ? 'Turn off' : 'Turn on'} ${rule.name}`} onClick={() => toggle(rule)}>
                    {rule.enabled ? 'Turn off' : 'Turn on'}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <CreateRule
        questions={questions}
        onCreated={(rule) => {
          setStatus({ ok: true, text: `Added “${rule.name}”.` });
          rules.reload();
        }}
      />
    </>
  );
}

/** Condition as form text: range min/max, an exact value, or just "answered". */
interface ConditionDraft {
  kind: Condition['kind'];
  min: string;
  max: string;
  value: string;
}
const draftOf = (c: Condition): ConditionDraft => ({
  kind: c.kind,
  min: c.kind === 'range' ? String(c.min) : '0',
  max: c.kind === 'range' ? String(c.max) : '6',
  value: c.kind === 'equals' ? String(c.value) : '',
});
const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
function conditionOf(d: ConditionDraft): unknown {
  if (d.kind === 'range') return { kind: 'range', min: toNumber(d.min), max: toNumber(d.max) };
  if (d.kind === 'equals') return { kind: 'equals', value: d.value };
  return { kind: 'answered' };
}

function ConditionFields({ id, draft, onChange, errors }: { id: string; draft: ConditionDraft; onChange: (d: ConditionDraft) => void; errors: Record<string, string> }) {
  const set = (key: keyof ConditionDraft) => (e: Event) => onChange({ ...draft, [key]: (e.target as HTMLInputElement).value });
  const minError = errors['condition.min'] ?? errors.condition;
  return (
    <fieldset>
      <legend>Condition</legend>
      <Field id={`${id}-kind`} label="The answer">
        <select id={`${id}-kind`} value={draft.kind} onChange={set('kind')}>
          <option value="range">is a score between…</option>
          <option value="equals">is exactly…</option>
          <option value="answered">is given at all</option>
        </select>
      </Field>
      {draft.kind === 'range' && (
        <div class="form-grid">
          <Field id={`${id}-min`} label="From (0–10)" error={minError}>
            <input id={`${id}-min`} type="number" min={0} max={10} inputMode="numeric" value={draft.min} onInput={set('min')} aria-describedby={describedBy(`${id}-min`, minError)} />
          </Field>
          <Field id={`${id}-max`} label="To (0–10)" error={errors['condition.max']}>
            <input id={`${id}-max`} type="number" min={0} max={10} inputMode="numeric" value={draft.max} onInput={set('max')} aria-describedby={describedBy(`${id}-max`, errors['condition.max'])} />
          </Field>
        </div>
      )}
      {draft.kind === 'equals' && (
        <Field id={`${id}-value`} label="Value (a choice's value, e.g. supplier)" error={errors['condition.value'] ?? errors.condition}>
          <input id={`${id}-value`} value={draft.value} onInput={set('value')} aria-describedby={describedBy(`${id}-value`, errors['condition.value'] ?? errors.condition)} />
        </Field>
      )}
    </fieldset>
  );
}

function PriorityAndDue({ id, priority, due, onPriority, onDue, errors }: { id: string; priority: string; due: string; onPriority: (v: string) => void; onDue: (v: string) => void; errors: Record<string, string> }) {
  return (
    <div class="form-grid">
      <Field id={`${id}-priority`} label="Priority" error={errors.priority}>
        <select id={`${id}-priority`} value={priority} onChange={(e) => onPriority((e.target as HTMLSelectElement).value)}>
          {Priority.options.map((p) => (
            <option key={p} value={p}>
              {humanize(p)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-due`} label="Due in (business days)" error={errors.dueInBusinessDays}>
        <input
          id={`${id}-due`}
          type="number"
          min={0}
          max={60}
          inputMode="numeric"
          value={due}
          onInput={(e) => onDue((e.target as HTMLInputElement).value)}
          aria-invalid={errors.dueInBusinessDays ? 'true' : undefined}
          aria-describedby={describedBy(`${id}-due`, errors.dueInBusinessDays)}
        />
      </Field>
    </div>
  );
}

function EditRule({ rule, onDone }: { rule: FollowUpRule; onDone: (saved: FollowUpRule | null) => void }) {
  const id = `edit-${rule.id}`;
  const [priority, setPriority] = useState<string>(rule.priority);
  const [due, setDue] = useState(String(rule.dueInBusinessDays));
  const [draft, setDraft] = useState(draftOf(rule.condition));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = UpdateFollowUpRule.safeParse({ priority, dueInBusinessDays: toNumber(due), condition: conditionOf(draft) });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setSaving(true);
    const res = await api.patch<FollowUpRule>(`/api/follow-up-rules/${rule.id}`, parsed.data);
    setSaving(false);
    if (!res.ok) return setErrors({ condition: res.error.message, ...issuesByField(res.error) });
    onDone(res.data);
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`Edit ${rule.name}`}>
      <PriorityAndDue id={id} priority={priority} due={due} onPriority={setPriority} onDue={setDue} errors={errors} />
      <ConditionFields id={id} draft={draft} onChange={setDraft} errors={errors} />
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save rule'}
        </button>
        <button type="button" class="secondary" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const blank = { name: '', questionKey: 'nps', title: 'Follow up with {contact}: {answer}', assignee: 'account_owner', priority: 'normal', due: '5' };

function CreateRule({ questions, onCreated }: { questions: Questions; onCreated: (rule: FollowUpRule) => void }) {
  const [form, setForm] = useState(blank);
  const [draft, setDraft] = useState<ConditionDraft>({ kind: 'range', min: '0', max: '6', value: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const set = (key: keyof typeof blank) => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = CreateFollowUpRule.safeParse({
      name: form.name,
      questionKey: form.questionKey,
      condition: conditionOf(draft),
      priority: form.priority,
      dueInBusinessDays: toNumber(form.due),
      assignee: form.assignee,
      title: form.title,
    });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.post<FollowUpRule>('/api/follow-up-rules', parsed.data);
    setSaving(false);
    if (!res.ok) return setErrors({ name: res.error.message, ...issuesByField(res.error) });
    setForm(blank);
    onCreated(res.data);
  }

  const titleHint = '{contact} and {answer} are filled in from the response.';
  return (
    <form onSubmit={submit} noValidate class="admin-form">
      <h2>Add a rule</h2>
      <fieldset>
        <legend>What and when</legend>
        <div class="form-grid">
          <Field id="rule-name" label="Name" error={errors.name}>
            <input id="rule-name" value={form.name} onInput={set('name')} aria-invalid={errors.name ? 'true' : undefined} aria-describedby={describedBy('rule-name', errors.name)} />
          </Field>
          <Field id="rule-question" label="Question" error={errors.questionKey}>
            <select id="rule-question" value={form.questionKey} onChange={set('questionKey')} aria-describedby={describedBy('rule-question', errors.questionKey)}>
              {[...(questions.size ? questions : new Map([['nps', 'NPS']]))].map(([key, text]) => (
                <option key={key} value={key}>
                  {text.length > 70 ? `${text.slice(0, 67)}…` : text} ({key})
                </option>
              ))}
            </select>
          </Field>
        </div>
      </fieldset>
      <ConditionFields id="rule-new" draft={draft} onChange={setDraft} errors={errors} />
      <fieldset>
        <legend>The task</legend>
        <div class="form-grid">
          <Field id="rule-title" label="Task title" error={errors.title} hint={titleHint}>
            <input id="rule-title" value={form.title} onInput={set('title')} aria-describedby={describedBy('rule-title', errors.title, titleHint)} />
          </Field>
          <Field id="rule-assignee" label="Assign to" error={errors.assignee}>
            <select id="rule-assignee" value={form.assignee} onChange={set('assignee')}>
              <option value="account_owner">The account owner</option>
              <option value="counterpart">Our counterpart for the contact</option>
            </select>
          </Field>
        </div>
        <PriorityAndDue
          id="rule-new"
          priority={form.priority}
          due={form.due}
          onPriority={(v) => setForm({ ...form, priority: v })}
          onDue={(v) => setForm({ ...form, due: v })}
          errors={errors}
        />
      </fieldset>
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Adding…' : 'Add rule'}
        </button>
      </div>
    </form>
  );
}
