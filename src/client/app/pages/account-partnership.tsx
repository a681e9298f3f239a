import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit } from '../session.js';
import { formatDate, formatDateTime, formatNumber } from '../format.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { TrendChart } from '../components/trend-chart.js';
import type { Account } from '../../../shared/schemas/account.js';
import {
  CreatePartnershipAssessment,
  type AccountPartnership,
  type PartnershipAssessment,
  type PartnershipIndicator,
} from '../../../shared/schemas/program.js';

/**
 * Partnership indicators of one account (issue 6, section 4): the score of each assessment and its trend, the audit's
 * "supplier or partner" answer beside it, and — for the account's manager and admins — the checklist to assess
 * (yes / partly / no per indicator, with notes). Executives read.
 */

type Answer = 'yes' | 'partly' | 'no' | '';
const answerWords: Record<Exclude<Answer, ''>, string> = { yes: 'Yes', partly: 'Partly', no: 'No' };
const score = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v)}%`);

export default function AccountPartnershipPage({ id }: { id: string }) {
  const account = useApi<Account>(`/api/accounts/${id}`);
  const partnership = useApi<AccountPartnership>(`/api/accounts/${id}/partnership`);
  const indicators = useApi<{ data: PartnershipIndicator[] }>('/api/partnership-indicators');
  const name = account.data?.name;
  usePageTitle(name ? `Partnership: ${name}` : 'Partnership');
  const [message, setMessage] = useState('');

  const error = account.error ?? partnership.error;
  if (error) {
    return (
      <section aria-labelledby="partnership-title">
        <h1 id="partnership-title" tabIndex={-1}>
          {error.status === 404 ? 'Account not found' : 'Partnership'}
        </h1>
        <ErrorState
          error={error}
          retry={() => {
            account.reload();
            partnership.reload();
          }}
        />
        <p>
          <a href="/accounts">Back to the accounts</a>
        </p>
      </section>
    );
  }
  if (!account.data || !partnership.data) {
    return (
      <section aria-labelledby="partnership-title">
        <h1 id="partnership-title" tabIndex={-1}>
          Partnership
        </h1>
        <Loading what="Loading the partnership…" />
      </section>
    );
  }
  const p = partnership.data;
  const latest = p.assessments.at(-1) ?? null;
  return (
    <article class="account-partnership" aria-labelledby="partnership-title">
      <p class="breadcrumb no-print">
        <a href="/accounts">Accounts</a> <span aria-hidden="true">›</span> <a href={`/accounts/${id}`}>{name}</a>
      </p>
      <div class="page-head">
        <h1 id="partnership-title" tabIndex={-1}>
          Partnership: {name}
        </h1>
        <p class="no-print">
          <a href={`/accounts/${id}/plan`}>Account plan</a>
        </p>
      </div>
      <p role="status" class="saved">
        {message}
      </p>
      <Summary partnership={p} />
      <section class="plan-section" aria-labelledby="trend-title">
        <h2 id="trend-title">Score over time</h2>
        {p.assessments.length === 0 ? (
          <Empty>
            <p>No assessments yet.{canEdit() ? ' Answer the checklist below to record the first one.' : ''}</p>
          </Empty>
        ) : (
          <>
            <TrendChart
              title="Partnership score per assessment (share of signals present, partly counted as half)"
              points={p.assessments.map((a) => ({ label: formatDate(a.assessedAt), value: a.score, margin: null, count: a.yes + a.partly + a.no }))}
              min={0}
              max={100}
              format={score}
            />
            <Assessments assessments={p.assessments} />
          </>
        )}
      </section>
      {canEdit() && (
        <section class="plan-section no-print" aria-labelledby="assess-title">
          <h2 id="assess-title">Assess the partnership</h2>
          {indicators.error ? (
            <ErrorState error={indicators.error} retry={indicators.reload} />
          ) : !indicators.data ? (
            <Loading what="Loading the indicators…" />
          ) : (
            <AssessForm
              jointPlan={p.jointPlan}
              accountId={id}
              indicators={indicators.data.data.filter((i) => i.enabled).sort((a, b) => a.position - b.position)}
              previous={latest}
              onSaved={(a) => {
                setMessage(`Assessment saved: partnership score ${score(a.score)} (${formatNumber(a.yes)} yes, ${formatNumber(a.partly)} partly, ${formatNumber(a.no)} no).`);
                partnership.reload();
              }}
            />
          )}
        </section>
      )}
    </article>
  );
}

function Summary({ partnership: p }: { partnership: AccountPartnership }) {
  const t = p.trend;
  const latest = p.assessments.at(-1);
  const audit = p.audit;
  const partnerShare = audit ? audit.partner / (audit.partner + audit.supplier) : null;
  return (
    <div class="cards partnership-summary">
      <div class="card">
        <h2 class="card-title">Partnership score</h2>
        <p class="stat partnership-score">{score(t.latest)}</p>
        <p class="muted">
          {latest ? <>Assessed {formatDate(latest.assessedAt)}{latest.assessedBy && <> by {latest.assessedBy.name}</>}</> : 'Not assessed yet'}
        </p>
        {t.direction && t.change !== null && (
          <p class={`trend trend-${t.direction}`}>
            <span aria-hidden="true">{t.direction === 'rising' ? '▲' : t.direction === 'falling' ? '▼' : '▬'}</span>{' '}
            {t.direction === 'flat' ? 'Flat' : t.direction === 'rising' ? 'Rising' : 'Falling'} since the previous assessment ({t.change > 0 ? '+' : t.change < 0 ? '−' : ''}
            {Math.abs(Math.round(t.change))} points, from {score(t.previous)})
          </p>
        )}
      </div>
      <div class="card">
        <h2 class="card-title">Supplier or partner? (audit)</h2>
        {audit ? (
          <>
            <p class="stat">{partnerShare! > 0.5 ? 'Partner' : partnerShare! < 0.5 ? 'Supplier' : 'Split'}</p>
            <p>
              {formatNumber(audit.partner)} of {formatNumber(audit.partner + audit.supplier)} people answering see us as a partner; {formatNumber(audit.supplier)} as a supplier.
            </p>
            <p class="muted">
              {audit.campaignName}, sent {formatDate(audit.sentAt)}
            </p>
          </>
        ) : (
          <p class="muted">No audit answers to this question yet — send a relationship audit.</p>
        )}
      </div>
      <div class="card">
        <h2 class="card-title">Joint action plans</h2>
        <p class="joint-plan-evidence">{p.jointPlan?.summary ?? 'No account plan yet.'}</p>
        <p class="muted">
          <a href={`/accounts/${p.accountId}/plan`}>Account plan</a>
        </p>
      </div>
    </div>
  );
}

function Assessments({ assessments }: { assessments: PartnershipAssessment[] }) {
  const [open, setOpen] = useState<string | null>(null);
  const newestFirst = [...assessments].reverse();
  return (
    <div class="table-wrap">
      <table class="data assessments">
        <caption class="visually-hidden">Assessments, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Assessed</th>
            <th scope="col" class="num">
              Score
            </th>
            <th scope="col" class="num">
              Yes
            </th>
            <th scope="col" class="num">
              Partly
            </th>
            <th scope="col" class="num">
              No
            </th>
            <th scope="col">By and notes</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.map((a) => (
            <Fragment key={a.id}>
              <tr>
                <th scope="row">
                  <time dateTime={a.assessedAt}>{formatDate(a.assessedAt)}</time>
                </th>
                <td class="num">{score(a.score)}</td>
                <td class="num">{formatNumber(a.yes)}</td>
                <td class="num">{formatNumber(a.partly)}</td>
                <td class="num">{formatNumber(a.no)}</td>
                <td>
                  {a.assessedBy?.name ?? '—'}
                  {a.notes && <span class="risk-reason">{a.notes}</span>}
                  <button type="button" class="link-button no-print" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>
                    {open === a.id ? 'Hide answers' : 'Show answers'}
                    <span class="visually-hidden"> of {formatDateTime(a.assessedAt)}</span>
                  </button>
                </td>
              </tr>
              {open === a.id && (
                <tr>
                  <td colSpan={6}>
                    <ul class="answer-list partnership-answers">
                      {a.answers.map((x) => (
                        <li key={x.indicatorId}>
                          <span class={`answer answer-${x.answer}`}>{answerWords[x.answer]}</span> {x.name}
                          {x.note && <span class="muted"> — {x.note}</span>}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AssessForm({
  accountId,
  indicators,
  previous,
  onSaved,
  jointPlan,
}: {
  jointPlan: AccountPartnership['jointPlan'];
  accountId: string;
  indicators: PartnershipIndicator[];
  previous: PartnershipAssessment | null;
  onSaved: (a: PartnershipAssessment) => void;
}) {
  const start = () =>
    Object.fromEntries(
      indicators.map((i) => {
        const before = previous?.answers.find((a) => a.indicatorId === i.id);
        return [i.id, { answer: (before?.answer ?? '') as Answer, note: before?.note ?? '' }];
      }),
    );
  const [answers, setAnswers] = useState<Record<string, { answer: Answer; note: string }>>(start);
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const answered = indicators.filter((i) => answers[i.id]?.answer);

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      notes: notes.trim() || null,
      answers: answered.map((i) => ({ indicatorId: i.id, answer: answers[i.id]!.answer, note: answers[i.id]!.note.trim() || null })),
    };
    const checked = CreatePartnershipAssessment.safeParse(body);
    if (!checked.success) {
      setErrors(zodErrors(checked.error.issues));
      return;
    }
    setSaving(true);
    const res = await api.post<PartnershipAssessment>(`/api/accounts/${accountId}/partnership-assessments`, checked.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
      return;
    }
    setErrors({});
    setNotes('');
    onSaved(res.data);
  };
  // Errors on answers come as "answers.3.note": point them at the indicator behind that position.
  const errorOf = (indicatorId: string, field: 'answer' | 'note' | 'indicatorId') => {
    const index = answered.findIndex((i) => i.id === indicatorId);
    return index < 0 ? undefined : errors[`answers.${index}.${field}`];
  };
  const listError = errors.answers;

  if (!indicators.length) return <p class="muted">No indicators are switched on. An admin can add them.</p>;
  return (
    <form onSubmit={submit} noValidate aria-label="Assess the partnership" class="assess-form">
      <p class="hint">
        Answer the signals you can judge; the ones left on “Not assessed” do not count. The answers of the previous assessment are filled in.
      </p>
      {errors._form && (
        <p class="field-error" role="alert">
          {errors._form}
        </p>
      )}
      <ol class="indicator-list">
        {indicators.map((ind, n) => {
          const a = answers[ind.id] ?? { answer: '' as Answer, note: '' };
          const set = (patch: Partial<{ answer: Answer; note: string }>) => setAnswers({ ...answers, [ind.id]: { ...a, ...patch } });
          const err = errorOf(ind.id, 'answer') ?? errorOf(ind.id, 'indicatorId');
          const noteErr = errorOf(ind.id, 'note');
          return (
            <li key={ind.id}>
              <fieldset class="indicator" aria-describedby={ind.description ? `ind-${n}-desc` : undefined}>
                <legend>{ind.name}</legend>
                {ind.description && (
                  <p class="hint" id={`ind-${n}-desc`}>
                    {ind.description}
                  </p>
                )}
                {ind.key === 'joint_action_plans' && (
                  <p class="hint joint-plan-evidence">
                    From the account plan: {jointPlan?.summary ?? 'no account plan yet.'}
                  </p>
                )}
                <div class="choices">
                  {(['yes', 'partly', 'no', ''] as Answer[]).map((value) => (
                    <label class="choice" key={value || 'none'}>
                      <input type="radio" name={`ind-${ind.id}`} value={value} checked={a.answer === value} onChange={() => set({ answer: value })} />
                      {value ? answerWords[value] : 'Not assessed'}
                    </label>
                  ))}
                </div>
                {err && (
                  <p class="field-error" role="alert">
                    {err}
                  </p>
                )}
                {a.answer && (
                  <Field id={`ind-${n}-note`} label={`Note on “${ind.name}” (optional)`} error={noteErr}>
                    <input id={`ind-${n}-note`} type="text" value={a.note} aria-describedby={describedBy(`ind-${n}-note`, noteErr)} onInput={(e) => set({ note: e.currentTarget.value })} />
                  </Field>
                )}
              </fieldset>
            </li>
          );
        })}
      </ol>
      <Field id="assess-notes" label="Notes on this assessment (optional)" error={errors.notes}>
        <textarea id="assess-notes" value={notes} aria-describedby={describedBy('assess-notes', errors.notes)} onInput={(e) => setNotes(e.currentTarget.value)} />
      </Field>
      {listError && (
        <p class="field-error" role="alert">
          Answers: {listError}
        </p>
      )}
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : `Save assessment (${formatNumber(answered.length)} of ${formatNumber(indicators.length)} answered)`}
        </button>
      </div>
    </form>
  );
}
