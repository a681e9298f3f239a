import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, issuesByField, type ApiProblem } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit } from '../session.js';
import { formatDateTime, formatNumber, humanize, plural } from '../format.js';
import { ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { CreateCampaign, Repeat, type CampaignPreview, type Campaign } from '../../../shared/schemas/campaign.js';
import { BuyingRole, Level } from '../../../shared/schemas/contact.js';
import type { AccountListItem } from '../../../shared/schemas/account.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Survey } from '../../../shared/schemas/survey.js';
import { skipReasonText } from '../components/skip-reasons.js';

/**
 * A new campaign in four steps. Everything entered lives in one draft, so Back and Next never lose it; each
 * step is checked with the API's own CreateCampaign schema before moving on, and the API's answer to the final
 * "Create" puts any error next to its field, on the step it belongs to.
 */

interface Draft {
  name: string;
  surveyId: string;
  accountIds: string[];
  levels: Level[];
  buyingRoles: BuyingRole[];
  sendMode: 'now' | 'later';
  /** A `datetime-local` value, in the browser's time zone. */
  sendAt: string;
  reminders: boolean;
  afterDays: string;
  maxReminders: string;
  expiresAfterDays: string;
  repeat: Campaign['repeat'];
}

const STEPS = ['Survey', 'Audience', 'Schedule', 'Review'] as const;
/** Which step each top-level field of the body is entered on. */
const stepOfField: Record<string, number> = {
  name: 0,
  surveyId: 0,
  audience: 1,
  sendAt: 2,
  reminder: 2,
  expiresAfterDays: 2,
  repeat: 2,
};
const repeatWords: Record<Campaign['repeat'], string> = { none: 'Once', quarterly: 'Every quarter', semiannual: 'Every six months', annual: 'Every year' };
const PREVIEW_DELAY_MS = 400;
const PREVIEW_LIST_LIMIT = 50;

const toNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));
/** `2026-12-24T09:30` in the browser's zone → an ISO date-time with offset (what the schema wants). */
function localToIso(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

function toBody(d: Draft) {
  return {
    name: d.name,
    surveyId: d.surveyId,
    audience: { accountIds: d.accountIds, contactIds: [], levels: d.levels, buyingRoles: d.buyingRoles },
    ...(d.sendMode === 'later' ? { sendAt: d.sendAt ? localToIso(d.sendAt) : '' } : {}),
    ...(d.reminders ? { reminder: { afterDays: toNumber(d.afterDays), max: toNumber(d.maxReminders) } } : {}),
    expiresAfterDays: toNumber(d.expiresAfterDays),
    repeat: d.repeat,
  };
}

/**
 * Schema messages (plain words, shared/validation-messages.ts) for this wizard: a missing choice asks to choose;
 * the rest stay sentence ends, which the Field starts with its label ("Campaign name is required").
 */
function readable(message: string, path = ''): string {
  if (message === 'must be a number') return 'Enter a number';
  if (message === 'must be a valid id' || message === 'is not a valid value') return 'Choose one';
  // Shown without a Field (a group of choices): a sentence of its own.
  if (message === 'is required' && (path === 'surveyId' || path.startsWith('audience'))) return 'Choose one';
  if (path === 'surveyId' || path.startsWith('audience.accountIds')) return message.charAt(0).toUpperCase() + message.slice(1);
  return message;
}

function checkDraft(d: Draft, step: number | 'all'): Record<string, string> {
  const result = CreateCampaign.safeParse(toBody(d));
  const errors = result.success ? {} : zodErrors(result.error.issues);
  if (d.sendMode === 'later' && d.sendAt && new Date(d.sendAt).getTime() < Date.now()) errors.sendAt ??= 'Choose a time in the future';
  if (d.sendMode === 'later' && !d.sendAt) errors.sendAt = 'Choose a date and time';
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    if (step === 'all' || stepOfField[path.split('.')[0]!] === step) out[path] = readable(message, path);
  }
  return out;
}

/** The audience's live preview: asks the API (the same eligibility code the campaign uses) after a pause. */
function useAudiencePreview(draft: Draft, active: boolean) {
  const [state, setState] = useState<{ data?: CampaignPreview; error?: ApiProblem; loading: boolean }>({ loading: false });
  const audience = { accountIds: draft.accountIds, levels: draft.levels, buyingRoles: draft.buyingRoles };
  const sendAt = draft.sendMode === 'later' && draft.sendAt ? localToIso(draft.sendAt) : undefined;
  const key = JSON.stringify({ audience, sendAt });
  useEffect(() => {
    if (!active) return;
    if (!audience.accountIds.length) {
      setState({ loading: false });
      return;
    }
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      const valid = sendAt && !Number.isNaN(new Date(sendAt).getTime()) ? { sendAt } : {};
      void api.post<CampaignPreview>('/api/campaigns/preview', { audience, ...valid }).then((result) => {
        if (current) setState(result.ok ? { data: result.data, loading: false } : { error: result.error, loading: false });
      });
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, active]);
  return state;
}

function AudiencePreview({ preview, chosen }: { preview: ReturnType<typeof useAudiencePreview>; chosen: boolean }) {
  const { data, error, loading } = preview;
  const summary = !chosen
    ? 'Choose at least one account to see who will be asked.'
    : data
      ? `${formatNumber(data.eligible.length)} will be asked, ${formatNumber(data.skipped.length)} skipped${loading ? ' (updating…)' : '.'}`
      : loading
        ? 'Working out who will be asked…'
        : '';
  return (
    <section class="audience-preview" aria-labelledby="preview-title">
      <h3 id="preview-title">Who will be asked</h3>
      <p class="preview-summary" role="status" aria-live="polite">
        {summary}
      </p>
      {error && <ErrorState error={error} />}
      {chosen && data && (
        <div class="preview-lists">
          <div>
            <h4>Asked ({formatNumber(data.eligible.length)})</h4>
            {data.eligible.length === 0 ? (
              <p class="hint">Nobody: everyone chosen is skipped.</p>
            ) : (
              <ul class="people">
                {data.eligible.slice(0, PREVIEW_LIST_LIMIT).map((p) => (
                  <li key={p.contactId}>
                    <span class="who">{p.name}</span> <span class="where">{p.accountName}</span>{' '}
                    <span class="what">
                      {humanize(p.level)} · {humanize(p.buyingRole)}
                    </span>
                  </li>
                ))}
                {data.eligible.length > PREVIEW_LIST_LIMIT && <li>and {formatNumber(data.eligible.length - PREVIEW_LIST_LIMIT)} more</li>}
              </ul>
            )}
          </div>
          <div>
            <h4>Skipped ({formatNumber(data.skipped.length)})</h4>
            {data.skipped.length === 0 ? (
              <p class="hint">Nobody is skipped.</p>
            ) : (
              <ul class="people skipped">
                {data.skipped.slice(0, PREVIEW_LIST_LIMIT).map((s) => (
                  <li key={s.contact.contactId}>
                    <span class="who">{s.contact.name}</span> <span class="where">{s.contact.accountName}</span>{' '}
                    <span class="reason">{skipReasonText(s.reason, s.recentSurvey)}</span>
                  </li>
                ))}
                {data.skipped.length > PREVIEW_LIST_LIMIT && <li>and {formatNumber(data.skipped.length - PREVIEW_LIST_LIMIT)} more</li>}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

/** A group of checkboxes in a fieldset, with its error announced. */
function CheckGroup<T extends string>(props: {
  id: string;
  legend: string;
  hint?: string;
  options: readonly { value: T; label: string }[];
  chosen: T[];
  error?: string | undefined;
  onChange: (chosen: T[]) => void;
}) {
  const { id, options, chosen } = props;
  const toggle = (value: T, on: boolean) => props.onChange(options.map((o) => o.value).filter((v) => (v === value ? on : chosen.includes(v))));
  return (
    <fieldset class={`check-group${props.error ? ' has-error' : ''}`} aria-describedby={describedBy(id, props.error, props.hint)}>
      <legend>{props.legend}</legend>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <div class="checks">
        {options.map((o) => (
          <label key={o.value} class="check">
            <input type="checkbox" name={id} value={o.value} checked={chosen.includes(o.value)} onChange={(e) => toggle(o.value, e.currentTarget.checked)} />{' '}
            {o.label}
          </label>
        ))}
      </div>
      {props.error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

export default function CampaignNewPage() {
  usePageTitle('New campaign');
  const { route } = useLocation();
  const editable = canEdit();
  const surveys = useApi<{ data: Survey[] }>(editable ? '/api/surveys' : null);
  const accounts = useApi<Page<AccountListItem>>(editable ? '/api/accounts?pageSize=100&sort=name' : null);
  const [step, setStep] = useState(0);
  const [reached, setReached] = useState(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [creating, setCreating] = useState(false);
  const [accountFilter, setAccountFilter] = useState('');
  const [accountQuery, setAccountQuery] = useState('');
  // Typing waits a moment before asking the server (only when the manager has more accounts than one page).
  useEffect(() => {
    const timer = setTimeout(() => setAccountQuery(accountFilter.trim()), 250);
    return () => clearTimeout(timer);
  }, [accountFilter]);
  const moreThanLoaded = !!accounts.data && accounts.data.total > accounts.data.data.length;
  const found = useApi<Page<AccountListItem>>(
    moreThanLoaded && accountQuery ? `/api/accounts?pageSize=100&sort=name&q=${encodeURIComponent(accountQuery)}` : null,
  );
  // Names of every account seen, so the summary can name chosen accounts that are not in the list on screen.
  const accountNames = useRef(new Map<string, string>());
  for (const a of [...(accounts.data?.data ?? []), ...(found.data?.data ?? [])]) accountNames.current.set(a.id, a.name);
  const [draft, setDraft] = useState<Draft>({
    name: '',
    surveyId: '',
    accountIds: [],
    levels: [],
    buyingRoles: [],
    sendMode: 'now',
    sendAt: '',
    reminders: true,
    afterDays: '5',
    maxReminders: '1',
    expiresAfterDays: '30',
    repeat: 'none',
  });
  const preview = useAudiencePreview(draft, step === 1 || step === 3);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  // After Back/Next, focus goes to the new step's heading so keyboard and screen-reader users know where they are.
  useEffect(() => {
    if (moved.current) heading.current?.focus();
    moved.current = false;
  }, [step]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([path]) => !path.startsWith(String(key)) && !(key === 'accountIds' && path.startsWith('audience')))));
  };
  const go = (to: number) => {
    moved.current = true;
    setStep(to);
    setReached((r) => Math.max(r, to));
  };
  const next = (e: Event) => {
    e.preventDefault();
    const found = checkDraft(draft, step);
    setErrors(found);
    if (Object.keys(found).length) {
      document.getElementById(`campaign-${Object.keys(found)[0]!.replace(/\./g, '-')}`)?.focus();
      return;
    }
    go(step + 1);
  };

  const create = async (e: Event) => {
    e.preventDefault();
    if (creating) return;
    const found = checkDraft(draft, 'all');
    if (Object.keys(found).length) {
      setErrors(found);
      go(stepOfField[Object.keys(found)[0]!.split('.')[0]!] ?? 0);
      return;
    }
    setCreating(true);
    setProblem(null);
    const result = await api.post<Campaign>('/api/campaigns', CreateCampaign.parse(toBody(draft)));
    setCreating(false);
    if (result.ok) {
      route(`/campaigns/${result.data.id}`);
      return;
    }
    const byField = issuesByField(result.error);
    if (Object.keys(byField).length) {
      setErrors(Object.fromEntries(Object.entries(byField).map(([k, v]) => [k, readable(v, k)])));
      go(stepOfField[Object.keys(byField)[0]!.split('.')[0]!] ?? 0);
    } else setProblem(result.error);
  };

  if (!editable) {
    return (
      <section aria-labelledby="new-campaign-title">
        <h1 id="new-campaign-title" tabIndex={-1}>
          New campaign
        </h1>
        <p>Executives see every campaign but do not send them. <a href="/campaigns">Back to campaigns</a></p>
      </section>
    );
  }

  const surveyList = surveys.data?.data ?? [];
  const accountList = accounts.data?.data ?? [];
  const searchingServer = moreThanLoaded && accountFilter.trim() !== '';
  const shownAccounts = searchingServer
    ? accountQuery === accountFilter.trim()
      ? (found.data?.data ?? [])
      : []
    : accountFilter
      ? accountList.filter((a) => a.name.toLowerCase().includes(accountFilter.toLowerCase()))
      : accountList;
  const searchPending = searchingServer && (accountQuery !== accountFilter.trim() || !found.data);
  const survey = surveyList.find((s) => s.id === draft.surveyId);
  const err = (path: string) => errors[path];

  return (
    <section aria-labelledby="new-campaign-title" class="campaign-new">
      <h1 id="new-campaign-title" tabIndex={-1}>
        New campaign
      </h1>
      <nav aria-label="Steps">
        <ol class="steps">
          {STEPS.map((label, i) => (
            <li key={label} aria-current={i === step ? 'step' : undefined}>
              {i <= reached && i !== step ? (
                <button type="button" class="step-link" onClick={() => go(i)}>
                  {i + 1}. {label}
                </button>
              ) : (
                <span>
                  {i + 1}. {label}
                  {i === step && <span class="visually-hidden"> (current step)</span>}
                </span>
              )}
            </li>
          ))}
        </ol>
      </nav>

      {(surveys.error || accounts.error) && <ErrorState error={(surveys.error ?? accounts.error)!} retry={surveys.error ? surveys.reload : accounts.reload} />}
      {problem && <ErrorState error={problem} />}

      <form class="wizard-step" noValidate onSubmit={step === 3 ? create : next} aria-labelledby="step-title">
        <h2 id="step-title" tabIndex={-1} ref={heading}>
          Step {step + 1} of {STEPS.length}: {STEPS[step]}
        </h2>

        {step === 0 && (
          <>
            <Field id="campaign-name" label="Campaign name" error={err('name')} hint="For you and your colleagues; respondents do not see it.">
              <input
                id="campaign-name"
                type="text"
                value={draft.name}
                maxLength={200}
                aria-invalid={err('name') ? 'true' : undefined}
                aria-describedby={describedBy('campaign-name', err('name'), 'hint')}
                onInput={(e) => set('name', e.currentTarget.value)}
              />
            </Field>
            {!surveys.data ? (
              <Loading what="Loading surveys…" />
            ) : (
              <fieldset class={`survey-choice${err('surveyId') ? ' has-error' : ''}`} aria-describedby={describedBy('campaign-surveyId', err('surveyId'))}>
                <legend>Survey</legend>
                {surveyList.map((s, i) => (
                  <label key={s.id} class="choice-card">
                    <input
                      type="radio"
                      name="surveyId"
                      id={i === 0 ? 'campaign-surveyId' : undefined}
                      value={s.id}
                      checked={draft.surveyId === s.id}
                      onChange={() => set('surveyId', s.id)}
                    />{' '}
                    <span>
                      <strong>{s.name}</strong>{' '}
                      <span class="hint">
                        {plural(s.definition.questions.length, 'question')} · {s.languages.join(', ')}
                        {s.templateKey ? ' · template' : ''}
                      </span>
                    </span>
                  </label>
                ))}
                <p class="hint">
                  <a href="/surveys">Preview the surveys</a> before you choose.
                </p>
                {err('surveyId') && (
                  <p class="field-error" id="campaign-surveyId-error" role="alert">
                    {err('surveyId')}
                  </p>
                )}
              </fieldset>
            )}
          </>
        )}

        {step === 1 && (
          <div class="audience-step">
            <div class="audience-choices">
              {!accounts.data ? (
                <Loading what="Loading accounts…" />
              ) : (
                <fieldset
                  class={`check-group accounts-choice${err('audience.accountIds') ? ' has-error' : ''}`}
                  aria-describedby={describedBy('campaign-audience-accountIds', err('audience.accountIds'))}
                >
                  <legend>Accounts</legend>
                  {accountList.length > 8 && (
                    <div class="field">
                      <label for="account-filter">Find an account</label>
                      <input
                        id="account-filter"
                        type="search"
                        value={accountFilter}
                        aria-describedby={moreThanLoaded ? 'account-filter-hint' : undefined}
                        onInput={(e) => setAccountFilter(e.currentTarget.value)}
                      />
                      {moreThanLoaded && (
                        <p class="hint" id="account-filter-hint">
                          Showing the first {formatNumber(accountList.length)} of your {formatNumber(accounts.data!.total)} accounts: type part of a
                          name to find any of them.
                        </p>
                      )}
                    </div>
                  )}
                  <p class="visually-hidden" aria-live="polite">
                    {searchingServer && !searchPending ? `${plural(shownAccounts.length, 'account')} found` : ''}
                  </p>
                  <div class="actions">
                    <button type="button" class="secondary" onClick={() => set('accountIds', [...new Set([...draft.accountIds, ...shownAccounts.map((a) => a.id)])])}>
                      Select all{accountFilter ? ' shown' : ''}
                    </button>
                    <button type="button" class="secondary" disabled={!draft.accountIds.length} onClick={() => set('accountIds', [])}>
                      Clear
                    </button>
                  </div>
                  {accountList.length === 0 && <p>You have no accounts yet.</p>}
                  {searchPending && <Loading what="Finding accounts…" />}
                  {found.error && searchingServer && <ErrorState error={found.error} retry={found.reload} />}
                  {searchingServer && !searchPending && shownAccounts.length === 0 && <p>No account name contains “{accountFilter.trim()}”.</p>}
                  <div class="checks">
                    {shownAccounts.map((a, i) => (
                      <label key={a.id} class="check">
                        <input
                          type="checkbox"
                          id={i === 0 ? 'campaign-audience-accountIds' : undefined}
                          value={a.id}
                          checked={draft.accountIds.includes(a.id)}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            set('accountIds', on ? [...draft.accountIds, a.id] : draft.accountIds.filter((id) => id !== a.id));
                          }}
                        />{' '}
                        {a.name}
                      </label>
                    ))}
                  </div>
                  {err('audience.accountIds') && (
                    <p class="field-error" id="campaign-audience-accountIds-error" role="alert">
                      {err('audience.accountIds')}
                    </p>
                  )}
                </fieldset>
              )}
              <CheckGroup
                id="campaign-audience-levels"
                legend="Contact levels"
                hint="None ticked means every level."
                options={Level.options.map((v) => ({ value: v, label: humanize(v) }))}
                chosen={draft.levels}
                error={err('audience.levels')}
                onChange={(v) => set('levels', v)}
              />
              <CheckGroup
                id="campaign-audience-buyingRoles"
                legend="Buying roles"
                hint="None ticked means every role."
                options={BuyingRole.options.map((v) => ({ value: v, label: humanize(v) }))}
                chosen={draft.buyingRoles}
                error={err('audience.buyingRoles')}
                onChange={(v) => set('buyingRoles', v)}
              />
            </div>
            <AudiencePreview preview={preview} chosen={draft.accountIds.length > 0} />
          </div>
        )}

        {step === 2 && (
          <>
            <fieldset aria-describedby={describedBy('campaign-sendAt', err('sendAt'))}>
              <legend>When to send</legend>
              <label class="check">
                <input type="radio" name="sendMode" checked={draft.sendMode === 'now'} onChange={() => set('sendMode', 'now')} /> Send now
              </label>
              <label class="check">
                <input type="radio" name="sendMode" checked={draft.sendMode === 'later'} onChange={() => set('sendMode', 'later')} /> Send later
              </label>
              {draft.sendMode === 'later' && (
                <Field id="campaign-sendAt" label="Date and time" error={err('sendAt')}>
                  <input
                    id="campaign-sendAt"
                    type="datetime-local"
                    value={draft.sendAt}
                    aria-invalid={err('sendAt') ? 'true' : undefined}
                    aria-describedby={describedBy('campaign-sendAt', err('sendAt'))}
                    onInput={(e) => set('sendAt', e.currentTarget.value)}
                  />
                </Field>
              )}
            </fieldset>
            <fieldset>
              <legend>Reminders</legend>
              <label class="check">
                <input type="checkbox" checked={draft.reminders} onChange={(e) => set('reminders', e.currentTarget.checked)} /> Remind people who have
                not answered
              </label>
              {draft.reminders && (
                <div class="form-grid">
                  <Field id="campaign-reminder-afterDays" label="After (days)" error={err('reminder.afterDays')}>
                    <input
                      id="campaign-reminder-afterDays"
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={60}
                      value={draft.afterDays}
                      aria-invalid={err('reminder.afterDays') ? 'true' : undefined}
                      aria-describedby={describedBy('campaign-reminder-afterDays', err('reminder.afterDays'))}
                      onInput={(e) => set('afterDays', e.currentTarget.value)}
                    />
                  </Field>
                  <Field id="campaign-reminder-max" label="At most (reminders)" error={err('reminder.max')}>
                    <input
                      id="campaign-reminder-max"
                      type="number"
                      inputMode="numeric"
                      min={0}
                      max={5}
                      value={draft.maxReminders}
                      aria-invalid={err('reminder.max') ? 'true' : undefined}
                      aria-describedby={describedBy('campaign-reminder-max', err('reminder.max'))}
                      onInput={(e) => set('maxReminders', e.currentTarget.value)}
                    />
                  </Field>
                </div>
              )}
            </fieldset>
            <Field id="campaign-expiresAfterDays" label="Links expire after (days)" error={err('expiresAfterDays')} hint="1 to 365 days after sending.">
              <input
                id="campaign-expiresAfterDays"
                type="number"
                inputMode="numeric"
                min={1}
                max={365}
                value={draft.expiresAfterDays}
                aria-invalid={err('expiresAfterDays') ? 'true' : undefined}
                aria-describedby={describedBy('campaign-expiresAfterDays', err('expiresAfterDays'), 'hint')}
                onInput={(e) => set('expiresAfterDays', e.currentTarget.value)}
              />
            </Field>
            <fieldset>
              <legend>Repeat</legend>
              {Repeat.options.map((r) => (
                <label key={r} class="check">
                  <input type="radio" name="repeat" value={r} checked={draft.repeat === r} onChange={() => set('repeat', r)} /> {repeatWords[r]}
                </label>
              ))}
              <p class="hint">A repeating campaign asks its audience again on the same day of the month, skipping anyone surveyed recently.</p>
            </fieldset>
          </>
        )}

        {step === 3 && (
          <>
            <dl class="review">
              <dt>Name</dt>
              <dd>{draft.name}</dd>
              <dt>Survey</dt>
              <dd>{survey?.name ?? '—'}</dd>
              <dt>Accounts</dt>
              <dd>
                {draft.accountIds
                  .map((id) => accountNames.current.get(id))
                  .filter(Boolean)
                  .join(', ')}
              </dd>
              <dt>Levels</dt>
              <dd>{draft.levels.length ? draft.levels.map(humanize).join(', ') : 'All'}</dd>
              <dt>Buying roles</dt>
              <dd>{draft.buyingRoles.length ? draft.buyingRoles.map(humanize).join(', ') : 'All'}</dd>
              <dt>Send</dt>
              <dd>{draft.sendMode === 'now' ? 'Now' : formatDateTime(localToIso(draft.sendAt))}</dd>
              <dt>Reminders</dt>
              <dd>{draft.reminders ? `After ${plural(Number(draft.afterDays), 'day')}, at most ${draft.maxReminders}` : 'None'}</dd>
              <dt>Links expire</dt>
              <dd>After {plural(Number(draft.expiresAfterDays), 'day')}</dd>
              <dt>Repeat</dt>
              <dd>{repeatWords[draft.repeat]}</dd>
            </dl>
            <AudiencePreview preview={preview} chosen={draft.accountIds.length > 0} />
          </>
        )}

        <div class="actions wizard-actions">
          {step > 0 && (
            <button type="button" class="secondary" onClick={() => go(step - 1)}>
              Back
            </button>
          )}
          {step < 3 ? (
            <button type="submit">Next</button>
          ) : (
            <button type="submit" aria-disabled={creating ? 'true' : undefined}>
              {creating ? 'Creating…' : draft.sendMode === 'now' ? 'Create and send' : 'Create and schedule'}
            </button>
          )}
          <a href="/campaigns">Cancel</a>
        </div>
      </form>
    </section>
  );
}
