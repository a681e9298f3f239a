import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, issuesByField, withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit, currentUser, isManager } from '../session.js';
import { daysUntil, formatChangeReason, formatDate, formatDateTime, formatMoney, formatNps, formatNpsMargin, formatNumber, formatPercent, humanize, plural, relativeDays } from '../format.js';
import { NpsFigure } from '../components/nps-figure.js';
import { NpsLevels } from '../components/nps-levels.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { Pagination } from '../components/pagination.js';
import { RiskBadge } from '../components/risk-badge.js';
import { TrendChart } from '../components/trend-chart.js';
import { CsvLink, PrintButton } from '../components/csv-link.js';
import { CsvImportControls } from '../components/import-result.js';
import { ContactPersonalData } from '../components/contact-personal-data.js';
import { FreshnessMark, TouchpointHistory, TouchpointQuickAdd, touchpointsChanged } from '../components/touchpoints.js';
import { TeamVoice } from '../components/team-pulse.js';
import { EventPulses } from '../components/event-pulses.js';
import type { ContactFreshness, PeopleFreshness } from '../../../shared/schemas/touchpoint.js';
import { Stage, UpdateAccount, type Account, type AccountListItem } from '../../../shared/schemas/account.js';
import { BuyingRole, CreateContact, Level, UpdateContact, type Contact, type ContactImportResult } from '../../../shared/schemas/contact.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { AuditReport, NpsReport } from '../../../shared/schemas/report.js';
import type { SurveyResponse } from '../../../shared/schemas/response.js';
import type { Task } from '../../../shared/schemas/task.js';
import type { Campaign } from '../../../shared/schemas/campaign.js';
import type { User } from '../../../shared/schemas/user.js';

/**
 * One account: profile (edited inline), the people map with its gaps, contacts added, edited and imported from CSV,
 * the NPS trend, audit results, responses, open tasks and the campaigns that reached it. Another manager's account
 * answers 404 and reads "Not found"; executives see everything without edit controls.
 */

type Names = Map<string, string>;

export default function AccountPage({ id }: { id: string }) {
  const account = useApi<Account>(`/api/accounts/${id}`);
  usePageTitle(account.data?.name ?? 'Account');
  const staff = useApi<Page<User>>(isManager() ? null : '/api/users?pageSize=100');
  const names: Names = useMemo(() => {
    const map = new Map<string, string>();
    for (const u of staff.data?.data ?? []) map.set(u.id, u.name);
    if (currentUser.value) map.set(currentUser.value.id, currentUser.value.name);
    return map;
  }, [staff.data]);

  if (account.error) {
    return (
      <section aria-labelledby="account-title">
        <h1 id="account-title" tabIndex={-1}>
          {account.error.status === 404 ? 'Account not found' : 'Account'}
        </h1>
        <ErrorState error={account.error} retry={account.reload} />
        <p>
          <a href="/accounts">Back to the accounts</a>
        </p>
      </section>
    );
  }
  if (!account.data) {
    return (
      <section aria-labelledby="account-title">
        <h1 id="account-title" tabIndex={-1}>
          Account
        </h1>
        <Loading what="Loading the account…" />
      </section>
    );
  }
  const a = account.data;
  return (
    <article class="account-page" aria-labelledby="account-title">
      <div class="page-head">
        <h1 id="account-title" tabIndex={-1}>
          {a.name}
        </h1>
        <p class="muted">
          <a href="/accounts">All accounts</a> <PrintButton />
        </p>
      </div>
      <p class="account-program-links no-print">
        <a href={`/accounts/${a.id}/plan`}>Account plan</a> · <a href={`/accounts/${a.id}/partnership`}>Partnership</a>
      </p>
      <Health id={a.id} name={a.name} />
      <div class="account-layout">
        <SectionNav />
        <div class="account-sections">
          <Profile account={a} names={names} onSaved={account.reload} />
          <PeopleMap accountId={a.id} names={names} staff={staff.data?.data ?? null} />
          <TouchpointHistory accountId={a.id} staff={staff.data?.data ?? null} />
          <NpsTrend accountId={a.id} />
          <Audit accountId={a.id} />
          <TeamVoice accountId={a.id} keyAccount={a.stage === 'key_account'} />
          <EventPulses accountId={a.id} />
          <Responses accountId={a.id} />
          <Tasks accountId={a.id} />
          <Campaigns accountId={a.id} />
        </div>
      </div>
    </article>
  );
}

/** The page's sections, each a link to its heading: a menu beside the page on a wide screen, above it on a phone. */
const sections = [
  { id: 'profile-title', label: 'Profile' },
  { id: 'people-title', label: 'People map' },
  { id: 'touchpoints-title', label: 'Touchpoints' },
  { id: 'nps-title', label: 'NPS trend' },
  { id: 'audit-title', label: 'Audit' },
  { id: 'team-voice-title', label: 'What our team says' },
  { id: 'pulses-title', label: 'Pulses after events' },
  { id: 'responses-title', label: 'Responses' },
  { id: 'tasks-title', label: 'Open tasks' },
  { id: 'campaigns-title', label: 'Campaigns' },
];

function SectionNav() {
  return (
    <nav class="section-nav no-print" aria-label="Sections of this account">
      <ul>
        {sections.map((s) => (
          <li key={s.id}>
            <a href={`#${s.id}`}>{s.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Risk and latest NPS, from the accounts list (the same figures as the Monday Morning Report). */
function Health({ id, name }: { id: string; name: string }) {
  const list = useApi<Page<AccountListItem>>(withQuery('/api/accounts', { q: name, include: 'health', pageSize: 100, includeArchived: true }));
  const h = list.data?.data.find((a) => a.id === id)?.health;
  if (!h || !h.risk) return null;
  return (
    <div class="account-health card">
      <p>
        <RiskBadge level={h.risk} />{' '}
        {h.nps !== null && (
          <span>
            Latest NPS{' '}
            <NpsFigure
              figure={{ nps: h.nps, margin: h.npsMargin, responses: h.npsResponses, asked: h.npsAsked, everyoneAnswered: h.npsEveryoneAnswered }}
              period={h.npsPeriod}
            />{' '}
            ({h.npsPeriod})
          </span>
        )}
      </p>
      {h.riskReasons.length > 0 && (
        <ul class="reasons">
          {h.riskReasons.map((r) => (
            <li key={r.code}>{r.text}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------- profile

type ProfileForm = Record<'name' | 'industry' | 'domain' | 'stage' | 'annualRevenue' | 'grossProfit' | 'costToServe' | 'contractStart' | 'renewalDate' | 'serviceNotes', string>;

const moneyText = (cents: number | null) => (cents === null ? '' : String(cents / 100));
/** Whole currency units typed → minor units stored; text that is not a number is passed on for zod to refuse. */
const moneyValue = (text: string): number | null | string => {
  const t = text.trim();
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * 100) : t;
};

function Profile({ account: a, names, onSaved }: { account: Account; names: Names; onSaved: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState<ProfileForm | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);

  const start = () => {
    setForm({
      name: a.name,
      industry: a.industry ?? '',
      domain: a.domain ?? '',
      stage: a.stage,
      annualRevenue: moneyText(a.annualRevenue),
      grossProfit: moneyText(a.grossProfit),
      costToServe: moneyText(a.costToServe),
      contractStart: a.contractStart ?? '',
      renewalDate: a.renewalDate ?? '',
      serviceNotes: a.serviceNotes ?? '',
    });
    setErrors({});
    setMessage('');
    setEditing(true);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!form) return;
    const values: Record<string, unknown> = {
      name: form.name,
      industry: form.industry.trim() || null,
      domain: form.domain.trim() || null,
      stage: form.stage,
      annualRevenue: moneyValue(form.annualRevenue),
      grossProfit: moneyValue(form.grossProfit),
      costToServe: moneyValue(form.costToServe),
      contractStart: form.contractStart || null,
      renewalDate: form.renewalDate || null,
      serviceNotes: form.serviceNotes.trim() ? form.serviceNotes : null,
    };
    // Only what changed is sent.
    const changes = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== (a as Record<string, unknown>)[k]));
    if (!Object.keys(changes).length) {
      setEditing(false);
      return;
    }
    const checked = UpdateAccount.safeParse(changes);
    if (!checked.success) {
      setErrors(zodErrors(checked.error.issues));
      return;
    }
    setSaving(true);
    const res = await api.patch<Account>(`/api/accounts/${a.id}`, checked.data);
    if (!res.ok) {
      setSaving(false);
      const byField = issuesByField(res.error);
      setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
      return;
    }
    // Announced once the saved values are on screen.
    await onSaved();
    setSaving(false);
    setEditing(false);
    setMessage('Profile saved.');
  };

  const field = (key: keyof ProfileForm, label: string, type = 'text', hint?: string) => (
    <Field id={`profile-${key}`} label={label} error={errors[key]} hint={hint}>
      <input
        id={`profile-${key}`}
        type={type}
        inputMode={type === 'number' ? 'decimal' : undefined}
        step={type === 'number' ? 'any' : undefined}
        value={form![key]}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={describedBy(`profile-${key}`, errors[key], hint)}
        onInput={(e) => setForm({ ...form!, [key]: e.currentTarget.value })}
      />
    </Field>
  );

  const days = a.renewalDate ? daysUntil(a.renewalDate) : null;
  return (
    <section class="account-profile" aria-labelledby="profile-title">
      <div class="section-head">
        <h2 id="profile-title">Profile</h2>
        {canEdit() && !editing && (
          <button type="button" class="secondary" onClick={start}>
            Edit profile
          </button>
        )}
      </div>
      <p role="status" class="saved">
        {message}
      </p>
      {editing && form ? (
        <form onSubmit={save} noValidate aria-label="Edit profile">
          {errors._form && (
            <p class="field-error" role="alert">
              {errors._form}
            </p>
          )}
          <div class="form-grid">
            {field('name', 'Name')}
            {field('industry', 'Industry')}
            {field('domain', 'Web domain')}
            <Field id="profile-stage" label="Stage" error={errors.stage}>
              <select id="profile-stage" value={form.stage} aria-describedby={describedBy('profile-stage', errors.stage)} onChange={(e) => setForm({ ...form, stage: e.currentTarget.value })}>
                {Stage.options.map((s) => (
                  <option key={s} value={s}>
                    {humanize(s)}
                  </option>
                ))}
              </select>
            </Field>
            {field('annualRevenue', 'Annual revenue', 'number', 'Whole currency units')}
            {field('grossProfit', 'Gross profit', 'number', 'Whole currency units')}
            {field('costToServe', 'Cost to serve', 'number', 'Whole currency units')}
            {field('contractStart', 'Contract start', 'date')}
            {field('renewalDate', 'Renewal date', 'date')}
          </div>
          <Field id="profile-serviceNotes" label="Service notes" error={errors.serviceNotes}>
            <textarea
              id="profile-serviceNotes"
              value={form.serviceNotes}
              aria-describedby={describedBy('profile-serviceNotes', errors.serviceNotes)}
              onInput={(e) => setForm({ ...form, serviceNotes: e.currentTarget.value })}
            />
          </Field>
          <div class="actions">
            <button type="submit" disabled={saving}>
              {saving ? 'Saving…' : 'Save profile'}
            </button>
            <button type="button" class="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <dl class="profile-list">
          <div>
            <dt>Stage</dt>
            <dd>{humanize(a.stage)}</dd>
          </div>
          <div>
            <dt>Industry</dt>
            <dd>{a.industry ?? '—'}</dd>
          </div>
          <div>
            <dt>Web domain</dt>
            <dd>{a.domain ?? '—'}</dd>
          </div>
          <div>
            <dt>Owner</dt>
            <dd>{names.get(a.ownerId) ?? '—'}</dd>
          </div>
          <div>
            <dt>Annual revenue</dt>
            <dd class="num">{formatMoney(a.annualRevenue)}</dd>
          </div>
          <div>
            <dt>Gross profit</dt>
            <dd class="num">{formatMoney(a.grossProfit)}</dd>
          </div>
          <div>
            <dt>Cost to serve</dt>
            <dd class="num">{formatMoney(a.costToServe)}</dd>
          </div>
          <div>
            <dt>Contract start</dt>
            <dd>{formatDate(a.contractStart)}</dd>
          </div>
          <div>
            <dt>Renewal date</dt>
            <dd>
              <span class="renewal-date">{formatDate(a.renewalDate)}</span>
              {a.renewalDate && <span class={days! < 0 ? 'overdue' : days! <= 120 ? 'renewal-soon' : 'muted'}> ({relativeDays(a.renewalDate)})</span>}
            </dd>
          </div>
          <div class="wide">
            <dt>Service notes</dt>
            <dd class="notes">{a.serviceNotes ?? '—'}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------- people map

const LEVEL_HELP: Record<string, string> = {
  instigator: 'set the direction and sign off',
  influencer: 'shape the decision',
  implementer: 'use what we deliver every day',
};

function PeopleMap({ accountId, names, staff }: { accountId: string; names: Names; staff: User[] | null }) {
  const contacts = useApi<Page<Contact>>(`/api/accounts/${accountId}/contacts?pageSize=100`);
  // The latest answer of each person, from the account's latest responses (newest first).
  const recent = useApi<Page<SurveyResponse>>(withQuery('/api/responses', { accountId, pageSize: 100 }));
  const [adding, setAdding] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  // Touchpoints: each contact's last touch, who holds the relationship, and the freshness mark.
  const freshness = useApi<PeopleFreshness>(`/api/accounts/${accountId}/people-freshness`);
  // A touchpoint corrected or deleted in the list below changes the marks.
  const touchVersion = touchpointsChanged.value;
  useEffect(() => void (touchVersion && freshness.reload()), [touchVersion]);
  const [logging, setLogging] = useState(false);
  const touchOf = useMemo(() => new Map<string, ContactFreshness>((freshness.data?.contacts ?? []).map((f) => [f.contactId, f])), [freshness.data]);
  const lastAnswer = useMemo(() => {
    const map = new Map<string, SurveyResponse>();
    for (const r of recent.data?.data ?? []) if (r.npsScore !== null && !map.has(r.contactId)) map.set(r.contactId, r);
    return map;
  }, [recent.data]);

  const list = contacts.data?.data ?? [];
  const gaps = peopleGaps(list);
  const editable = canEdit();
  const done = (text: string) => {
    setAdding(false);
    setEditingId(null);
    setMessage(text);
    contacts.reload();
    freshness.reload();
  };

  return (
    <section class="people-map" aria-labelledby="people-title">
      <div class="section-head">
        <h2 id="people-title">People map</h2>
        {editable && !adding && (
          <button type="button" class="secondary" onClick={() => (setAdding(true), setMessage(''))}>
            Add a contact
          </button>
        )}
        {editable && !logging && (
          <button type="button" class="secondary" onClick={() => (setLogging(true), setMessage(''))}>
            Log a touchpoint
          </button>
        )}
      </div>
      <p role="status" class="saved">
        {message}
      </p>
      {adding && <ContactForm accountId={accountId} staff={staff} onDone={() => done('Contact added.')} onCancel={() => setAdding(false)} />}
      {logging && <TouchpointQuickAdd accountId={accountId} contacts={list} staff={staff} onDone={() => (setLogging(false), done('Touchpoint logged.'))} onCancel={() => setLogging(false)} />}
      {contacts.loading && !contacts.data && <Loading what="Loading the people…" />}
      {contacts.error && <ErrorState error={contacts.error} retry={contacts.reload} />}
      {contacts.data && (
        <>
          {gaps.length > 0 && (
            <div class="gaps" role="note" aria-label="Gaps in the people map">
              <h3>Gaps</h3>
              <ul>
                {gaps.map((g) => (
                  <li key={g}>
                    <span aria-hidden="true">⚠ </span>
                    {g}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {list.length === 0 && <Empty>No contacts yet — add the people you work with, or import them from a CSV file.</Empty>}
          {Level.options.map((level) => {
            const people = list.filter((c) => c.level === level);
            return (
              <div class="level-group" key={level}>
                <h3>
                  {humanize(level)}s <span class="muted small">— {LEVEL_HELP[level]}</span>
                </h3>
                {people.length === 0 ? (
                  <p class="muted">Nobody at this level.</p>
                ) : (
                  <div class="table-wrap">
                    <table class="data people">
                      <thead>
                        <tr>
                          <th scope="col">Person</th>
                          <th scope="col">Buying role</th>
                          <th scope="col">Relationship</th>
                          <th scope="col">Our counterpart</th>
                          <th scope="col">Last answer</th>
                          <th scope="col">Last touch</th>
                          {editable && (
                            <th scope="col">
                              <span class="visually-hidden">Actions</span>
                            </th>
                          )}
                        </tr>
                      </thead>
                      <tbody>
                        {people.map((c) =>
                          editingId === c.id ? (
                            <tr key={c.id}>
                              <td colSpan={editable ? 7 : 6}>
                                <ContactForm accountId={accountId} staff={staff} contact={c} onDone={() => done('Contact saved.')} onCancel={() => setEditingId(null)} />
                                <ContactPersonalData contact={c} onErased={() => done('Personal data erased: the contact is gone and their address will not be surveyed again.')} />
                              </td>
                            </tr>
                          ) : (
                            <ContactRow key={c.id} contact={c} names={names} last={lastAnswer.get(c.id)} touch={touchOf.get(c.id)} editable={editable} onEdit={() => (setEditingId(c.id), setMessage(''))} />
                          ),
                        )}
                      </tbody>
                    </table>
                  </div>
                )}
              </div>
            );
          })}
        </>
      )}
      {editable && <ContactImport accountId={accountId} onImported={contacts.reload} />}
    </section>
  );
}

/** What is missing from the map, in words. */
function peopleGaps(list: Contact[]): string[] {
  const active = list.filter((c) => !c.bounced);
  const gaps: string[] = [];
  if (!active.length) return ['No contacts: nobody at this account hears from us.'];
  if (!active.some((c) => c.level === 'instigator')) gaps.push('No instigator-level contact: nobody who sets the direction knows us.');
  if (!active.some((c) => c.buyingRole === 'decision_maker')) gaps.push('No decision maker on file.');
  if (!active.some((c) => c.level === 'influencer')) gaps.push('No influencer-level contact.');
  if (!active.some((c) => c.level === 'implementer')) gaps.push('No implementer-level contact.');
  const weak = active.filter((c) => c.relationshipStrength <= 2);
  if (weak.length) gaps.push(`Weak relationship${weak.length > 1 ? 's' : ''} (2 of 5 or less): ${weak.map((c) => c.name).join(', ')}.`);
  if (active.length === 1) gaps.push('Only one contact: if they leave, we lose the account.');
  return gaps;
}

function ContactRow({ contact: c, names, last, touch, editable, onEdit }: { contact: Contact; names: Names; last?: SurveyResponse; touch?: ContactFreshness; editable: boolean; onEdit: () => void }) {
  return (
    <tr>
      <th scope="row">
        {c.name}
        <div class="muted small">{[c.title, c.email].filter(Boolean).join(' · ')}</div>
        {(c.unsubscribed || c.bounced) && <span class="badge">{c.bounced ? 'Email bounced' : 'Unsubscribed'}</span>}
      </th>
      <td>{humanize(c.buyingRole)}</td>
      <td>
        <span class={c.relationshipStrength <= 2 ? 'weak' : undefined}>
          <span aria-hidden="true">{'●'.repeat(c.relationshipStrength)}{'○'.repeat(5 - c.relationshipStrength)}</span>{' '}
          {c.relationshipStrength} of 5{c.relationshipStrength <= 2 ? ' (weak)' : ''}
        </span>
      </td>
      <td>{c.counterpartId ? (names.get(c.counterpartId) ?? 'A colleague') : <span class="muted">None</span>}</td>
      <td>
        {last ? (
          <>
            <span class={`badge ${last.category ?? ''}`}>{last.npsScore}</span> <span class="small">{formatDate(last.completedAt ?? last.updatedAt)}</span>
          </>
        ) : (
          <span class="muted">No answer</span>
        )}
      </td>
      <td>
        <FreshnessMark touch={touch} />
      </td>
      {editable && (
        <td>
          <button type="button" class="secondary" onClick={onEdit} aria-label={`Edit ${c.name}`}>
            Edit
          </button>
        </td>
      )}
    </tr>
  );
}

type ContactFormState = Record<'name' | 'email' | 'title' | 'language' | 'level' | 'buyingRole' | 'relationshipStrength' | 'counterpartId', string>;

function ContactForm({ accountId, staff, contact, onDone, onCancel }: { accountId: string; staff: User[] | null; contact?: Contact; onDone: () => void; onCancel: () => void }) {
  const prefix = contact ? `contact-${contact.id.slice(0, 8)}` : 'new-contact';
  const [form, setForm] = useState<ContactFormState>({
    name: contact?.name ?? '',
    email: contact?.email ?? '',
    title: contact?.title ?? '',
    language: contact?.language ?? 'en',
    level: contact?.level ?? 'influencer',
    buyingRole: contact?.buyingRole ?? 'user',
    relationshipStrength: String(contact?.relationshipStrength ?? 3),
    counterpartId: contact?.counterpartId ?? '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const me = currentUser.value;
  const people = (staff ?? (me ? [{ id: me.id, name: me.name, role: me.role } as User] : [])).filter((u) => u.role !== 'executive' || u.id === form.counterpartId);
  if (contact?.counterpartId && !people.some((u) => u.id === contact.counterpartId)) people.push({ id: contact.counterpartId, name: 'A colleague', role: 'account_manager' } as User);

  const submit = async (e: Event) => {
    e.preventDefault();
    const values = {
      name: form.name,
      email: form.email,
      title: form.title.trim() || null,
      language: form.language,
      level: form.level,
      buyingRole: form.buyingRole,
      relationshipStrength: Number(form.relationshipStrength),
      counterpartId: form.counterpartId || null,
    };
    let body: unknown;
    if (contact) {
      const changes = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== (contact as Record<string, unknown>)[k]));
      if (!Object.keys(changes).length) return onCancel();
      const checked = UpdateContact.safeParse(changes);
      if (!checked.success) return setErrors(zodErrors(checked.error.issues));
      body = checked.data;
    } else {
      const checked = CreateContact.safeParse(values);
      if (!checked.success) return setErrors(zodErrors(checked.error.issues));
      body = checked.data;
    }
    setSaving(true);
    const res = contact ? await api.patch(`/api/contacts/${contact.id}`, body) : await api.post(`/api/accounts/${accountId}/contacts`, body);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      // A taken email is a conflict without issues: it belongs next to the email.
      if (res.error.status === 409) byField.email ??= res.error.message;
      return setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
    }
    onDone();
  };

  const input = (key: keyof ContactFormState, label: string, type = 'text', hint?: string) => (
    <Field id={`${prefix}-${key}`} label={label} error={errors[key]} hint={hint}>
      <input
        id={`${prefix}-${key}`}
        type={type}
        value={form[key]}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={describedBy(`${prefix}-${key}`, errors[key], hint)}
        onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
      />
    </Field>
  );
  const select = (key: keyof ContactFormState, label: string, options: { value: string; label: string }[]) => (
    <Field id={`${prefix}-${key}`} label={label} error={errors[key]}>
      <select id={`${prefix}-${key}`} value={form[key]} aria-describedby={describedBy(`${prefix}-${key}`, errors[key])} onChange={(e) => setForm({ ...form, [key]: e.currentTarget.value })}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <form class="contact-form card" onSubmit={submit} noValidate aria-label={contact ? `Edit ${contact.name}` : 'Add a contact'}>
      <fieldset>
        <legend>{contact ? `Edit ${contact.name}` : 'New contact'}</legend>
        {errors._form && (
          <p class="field-error" role="alert">
            {errors._form}
          </p>
        )}
        <div class="form-grid">
          {input('name', 'Name')}
          {input('email', 'Email', 'email')}
          {input('title', 'Job title')}
          {input('language', 'Language', 'text', 'e.g. en, fr, de, pt-BR')}
          {select('level', 'Level', Level.options.map((v) => ({ value: v, label: humanize(v) })))}
          {select('buyingRole', 'Buying role', BuyingRole.options.map((v) => ({ value: v, label: humanize(v) })))}
          {select('relationshipStrength', 'Relationship strength', [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n} of 5` })))}
          {select('counterpartId', 'Our counterpart', [{ value: '', label: 'None' }, ...people.map((u) => ({ value: u.id, label: u.name }))])}
        </div>
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : contact ? 'Save contact' : 'Add contact'}
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function ContactImport({ accountId, onImported }: { accountId: string; onImported: () => void }) {
  return (
    <section class="contact-import" aria-labelledby="import-title">
      <h3 id="import-title">Import contacts from CSV</h3>
      <p class="muted small">
        Columns: name, email, title, level, role, language. Existing emails are updated. Check the file first; nothing is written until you import.
      </p>
      <CsvImportControls<ContactImportResult['rows'][number]>
        id="import-file"
        url={`/api/accounts/${accountId}/contacts/import`}
        noun={['row', 'rows']}
        onImported={onImported}
        columns={[{ label: 'Email', value: (r) => r.email }]}
      />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------- reports

function NpsTrend({ accountId }: { accountId: string }) {
  const report = useApi<NpsReport>(withQuery('/api/reports/nps', { scope: `account:${accountId}`, groupBy: 'quarter', split: 'level' }));
  return (
    <section aria-labelledby="nps-title">
      <h2 id="nps-title">NPS trend</h2>
      <CsvLink path="/api/reports/nps" query={{ scope: `account:${accountId}`, groupBy: 'quarter' }} label="Download NPS CSV" />
      {report.loading && !report.data && <Loading what="Loading the NPS trend…" />}
      {report.error && <ErrorState error={report.error} retry={report.reload} />}
      {report.data &&
        (report.data.total.responses === 0 ? (
          <Empty>
            <p>
              No NPS answers yet{canEdit() ? <> — <a href="/campaigns/new">send a campaign</a></> : ''}.
            </p>
          </Empty>
        ) : (
          <>
            <TrendChart
              title={`NPS per quarter, with its ${Math.round(report.data.confidence * 100)}% margin of error`}
              points={report.data.periods.map((p) => ({ label: p.period, value: p.nps, margin: p.marginOfError, count: p.responses, everyoneAnswered: p.everyoneAnswered }))}
            />
            <div class="table-wrap">
              <table class="data nps-quarters">
                <caption class="visually-hidden">NPS per quarter with answers</caption>
                <thead>
                  <tr>
                    <th scope="col">Quarter</th>
                    <th scope="col" class="num">
                      NPS
                    </th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {report.data.periods
                    .filter((p) => p.responses > 0)
                    .reverse()
                    .map((p) => (
                      <tr key={p.period}>
                        <th scope="row">{p.period}</th>
                        <td class="num">
                          <NpsFigure
                            figure={{ nps: p.nps, margin: p.marginOfError, responses: p.responses, asked: p.asked, everyoneAnswered: p.everyoneAnswered }}
                            period={p.period}
                          />
                        </td>
                        <td>{p.change ? `${formatNps(p.change.change)} since ${p.change.since} — ${formatChangeReason(p.change.reason)}` : '—'}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
            <p class="small">
              Over the whole range: NPS {formatNps(report.data.total.nps)}
              {formatNpsMargin({ nps: report.data.total.nps, margin: report.data.total.marginOfError, responses: report.data.total.responses }) &&
                ` ${formatNpsMargin({ nps: report.data.total.nps, margin: report.data.total.marginOfError, responses: report.data.total.responses })}`}{' '}
              from {plural(report.data.total.responses, 'answer')}
              {report.data.total.responseRate !== null && `, response rate ${formatPercent(report.data.total.responseRate)}`}.
            </p>
          </>
        ))}
      {report.data && <NpsLevels report={report.data} periodName="quarter" />}
    </section>
  );
}

function Audit({ accountId }: { accountId: string }) {
  const report = useApi<AuditReport>(withQuery('/api/reports/audit', { accountId }));
  const waveName = (campaignId: string, wave: number) => {
    const w = report.data?.waves.find((x) => x.campaignId === campaignId && x.wave === wave);
    return w ? `${formatDate(w.sentAt)}` : `Wave ${wave}`;
  };
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Key-account audit</h2>
      <CsvLink path="/api/reports/audit" query={{ accountId }} label="Download audit CSV" />
      {report.loading && !report.data && <Loading what="Loading the audit…" />}
      {report.error && <ErrorState error={report.error} retry={report.reload} />}
      {report.data &&
        (report.data.waves.length === 0 ? (
          <Empty>
            <p>
              No audit yet{canEdit() ? <> — <a href="/campaigns/new">send the key-account audit</a></> : ''} (it also goes out by itself before a renewal).
            </p>
          </Empty>
        ) : (
          <div class="audit">
            {report.data.questions.filter(hasAnswers).map((q) => (
              <div class="audit-question" key={q.key}>
                <h3>{q.text}</h3>
                {q.kind === 'rating' && (
                  <div class="table-wrap">
                    <table class="data">
                      <thead>
                        <tr>
                          <th scope="col">Wave</th>
                          <th scope="col" class="num">Marks out of ten (mean)</th>
                          <th scope="col" class="num">Range</th>
                          <th scope="col" class="num">Answers</th>
                        </tr>
                      </thead>
                      <tbody>
                        {q.waves.map((w) => (
                          <tr key={`${w.campaignId}-${w.wave}`}>
                            <th scope="row">{waveName(w.campaignId, w.wave)}</th>
                            <td class="num">
                              <strong>{w.mean === null ? '—' : w.mean.toFixed(1)}</strong>
                              {w.mean !== null && <MarksBar value={w.mean} />}
                            </td>
                            <td class="num">{w.min === null ? '—' : `${w.min}–${w.max}`}</td>
                            <td class="num">{formatNumber(w.n)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                {(q.kind === 'choice' || q.kind === 'yes_no') && (
                  <div class="table-wrap">
                    <table class="data">
                      <thead>
                        <tr>
                          <th scope="col">Wave</th>
                          {q.waves[0]?.options.map((o) => (
                            <th scope="col" class="num" key={o.value}>
                              {o.label}
                            </th>
                          ))}
                          <th scope="col" class="num">Answers</th>
                        </tr>
                      </thead>
                      <tbody>
                        {q.waves.map((w) => (
                          <tr key={`${w.campaignId}-${w.wave}`}>
                            <th scope="row">{waveName(w.campaignId, w.wave)}</th>
                            {w.options.map((o) => (
                              <td class="num" key={o.value}>
                                {formatPercent(o.share)} <span class="muted small">({formatNumber(o.count)})</span>
                              </td>
                            ))}
                            <td class="num">{formatNumber(w.n)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                {q.kind === 'nps' && (
                  <ul class="plain">
                    {q.waves.map((w) => (
                      <li key={`${w.campaignId}-${w.wave}`}>
                        {waveName(w.campaignId, w.wave)}: NPS{' '}
                        <NpsFigure figure={{ nps: w.nps, margin: w.marginOfError, responses: w.responses, asked: w.asked, everyoneAnswered: w.everyoneAnswered }} />
                      </li>
                    ))}
                  </ul>
                )}
                {q.kind === 'text' &&
                  (q.latest.length === 0 ? (
                    <p class="muted">No words yet.</p>
                  ) : (
                    q.latest.map((t) => (
                      <figure class="quote" key={t.responseId}>
                        <blockquote>{t.text}</blockquote>
                        <figcaption class="muted small">
                          {t.contactName}, {humanize(t.contactLevel)} · {formatDate(t.answeredAt)}
                        </figcaption>
                      </figure>
                    ))
                  ))}
              </div>
            ))}
            <UnansweredQuestions questions={report.data.questions.filter((q) => !hasAnswers(q))} />
          </div>
        ))}
    </section>
  );
}

/** Whether anyone has answered an audit question in any wave. */
function hasAnswers(q: AuditReport['questions'][number]): boolean {
  switch (q.kind) {
    case 'text':
      return q.latest.length > 0;
    case 'nps':
      return q.waves.some((w) => w.responses > 0);
    default:
      return q.waves.some((w) => w.n > 0);
  }
}

/** Questions nobody has answered yet, folded away under one line instead of a page of empty tables. */
function UnansweredQuestions({ questions }: { questions: AuditReport['questions'] }) {
  if (questions.length === 0) return null;
  return (
    <details class="audit-unanswered">
      <summary>
        {plural(questions.length, 'question')} without answers yet
      </summary>
      <ul>
        {questions.map((q) => (
          <li key={q.key}>{q.text}</li>
        ))}
      </ul>
    </details>
  );
}

/** Marks out of ten as a small bar (SVG attributes, no inline styles: the CSP forbids them). */
function MarksBar({ value }: { value: number }) {
  return (
    <svg class={`marks-bar ${value <= 6 ? 'low' : ''}`} width="80" height="8" viewBox="0 0 100 8" aria-hidden="true">
      <rect class="track" x="0" y="0" width="100" height="8" rx="3" />
      <rect class="fill" x="0" y="0" width={Math.max(0, Math.min(100, value * 10))} height="8" rx="3" />
    </svg>
  );
}

// ---------------------------------------------------------------------------------------------- lists

/** The person's own words in a response: every text answer, and the "other" text of a choice. */
function wordsOf(r: SurveyResponse): string[] {
  const out: string[] = [];
  for (const value of Object.values(r.answers)) {
    if (typeof value === 'string' && value.trim()) out.push(value);
    else if (value && typeof value === 'object' && 'other' in value && value.other?.trim()) out.push(value.other);
  }
  return out;
}

function Responses({ accountId }: { accountId: string }) {
  const [page, setPage] = useState(1);
  const list = useApi<Page<SurveyResponse>>(withQuery('/api/responses', { accountId, page, pageSize: 10 }));
  return (
    <section aria-labelledby="responses-title">
      <h2 id="responses-title">Responses</h2>
      {list.loading && !list.data && <Loading what="Loading the responses…" />}
      {list.error && <ErrorState error={list.error} retry={list.reload} />}
      {list.data && list.data.total === 0 && (
        <Empty>
          <p>
            No responses yet{canEdit() ? <> — <a href="/campaigns/new">send a campaign</a></> : ''}.
          </p>
        </Empty>
      )}
      {list.data && list.data.total > 0 && (
        <>
          <ul class="responses">
            {list.data.data.map((r) => {
              const words = wordsOf(r);
              return (
                <li key={r.id} class="response">
                  <div class="response-head">
                    {r.npsScore !== null ? (
                      <span class={`badge ${r.category ?? ''}`}>
                        {r.npsScore} · {humanize(r.category)}
                      </span>
                    ) : typeof r.answers.pulse_rating === 'number' ? (
                      <span class="badge">Pulse · {r.answers.pulse_rating}/10</span>
                    ) : (
                      <span class="badge">Audit</span>
                    )}{' '}
                    <strong>{r.contactName}</strong> <span class="muted small">{formatDateTime(r.completedAt ?? r.updatedAt)}</span>
                    {!r.completedAt && <span class="muted small"> (not finished)</span>}
                    {r.importedFrom === 'delighted' && <span class="muted small"> · Imported from Delighted</span>}
                  </div>
                  {words.map((w, i) => (
                    <blockquote key={i}>{w}</blockquote>
                  ))}
                </li>
              );
            })}
          </ul>
          <Pagination page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} noun="responses" onPage={setPage} />
        </>
      )}
    </section>
  );
}

function Tasks({ accountId }: { accountId: string }) {
  const list = useApi<Page<Task>>(withQuery('/api/tasks', { accountId, status: 'open,in_progress', pageSize: 50 }));
  return (
    <section aria-labelledby="tasks-title">
      <h2 id="tasks-title">Open tasks</h2>
      {list.loading && !list.data && <Loading what="Loading the tasks…" />}
      {list.error && <ErrorState error={list.error} retry={list.reload} />}
      {list.data && list.data.total === 0 && <Empty>No open tasks for this account.</Empty>}
      {list.data && list.data.total > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Priority</th>
                <th scope="col">Status</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    <a href={`/tasks/${t.id}`}>{t.title}</a>
                  </th>
                  <td>{humanize(t.priority)}</td>
                  <td>{humanize(t.status)}</td>
                  <td class={t.overdue ? 'overdue' : undefined}>
                    {formatDate(t.dueAt)}
                    {t.overdue && ' (overdue)'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.total > list.data.data.length && (
            <p>
              <a href={withQuery('/tasks', { accountId })}>All {formatNumber(list.data.total)} open tasks</a>
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function Campaigns({ accountId }: { accountId: string }) {
  const [page, setPage] = useState(1);
  const list = useApi<Page<Campaign>>(withQuery('/api/campaigns', { accountId, page, pageSize: 10 }));
  return (
    <section aria-labelledby="campaigns-title">
      <h2 id="campaigns-title">Campaigns</h2>
      {list.loading && !list.data && <Loading what="Loading the campaigns…" />}
      {list.error && <ErrorState error={list.error} retry={list.reload} />}
      {list.data && list.data.total === 0 && (
        <Empty>
          {isManager() ? (
            <p>
              None of your campaigns has reached this account yet — <a href="/campaigns/new">send one</a>. (Campaigns an admin sent across
              the whole portfolio are listed for admins and executives.)
            </p>
          ) : (
            <p>
              No campaign has reached this account yet{canEdit() ? <> — <a href="/campaigns/new">send one</a></> : ''}.
            </p>
          )}
        </Empty>
      )}
      {list.data && list.data.total > 0 && (
        <>
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Campaign</th>
                  <th scope="col">Status</th>
                  <th scope="col">Sent</th>
                  <th scope="col" class="num">Responded (whole campaign)</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <a href={`/campaigns/${c.id}`}>{c.name}</a>
                    </th>
                    <td>{humanize(c.status)}</td>
                    <td>{formatDate(c.sendAt)}</td>
                    <td class="num">
                      {formatNumber(c.counts.responded)}
                      {c.counts.responseRate !== null && <span class="muted small"> ({formatPercent(c.counts.responseRate)})</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} noun="campaigns" onPage={setPage} />
        </>
      )}
    </section>
  );
}
