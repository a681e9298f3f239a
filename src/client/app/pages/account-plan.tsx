import { useMemo, useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi, type Resource } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit, currentUser } from '../session.js';
import { daysUntil, formatDate, formatDateTime, formatMoney, formatNumber, formatPercent, humanize, relativeDays, plural } from '../format.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { PrintButton } from '../components/csv-link.js';
import { QuarterValueForm } from '../components/quarter-value-form.js';
import { SharedWithCustomer } from './account-plan-sharing.js';
import {
  CreateCounterpartPair,
  CreatePlanAction,
  CreateTeamMember,
  PlanGoal,
  UpdateAccountPlan,
  type AccountPlan,
  type PlanAction,
} from '../../../shared/schemas/account-plan.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Contact } from '../../../shared/schemas/contact.js';
import type { Colleague } from '../../../shared/schemas/user.js';

/**
 * The account plan of a key account (issue 6, section 3): profile, intelligence (SWOT, competitors, share of spend),
 * intentions (goals for the year), implementation (actions, each a task on its assignee's list), our account team,
 * the counterpart pairs and the history of changes. The account's manager and admins edit each part in place;
 * executives read. Print / Save as PDF gives a clean plan for the annual review.
 */

type Errors = Record<string, string>;
type PlanHistory = { data: { id: string; changedAt: string; changedBy: { id: string; name: string } | null; section: string; summary: string }[] };
type Person = { id: string; name: string };

const goalWords: Record<PlanGoal, string> = { sales: 'Sales', value: 'Value to add', relationships: 'Relationships', other: 'Other' };
const statusWords: Record<PlanAction['status'], string> = { open: 'Open', in_progress: 'In progress', done: 'Done', dismissed: 'Dismissed' };

/** Errors for a form field: the exact key, or the first error under it (list items, e.g. "strengths.2"). */
function errorFor(errors: Errors, key: string): string | undefined {
  if (errors[key]) return errors[key];
  const sub = Object.keys(errors).find((k) => k.startsWith(`${key}.`));
  return sub ? `${sub.slice(key.length + 1).replace(/^(\d+)/, (n) => `Line ${Number(n) + 1}`)}: ${errors[sub]}`.replace(/: $/, '') : undefined;
}

/** API or zod issues of a PATCH ("intelligence.strengths.0") without their section prefix. */
function stripSection(errors: Errors, section: string): Errors {
  const out: Errors = {};
  for (const [k, v] of Object.entries(errors)) out[k.startsWith(`${section}.`) ? k.slice(section.length + 1) : k || '_form'] = v;
  return out;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const numberOrText = (text: string): number | string | null => {
  const t = text.trim();
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
};

export default function AccountPlanPage({ id }: { id: string }) {
  const plan = useApi<AccountPlan>(`/api/accounts/${id}/plan`);
  const history = useApi<PlanHistory>(`/api/accounts/${id}/plan/history`);
  usePageTitle(plan.data ? `Account plan: ${plan.data.accountName}` : 'Account plan');
  const reload = async () => {
    await Promise.all([plan.reload(), history.reload()]);
  };

  if (plan.error) {
    return (
      <section aria-labelledby="plan-title">
        <h1 id="plan-title" tabIndex={-1}>
          {plan.error.status === 404 ? 'Account plan not found' : 'Account plan'}
        </h1>
        <ErrorState error={plan.error} retry={plan.reload} />
        <p>
          <a href="/accounts">Back to the accounts</a>
        </p>
      </section>
    );
  }
  if (!plan.data) {
    return (
      <section aria-labelledby="plan-title">
        <h1 id="plan-title" tabIndex={-1}>
          Account plan
        </h1>
        <Loading what="Loading the plan…" />
      </section>
    );
  }
  const p = plan.data;
  const editable = canEdit();
  return (
    <article class="account-plan" aria-labelledby="plan-title">
      <p class="breadcrumb no-print">
        <a href="/accounts">Accounts</a> <span aria-hidden="true">›</span> <a href={`/accounts/${p.accountId}`}>{p.accountName}</a>
      </p>
      <div class="page-head">
        <h1 id="plan-title" tabIndex={-1}>
          Account plan: {p.accountName}
        </h1>
        <div class="plan-tools no-print">
          <a href={`/accounts/${p.accountId}/partnership`}>Partnership</a>
          <PrintButton />
        </div>
      </div>
      <p class="muted plan-updated">
        {p.updatedAt ? (
          <>
            Last changed {formatDateTime(p.updatedAt)}
            {p.updatedBy && <> by {p.updatedBy.name}</>}.
          </>
        ) : editable ? (
          'No plan yet: fill in any part below and the plan is created.'
        ) : (
          'No plan yet for this account.'
        )}
      </p>
      <Profile plan={p} editable={editable} onSaved={reload} />
      <Intelligence plan={p} editable={editable} onSaved={reload} />
      <Intentions plan={p} editable={editable} onSaved={reload} />
      <Implementation plan={p} editable={editable} onSaved={reload} />
      <Team plan={p} editable={editable} onSaved={reload} />
      <SharedWithCustomer plan={p} editable={editable} onSaved={reload} />
      <History history={history} />
    </article>
  );
}

// ---------------------------------------------------------------------------------------------- editing a section

interface SectionProps {
  plan: AccountPlan;
  editable: boolean;
  /** Reloads the plan; settles once the saved values are on screen. */
  onSaved: () => Promise<void>;
}

/** A plan section with its Edit button, the form while editing, and a live "saved" message. */
function useSectionEditor(plan: AccountPlan, section: 'profile' | 'intelligence' | 'intentions', onSaved: () => Promise<void>) {
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);
  const save = async (fields: Record<string, unknown>, toForm: (errors: Errors) => Errors = (e) => e) => {
    const body = { [section]: fields };
    const checked = UpdateAccountPlan.safeParse(body);
    if (!checked.success) {
      setErrors(toForm(stripSection(zodErrors(checked.error.issues), section)));
      return;
    }
    setSaving(true);
    const res = await api.patch<AccountPlan>(`/api/accounts/${plan.accountId}/plan`, checked.data);
    if (!res.ok) {
      setSaving(false);
      const byField = stripSection(issuesByField(res.error), section);
      setErrors(toForm(Object.keys(byField).length ? byField : { _form: res.error.message }));
      return;
    }
    // Announced once the saved values are on screen.
    await onSaved();
    setSaving(false);
    setErrors({});
    setEditing(false);
    setMessage(`${humanize(section)} saved.`);
  };
  const start = () => {
    setErrors({});
    setMessage('');
    setEditing(true);
  };
  return { editing, errors, message, saving, save, start, cancel: () => setEditing(false) };
}

function SectionHead({ id, title, editable, editing, onEdit }: { id: string; title: string; editable: boolean; editing: boolean; onEdit: () => void }) {
  return (
    <div class="section-head">
      <h2 id={id}>{title}</h2>
      {editable && !editing && (
        <button type="button" class="secondary no-print" onClick={onEdit} aria-label={`Edit ${title.toLowerCase()}`}>
          Edit
        </button>
      )}
    </div>
  );
}

function FormButtons({ saving, label, onCancel }: { saving: boolean; label: string; onCancel: () => void }) {
  return (
    <div class="actions">
      <button type="submit" disabled={saving}>
        {saving ? 'Saving…' : label}
      </button>
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

function FormError({ errors }: { errors: Errors }) {
  return errors._form ? (
    <p class="field-error" role="alert">
      {errors._form}
    </p>
  ) : null;
}

function TextArea({ id, label, value, error, hint, onInput }: { id: string; label: string; value: string; error?: string; hint?: string; onInput: (v: string) => void }) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <textarea
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </Field>
  );
}

function TextInput({ id, label, value, error, hint, type = 'text', onInput }: { id: string; label: string; value: string; error?: string; hint?: string; type?: string; onInput: (v: string) => void }) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        type={type}
        inputMode={type === 'number' ? 'decimal' : undefined}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </Field>
  );
}

const PlanText = ({ value }: { value: string | null }) => (value ? <p class="plan-text">{value}</p> : <p class="muted">Not filled in yet.</p>);

// ---------------------------------------------------------------------------------------------- profile

function Profile({ plan, editable, onSaved }: SectionProps) {
  const ed = useSectionEditor(plan, 'profile', onSaved);
  const [form, setForm] = useState({ strategicInitiatives: '', contractTerms: '' });
  const pr = plan.profile;
  const start = () => {
    setForm({ strategicInitiatives: pr.strategicInitiatives ?? '', contractTerms: pr.contractTerms ?? '' });
    ed.start();
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void ed.save({ strategicInitiatives: form.strategicInitiatives.trim() || null, contractTerms: form.contractTerms.trim() || null });
  };
  const days = pr.renewalDate ? daysUntil(pr.renewalDate) : null;
  return (
    <section class="plan-section" aria-labelledby="profile-title">
      <SectionHead id="profile-title" title="Profile" editable={editable} editing={ed.editing} onEdit={start} />
      <p role="status" class="saved">
        {ed.message}
      </p>
      {ed.editing ? (
        <form onSubmit={submit} noValidate aria-label="Edit profile">
          <FormError errors={ed.errors} />
          <TextArea id="plan-initiatives" label="Their strategic initiatives" value={form.strategicInitiatives} error={ed.errors.strategicInitiatives} onInput={(v) => setForm({ ...form, strategicInitiatives: v })} />
          <TextArea id="plan-contract" label="Contract terms" value={form.contractTerms} error={ed.errors.contractTerms} onInput={(v) => setForm({ ...form, contractTerms: v })} />
          <FormButtons saving={ed.saving} label="Save profile" onCancel={ed.cancel} />
        </form>
      ) : (
        <div class="plan-grid">
          <div>
            <h3>Their strategic initiatives</h3>
            <PlanText value={pr.strategicInitiatives} />
          </div>
          <div>
            <h3>Contract terms</h3>
            <PlanText value={pr.contractTerms} />
            <h3>Renewal</h3>
            <p>
              {pr.renewalDate ? (
                <>
                  {formatDate(pr.renewalDate)}{' '}
                  <span class={days! < 0 ? 'overdue' : days! <= 120 ? 'renewal-soon' : 'muted'}>({relativeDays(pr.renewalDate)})</span>
                </>
              ) : (
                <span class="muted">No renewal date — set it on the account page.</span>
              )}
            </p>
          </div>
        </div>
      )}
      <ValueTrend points={pr.valueTrend} />
      {editable && <QuarterValueForm accountId={plan.accountId} onSaved={onSaved} />}
    </section>
  );
}

const VW = 640;
const VH = 200;
const VPAD = { left: 8, right: 8, top: 10, bottom: 28 };

/** Revenue and gross profit per quarter: paired bars (lean SVG) and the same numbers as a table. */
function ValueTrend({ points }: { points: AccountPlan['profile']['valueTrend'] }) {
  if (!points.length) {
    return (
      <>
        <h3>Revenue and profit</h3>
        <p class="muted">No quarterly values yet — they come from the account value analysis.</p>
      </>
    );
  }
  const max = Math.max(1, ...points.map((p) => Math.max(p.revenue, p.grossProfit)));
  const min = Math.min(0, ...points.map((p) => Math.min(p.grossProfit, p.contribution)));
  const slot = (VW - VPAD.left - VPAD.right) / points.length;
  const bar = Math.min(28, slot / 3);
  const y = (v: number) => VPAD.top + ((max - v) * (VH - VPAD.top - VPAD.bottom)) / (max - min);
  const zero = y(0);
  return (
    <figure class="chart value-chart">
      <figcaption>
        <h3>Revenue and profit by quarter</h3>
        <span class="legend" aria-hidden="true">
          <span class="key key-revenue" /> Revenue <span class="key key-profit" /> Gross profit
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${VW} ${VH}`} role="img" aria-label="Revenue and gross profit by quarter; the numbers are in the table below" focusable="false">
        <line class="axis-zero" x1={VPAD.left} x2={VW - VPAD.right} y1={zero} y2={zero} />
        {points.map((p, i) => {
          const cx = VPAD.left + slot * i + slot / 2;
          const top = (v: number) => Math.min(y(v), zero);
          const height = (v: number) => Math.max(1, Math.abs(zero - y(v)));
          return (
            <g key={p.quarter}>
              <rect class="bar-revenue" x={cx - bar} y={top(p.revenue)} width={bar} height={height(p.revenue)} />
              <rect class="bar-profit" x={cx} y={top(p.grossProfit)} width={bar} height={height(p.grossProfit)} />
              <text class="tick" x={cx} y={VH - 8} text-anchor="middle">
                {p.quarter}
              </text>
            </g>
          );
        })}
      </svg>
      <div class="table-wrap">
        <table class="data value-table">
          <caption class="visually-hidden">Revenue, gross profit and contribution by quarter</caption>
          <thead>
            <tr>
              <th scope="col">Quarter</th>
              <th scope="col" class="num">
                Revenue
              </th>
              <th scope="col" class="num">
                Gross profit
              </th>
              <th scope="col" class="num">
                Contribution
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.quarter}>
                <th scope="row">{p.quarter}</th>
                <td class="num">{formatMoney(p.revenue)}</td>
                <td class="num">{formatMoney(p.grossProfit)}</td>
                <td class={`num${p.contribution < 0 ? ' overdue' : ''}`}>
                  {formatMoney(p.contribution)}
                  {p.contribution < 0 && ' (negative)'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

// ---------------------------------------------------------------------------------------------- intelligence

const SWOT = [
  ['strengths', 'Strengths'],
  ['weaknesses', 'Weaknesses'],
  ['opportunities', 'Opportunities'],
  ['threats', 'Threats'],
] as const;

type CompetitorForm = { name: string; shareOfSpend: string; notes: string };

function Intelligence({ plan, editable, onSaved }: SectionProps) {
  const ed = useSectionEditor(plan, 'intelligence', onSaved);
  const intel = plan.intelligence;
  const [form, setForm] = useState<{ swot: Record<string, string>; competitors: CompetitorForm[]; share: string }>({ swot: {}, competitors: [], share: '' });
  const start = () => {
    setForm({
      swot: Object.fromEntries(SWOT.map(([k]) => [k, intel[k].join('\n')])),
      competitors: intel.competitors.map((c) => ({ name: c.name, shareOfSpend: c.shareOfSpend == null ? '' : String(c.shareOfSpend), notes: c.notes ?? '' })),
      share: intel.ourShareOfSpend == null ? '' : String(intel.ourShareOfSpend),
    });
    ed.start();
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void ed.save({
      ...Object.fromEntries(SWOT.map(([k]) => [k, lines(form.swot[k] ?? '')])),
      competitors: form.competitors
        .filter((c) => c.name.trim() || c.shareOfSpend.trim() || c.notes.trim())
        .map((c) => {
          // Empty parts are left out rather than sent as null, so an unchanged list is not recorded as a change.
          const share = numberOrText(c.shareOfSpend);
          return { name: c.name.trim(), ...(share !== null && { shareOfSpend: share }), ...(c.notes.trim() && { notes: c.notes.trim() }) };
        }),
      ourShareOfSpend: numberOrText(form.share),
    });
  };
  const setCompetitor = (i: number, patch: Partial<CompetitorForm>) =>
    setForm({ ...form, competitors: form.competitors.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <section class="plan-section" aria-labelledby="intelligence-title">
      <SectionHead id="intelligence-title" title="Intelligence" editable={editable} editing={ed.editing} onEdit={start} />
      <p role="status" class="saved">
        {ed.message}
      </p>
      {ed.editing ? (
        <form onSubmit={submit} noValidate aria-label="Edit intelligence">
          <FormError errors={ed.errors} />
          <div class="swot">
            {SWOT.map(([key, label]) => (
              <TextArea
                key={key}
                id={`plan-${key}`}
                label={label}
                hint="One per line"
                value={form.swot[key] ?? ''}
                error={errorFor(ed.errors, key)}
                onInput={(v) => setForm({ ...form, swot: { ...form.swot, [key]: v } })}
              />
            ))}
          </div>
          <fieldset>
            <legend>Competitors present</legend>
            {form.competitors.length === 0 && <p class="muted">None listed.</p>}
            {form.competitors.map((c, i) => (
              <div class="competitor-row" key={i}>
                <TextInput id={`plan-competitor-${i}-name`} label={`Competitor ${i + 1}`} value={c.name} error={ed.errors[`competitors.${i}.name`]} onInput={(v) => setCompetitor(i, { name: v })} />
                <TextInput
                  id={`plan-competitor-${i}-share`}
                  label="Their share of spend (%)"
                  type="number"
                  value={c.shareOfSpend}
                  error={ed.errors[`competitors.${i}.shareOfSpend`]}
                  onInput={(v) => setCompetitor(i, { shareOfSpend: v })}
                />
                <TextInput id={`plan-competitor-${i}-notes`} label="Notes" value={c.notes} error={ed.errors[`competitors.${i}.notes`]} onInput={(v) => setCompetitor(i, { notes: v })} />
                <button type="button" class="secondary" onClick={() => setForm({ ...form, competitors: form.competitors.filter((_, j) => j !== i) })} aria-label={`Remove competitor ${i + 1}${c.name ? ` (${c.name})` : ''}`}>
                  Remove
                </button>
              </div>
            ))}
            {errorFor(ed.errors, 'competitors') && !Object.keys(ed.errors).some((k) => /^competitors\.\d+\./.test(k)) && (
              <p class="field-error" role="alert">
                {errorFor(ed.errors, 'competitors')}
              </p>
            )}
            <button type="button" class="secondary" onClick={() => setForm({ ...form, competitors: [...form.competitors, { name: '', shareOfSpend: '', notes: '' }] })}>
              Add a competitor
            </button>
          </fieldset>
          <TextInput id="plan-share" label="Our share of their spend (%)" type="number" hint="0–100" value={form.share} error={ed.errors.ourShareOfSpend} onInput={(v) => setForm({ ...form, share: v })} />
          <FormButtons saving={ed.saving} label="Save intelligence" onCancel={ed.cancel} />
        </form>
      ) : (
        <>
          <div class="swot">
            {SWOT.map(([key, label]) => (
              <div class={`swot-part swot-${key}`} key={key}>
                <h3>{label}</h3>
                {intel[key].length ? (
                  <ul>
                    {intel[key].map((item, i) => (
                      <li key={i}>{item}</li>
                    ))}
                  </ul>
                ) : (
                  <p class="muted">None listed.</p>
                )}
              </div>
            ))}
          </div>
          <div class="plan-grid">
            <div>
              <h3>Competitors present</h3>
              {intel.competitors.length ? (
                <ul class="competitors">
                  {intel.competitors.map((c, i) => (
                    <li key={i}>
                      <strong>{c.name}</strong>
                      {c.shareOfSpend != null && <> — {formatPercent(c.shareOfSpend / 100)} of their spend</>}
                      {c.notes && <span class="muted"> · {c.notes}</span>}
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="muted">None listed.</p>
              )}
            </div>
            <div>
              <h3>Our share of their spend</h3>
              <p class="stat">{intel.ourShareOfSpend == null ? '—' : formatPercent(intel.ourShareOfSpend / 100)}</p>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------- intentions

function Intentions({ plan, editable, onSaved }: SectionProps) {
  const ed = useSectionEditor(plan, 'intentions', onSaved);
  const it = plan.intentions;
  const [form, setForm] = useState({ year: '', salesExpected: '', valueToAdd: '', relationships: '' });
  const start = () => {
    setForm({
      year: String(it.year ?? new Date().getFullYear()),
      salesExpected: it.salesExpected == null ? '' : String(it.salesExpected / 100),
      valueToAdd: it.valueToAdd ?? '',
      relationships: it.relationships ?? '',
    });
    ed.start();
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const sales = numberOrText(form.salesExpected);
    void ed.save({
      year: numberOrText(form.year),
      salesExpected: typeof sales === 'number' ? Math.round(sales * 100) : sales,
      valueToAdd: form.valueToAdd.trim() || null,
      relationships: form.relationships.trim() || null,
    });
  };
  return (
    <section class="plan-section" aria-labelledby="intentions-title">
      <SectionHead id="intentions-title" title={it.year ? `Intentions for ${it.year}` : 'Intentions'} editable={editable} editing={ed.editing} onEdit={start} />
      <p role="status" class="saved">
        {ed.message}
      </p>
      {ed.editing ? (
        <form onSubmit={submit} noValidate aria-label="Edit intentions">
          <FormError errors={ed.errors} />
          <div class="form-grid">
            <TextInput id="plan-year" label="Year" type="number" value={form.year} error={ed.errors.year} onInput={(v) => setForm({ ...form, year: v })} />
            <TextInput id="plan-sales" label="Sales expected" type="number" hint="Whole currency units" value={form.salesExpected} error={ed.errors.salesExpected} onInput={(v) => setForm({ ...form, salesExpected: v })} />
          </div>
          <TextArea id="plan-value" label="Value to add" value={form.valueToAdd} error={ed.errors.valueToAdd} onInput={(v) => setForm({ ...form, valueToAdd: v })} />
          <TextArea id="plan-relationships" label="Relationships to build" value={form.relationships} error={ed.errors.relationships} onInput={(v) => setForm({ ...form, relationships: v })} />
          <FormButtons saving={ed.saving} label="Save intentions" onCancel={ed.cancel} />
        </form>
      ) : (
        <dl class="profile-list plan-goals">
          <div>
            <dt>Sales expected</dt>
            <dd class="num">{formatMoney(it.salesExpected)}</dd>
          </div>
          <div class="wide">
            <dt>Value to add</dt>
            <dd class="plan-text">{it.valueToAdd ?? '—'}</dd>
          </div>
          <div class="wide">
            <dt>Relationships to build</dt>
            <dd class="plan-text">{it.relationships ?? '—'}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------- people we can name

/** People the editor may pick: every active colleague (names and roles only), and the account team. */
function usePeople(plan: AccountPlan, editable: boolean) {
  const users = useApi<Page<Colleague>>(editable ? '/api/users/colleagues?pageSize=100' : null);
  return useMemo(() => {
    const all = new Map<string, Person & { assignable: boolean }>();
    for (const u of users.data?.data ?? []) all.set(u.id, { id: u.id, name: u.name, assignable: u.role === 'admin' || u.role === 'account_manager' });
    const me = currentUser.value;
    if (me) all.set(me.id, { id: me.id, name: me.name, assignable: me.role !== 'executive' });
    for (const t of plan.team) if (!all.has(t.userId)) all.set(t.userId, { id: t.userId, name: t.name, assignable: true });
    return [...all.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [users.data, plan.team]);
}

function PersonSelect({ id, label, value, people, error, onChange }: { id: string; label: string; value: string; people: Person[]; error?: string; onChange: (v: string) => void }) {
  return (
    <Field id={id} label={label} error={error}>
      <select id={id} value={value} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error)} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">Choose…</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
            {p.id === currentUser.value?.id ? ' (me)' : ''}
          </option>
        ))}
      </select>
    </Field>
  );
}

// ---------------------------------------------------------------------------------------------- implementation

function Implementation({ plan, editable, onSaved }: SectionProps) {
  const impl = plan.implementation;
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState('');
  return (
    <section class="plan-section" aria-labelledby="implementation-title">
      <div class="section-head">
        <h2 id="implementation-title">Implementation</h2>
        {editable && !adding && (
          <button
            type="button"
            class="secondary no-print"
            onClick={() => {
              setMessage('');
              setAdding(true);
            }}
          >
            Add an action
          </button>
        )}
      </div>
      <p role="status" class="saved">
        {message}
      </p>
      <p class="plan-progress">
        {impl.total ? (
          <>
            <strong>{formatNumber(impl.done)}</strong> of {plural(impl.total, 'action')} done
            {impl.doneShare !== null && <> ({formatPercent(impl.doneShare)} of those not dismissed)</>}
          </>
        ) : (
          <span class="muted">No actions yet. Each action is a task on its owner's task list.</span>
        )}
      </p>
      {impl.doneShare !== null && (
        <svg class="progress-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false">
          <rect class="progress-track" x="0" y="0" width="100" height="6" />
          <rect class="progress-done" x="0" y="0" width={Math.round(impl.doneShare * 100)} height="6" />
        </svg>
      )}
      {adding && (
        <AddAction
          plan={plan}
          onCancel={() => setAdding(false)}
          onAdded={(title) => {
            setAdding(false);
            setMessage(`Action added: “${title}” is now a task on its owner's task list.`);
            onSaved();
          }}
        />
      )}
      {impl.actions.length > 0 && (
        <div class="table-wrap">
          <table class="data plan-actions">
            <caption class="visually-hidden">Actions: who does what by when</caption>
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Who</th>
                <th scope="col">Due</th>
                <th scope="col">Status</th>
                <th scope="col">Goal</th>
              </tr>
            </thead>
            <tbody>
              {impl.actions.map((a) => (
                <tr key={a.id} class={a.overdue ? 'is-overdue' : undefined}>
                  <th scope="row">
                    <a href={`/tasks/${a.taskId}`}>{a.title}</a>
                    {a.resolution && <span class="risk-reason">{a.resolution}</span>}
                  </th>
                  <td>{a.assignee.name}</td>
                  <td>
                    {formatDate(a.dueAt)}
                    {a.status === 'open' || a.status === 'in_progress' ? (
                      <span class={a.overdue ? 'overdue due-words' : 'muted due-words'}>{a.overdue ? `overdue, due ${relativeDays(a.dueAt)}` : `due ${relativeDays(a.dueAt)}`}</span>
                    ) : null}
                  </td>
                  <td class={`status status-${a.status}`}>
                    {statusWords[a.status]}
                    {a.closedAt && <span class="muted due-words">{formatDate(a.closedAt)}</span>}
                  </td>
                  <td>{goalWords[a.goal]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AddAction({ plan, onCancel, onAdded }: { plan: AccountPlan; onCancel: () => void; onAdded: (title: string) => void }) {
  const people = usePeople(plan, true).filter((p) => p.assignable);
  const [form, setForm] = useState({ title: '', description: '', assigneeId: currentUser.value?.role === 'executive' ? '' : (currentUser.value?.id ?? ''), dueDate: '', goal: 'other', priority: 'normal' });
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = CreatePlanAction.safeParse({ ...form, description: form.description.trim() || undefined, assigneeId: form.assigneeId || undefined });
    if (!checked.success) {
      setErrors(zodErrors(checked.error.issues));
      return;
    }
    setSaving(true);
    const res = await api.post<PlanAction>(`/api/accounts/${plan.accountId}/plan/actions`, checked.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
      return;
    }
    onAdded(res.data.title);
  };
  return (
    <form class="card plan-form no-print" onSubmit={submit} noValidate aria-label="Add an action">
      <FormError errors={errors} />
      <TextInput id="action-title" label="What" value={form.title} error={errors.title} onInput={(v) => setForm({ ...form, title: v })} />
      <div class="form-grid">
        <PersonSelect id="action-assignee" label="Who" value={form.assigneeId} people={people} error={errors.assigneeId} onChange={(v) => setForm({ ...form, assigneeId: v })} />
        <TextInput id="action-due" label="By when" type="date" value={form.dueDate} error={errors.dueDate} onInput={(v) => setForm({ ...form, dueDate: v })} />
        <Field id="action-goal" label="Goal it serves" error={errors.goal}>
          <select id="action-goal" value={form.goal} aria-describedby={describedBy('action-goal', errors.goal)} onChange={(e) => setForm({ ...form, goal: e.currentTarget.value })}>
            {PlanGoal.options.map((g) => (
              <option key={g} value={g}>
                {goalWords[g]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="action-priority" label="Priority" error={errors.priority}>
          <select id="action-priority" value={form.priority} aria-describedby={describedBy('action-priority', errors.priority)} onChange={(e) => setForm({ ...form, priority: e.currentTarget.value })}>
            <option value="high">High</option>
            <option value="normal">Normal</option>
            <option value="low">Low</option>
          </select>
        </Field>
      </div>
      <TextArea id="action-description" label="Details (optional)" value={form.description} error={errors.description} onInput={(v) => setForm({ ...form, description: v })} />
      <FormButtons saving={saving} label="Add action" onCancel={onCancel} />
    </form>
  );
}

// ---------------------------------------------------------------------------------------------- team and counterparts

function Team({ plan, editable, onSaved }: SectionProps) {
  const [form, setForm] = useState<'team' | 'pair' | null>(null);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState('');
  const remove = async (path: string, what: string) => {
    setProblem('');
    const res = await api.delete(`/api/accounts/${plan.accountId}/plan/${path}`);
    if (!res.ok) {
      setProblem(res.error.message);
      return;
    }
    setMessage(`${what} removed.`);
    onSaved();
  };
  const done = (text: string) => {
    setForm(null);
    setMessage(text);
    onSaved();
  };
  return (
    <section class="plan-section" aria-labelledby="team-title">
      <h2 id="team-title">Account team and counterparts</h2>
      <p role="status" class="saved">
        {message}
      </p>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      <div class="plan-grid">
        <div>
          <div class="section-head">
            <h3>Our account team</h3>
            {editable && form !== 'team' && (
              <button type="button" class="secondary no-print" onClick={() => setForm('team')}>
                Add to the team
              </button>
            )}
          </div>
          {form === 'team' && <AddTeamMember plan={plan} onCancel={() => setForm(null)} onAdded={(name) => done(`${name} added to the account team.`)} />}
          {plan.team.length ? (
            <ul class="plan-people">
              {plan.team.map((t) => (
                <li key={t.id}>
                  <span>
                    <strong>{t.name}</strong> — {t.teamRole}
                  </span>
                  {editable && (
                    <button type="button" class="link-button no-print" onClick={() => remove(`team/${t.id}`, t.name)} aria-label={`Remove ${t.name} from the team`}>
                      Remove
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">Nobody on the team yet.</p>
          )}
        </div>
        <div>
          <div class="section-head">
            <h3>Counterpart pairs</h3>
            {editable && form !== 'pair' && (
              <button type="button" class="secondary no-print" onClick={() => setForm('pair')}>
                Add a pair
              </button>
            )}
          </div>
          {form === 'pair' && <AddPair plan={plan} onCancel={() => setForm(null)} onAdded={(fn) => done(`Pair added for ${fn}.`)} />}
          {plan.counterparts.length ? (
            <ul class="plan-people">
              {plan.counterparts.map((c) => (
                <li key={c.id}>
                  <span>
                    <strong>{c.function}:</strong> {c.user.name} <span aria-hidden="true">↔</span>
                    <span class="visually-hidden">paired with</span> {c.contact.name}
                    {c.contact.title && <span class="muted">, {c.contact.title}</span>} <span class="muted">({humanize(c.contact.level)})</span>
                    {c.contact.deleted && <span class="overdue"> (contact removed)</span>}
                    {c.notes && <span class="risk-reason">{c.notes}</span>}
                  </span>
                  {editable && (
                    <button type="button" class="link-button no-print" onClick={() => remove(`counterparts/${c.id}`, `The ${c.function} pair`)} aria-label={`Remove the ${c.function} pair ${c.user.name} and ${c.contact.name}`}>
                      Remove
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">No counterpart pairs yet (our finance ↔ their finance, and so on).</p>
          )}
        </div>
      </div>
    </section>
  );
}

function AddTeamMember({ plan, onCancel, onAdded }: { plan: AccountPlan; onCancel: () => void; onAdded: (name: string) => void }) {
  const people = usePeople(plan, true).filter((p) => !plan.team.some((t) => t.userId === p.id));
  const [form, setForm] = useState({ userId: '', teamRole: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = CreateTeamMember.safeParse({ userId: form.userId || undefined, teamRole: form.teamRole });
    if (!checked.success) return setErrors(zodErrors(checked.error.issues));
    setSaving(true);
    const res = await api.post<{ name: string }>(`/api/accounts/${plan.accountId}/plan/team`, checked.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
    }
    onAdded(res.data.name);
  };
  return (
    <form class="card plan-form no-print" onSubmit={submit} noValidate aria-label="Add to the account team">
      <FormError errors={errors} />
      <PersonSelect id="team-user" label="Person" value={form.userId} people={people} error={errors.userId} onChange={(v) => setForm({ ...form, userId: v })} />
      <TextInput id="team-role" label="Role on the account" hint="e.g. Executive sponsor, Service lead" value={form.teamRole} error={errors.teamRole} onInput={(v) => setForm({ ...form, teamRole: v })} />
      <FormButtons saving={saving} label="Add to the team" onCancel={onCancel} />
    </form>
  );
}

function AddPair({ plan, onCancel, onAdded }: { plan: AccountPlan; onCancel: () => void; onAdded: (fn: string) => void }) {
  const people = usePeople(plan, true);
  const contacts = useApi<Page<Contact>>(`/api/accounts/${plan.accountId}/contacts?pageSize=100`);
  const [form, setForm] = useState({ userId: '', contactId: '', function: '', notes: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = CreateCounterpartPair.safeParse({ userId: form.userId || undefined, contactId: form.contactId || undefined, function: form.function, notes: form.notes.trim() || undefined });
    if (!checked.success) return setErrors(zodErrors(checked.error.issues));
    setSaving(true);
    const res = await api.post(`/api/accounts/${plan.accountId}/plan/counterparts`, checked.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
    }
    onAdded(checked.data.function);
  };
  return (
    <form class="card plan-form no-print" onSubmit={submit} noValidate aria-label="Add a counterpart pair">
      <FormError errors={errors} />
      <TextInput id="pair-function" label="Function" hint="e.g. Finance, Operations" value={form.function} error={errors.function} onInput={(v) => setForm({ ...form, function: v })} />
      <PersonSelect id="pair-user" label="Our person" value={form.userId} people={people} error={errors.userId} onChange={(v) => setForm({ ...form, userId: v })} />
      <Field id="pair-contact" label="Their contact" error={errors.contactId}>
        <select id="pair-contact" value={form.contactId} aria-invalid={errors.contactId ? true : undefined} aria-describedby={describedBy('pair-contact', errors.contactId)} onChange={(e) => setForm({ ...form, contactId: e.currentTarget.value })}>
          <option value="">{contacts.loading ? 'Loading contacts…' : 'Choose…'}</option>
          {(contacts.data?.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.title ? `, ${c.title}` : ''}
            </option>
          ))}
        </select>
      </Field>
      <TextInput id="pair-notes" label="Notes (optional)" value={form.notes} error={errors.notes} onInput={(v) => setForm({ ...form, notes: v })} />
      <FormButtons saving={saving} label="Add the pair" onCancel={onCancel} />
    </form>
  );
}

// ---------------------------------------------------------------------------------------------- history

function History({ history }: { history: Resource<PlanHistory> }) {
  const [all, setAll] = useState(false);
  const rows = history.data?.data ?? [];
  const shown = all ? rows : rows.slice(0, 10);
  return (
    <section class="plan-section plan-history" aria-labelledby="history-title">
      <h2 id="history-title">History of changes</h2>
      {history.error ? (
        <ErrorState error={history.error} retry={history.reload} />
      ) : !history.data ? (
        <Loading what="Loading the history…" />
      ) : rows.length === 0 ? (
        <Empty>
          <p>No changes yet.</p>
        </Empty>
      ) : (
        <>
          <ol class="history-list">
            {shown.map((h) => (
              <li key={h.id}>
                <span class="muted">
                  <time dateTime={h.changedAt}>{formatDateTime(h.changedAt)}</time> · {h.changedBy?.name ?? 'Someone'}
                </span>
                <span>{h.summary}</span>
              </li>
            ))}
          </ol>
          {rows.length > 10 && (
            <button type="button" class="secondary no-print" onClick={() => setAll(!all)} aria-expanded={all}>
              {all ? 'Show the latest 10' : `Show all ${formatNumber(rows.length)} changes`}
            </button>
          )}
        </>
      )}
    </section>
  );
}
