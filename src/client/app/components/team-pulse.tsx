import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { halfWords } from './team-pulse-cards.js';
import { ErrorState, Loading } from './states.js';
import { Field, describedBy, zodErrors } from './field.js';
import { NpsFigure } from './nps-figure.js';
import { changeArrow, meanMargin } from './half-year-report.js';
import { formatChangeReason, formatDecimal, formatNumber, formatPercent } from '../format.js';
import {
  TeamPulseAnswerBody,
  type AccountTeamPulse,
  type MarkChange,
  type MyTeamPulse,
  type ProgramTeamPulse,
  type TeamPulseHalf,
} from '../../../shared/schemas/team-pulse.js';

export { halfWords };

/**
 * Our own team's voice (the cards on My day are in team-pulse-cards.tsx, kept light): the answer form, what the team says on the account page and
 * "what our employees say" in the program evaluation. Nothing here ever names who answered.
 */

const ANONYMITY =
  'Answers are shown to the account’s manager, executives and admins without names, and only once at least three people on the team have answered.';

const marks = Array.from({ length: 11 }, (_, i) => i);

/** One account's pulse: two marks out of ten and two optional texts; answering again revises. */
export function TeamPulseForm({ pulse, onSaved }: { pulse: MyTeamPulse; onSaved: (saved: MyTeamPulse) => void }) {
  const id = `pulse-${pulse.accountId}`;
  const [delivery, setDelivery] = useState(pulse.answer ? String(pulse.answer.deliveryMark) : '');
  const [collaboration, setCollaboration] = useState(pulse.answer ? String(pulse.answer.collaborationMark) : '');
  const [friction, setFriction] = useState(pulse.answer?.friction ?? '');
  const [differently, setDifferently] = useState(pulse.answer?.doDifferently ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = TeamPulseAnswerBody.safeParse({
      deliveryMark: delivery === '' ? undefined : Number(delivery),
      collaborationMark: collaboration === '' ? undefined : Number(collaboration),
      friction,
      doDifferently: differently,
    });
    if (!checked.success) return setErrors(zodErrors(checked.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.put<MyTeamPulse>(`/api/team-pulse/${pulse.accountId}`, checked.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
    }
    onSaved(res.data);
  };

  const markField = (key: 'deliveryMark' | 'collaborationMark', label: string, hint: string, value: string, set: (v: string) => void) => (
    <Field id={`${id}-${key}`} label={label} hint={hint} error={errors[key]}>
      <select
        id={`${id}-${key}`}
        value={value}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={describedBy(`${id}-${key}`, errors[key], hint)}
        onChange={(e) => {
          set(e.currentTarget.value);
          // A mark chosen answers its error: the message goes until the next send.
          if (errors[key]) setErrors({ ...errors, [key]: '' });
        }}
      >
        <option value="">Choose a mark</option>
        {marks.map((m) => (
          <option key={m} value={String(m)}>
            {m}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <form class="team-pulse-form" onSubmit={submit} noValidate aria-label={`Team pulse for ${pulse.accountName}`}>
      {errors._form && (
        <p class="field-error" role="alert">
          {errors._form}
        </p>
      )}
      <div class="form-grid">
        {markField('deliveryMark', 'Delivery mark (0–10)', 'How well do we deliver to them? 10: everything they expect, on time, every time.', delivery, setDelivery)}
        {markField('collaborationMark', 'Collaboration mark (0–10)', 'How smoothly do our departments work together for them? 10: no friction at all.', collaboration, setCollaboration)}
      </div>
      <Field id={`${id}-friction`} label="Where do our departments rub against each other? (optional)" error={errors.friction}>
        <textarea id={`${id}-friction`} rows={3} value={friction} aria-describedby={describedBy(`${id}-friction`, errors.friction)} onInput={(e) => setFriction(e.currentTarget.value)} />
      </Field>
      <Field id={`${id}-doDifferently`} label="What should we do differently? (optional)" error={errors.doDifferently}>
        <textarea
          id={`${id}-doDifferently`}
          rows={3}
          value={differently}
          aria-describedby={describedBy(`${id}-doDifferently`, errors.doDifferently)}
          onInput={(e) => setDifferently(e.currentTarget.value)}
        />
      </Field>
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : pulse.answer ? 'Revise my answer' : 'Send my answer'}
        </button>
      </div>
    </form>
  );
}

/** "8.5 ±1.3" or "—". */
const meanWords = (f: TeamPulseHalf['delivery']) => (f.mean === null ? '—' : `${formatDecimal(f.mean)}${meanMargin(f.marginOfError)}`);
const answeredWords = (h: TeamPulseHalf) => `${formatNumber(h.answered)} of ${formatNumber(h.asked)} answered${h.responseRate === null ? '' : ` (${formatPercent(h.responseRate)})`}`;
const changeWords = (c: MarkChange) => (c.change === null ? '—' : `${changeArrow(c.change)}${c.change > 0 ? '+' : ''}${formatDecimal(c.change)} — ${formatChangeReason(c.reason)}`);

/** The two marks of two halves side by side, with the change and whether it is beyond the margins. */
function MarksTable({ caption, current, previous, deliveryChange, collaborationChange }: { caption: string; current: TeamPulseHalf; previous: TeamPulseHalf; deliveryChange: MarkChange; collaborationChange: MarkChange }) {
  return (
    <div class="table-wrap">
      <table class="data">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Mark out of ten</th>
            <th scope="col" class="num">
              {current.period}
            </th>
            <th scope="col" class="num">
              {previous.period}
            </th>
            <th scope="col" class="num">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">How well we deliver</th>
            <td class="num">{meanWords(current.delivery)}</td>
            <td class="num">{meanWords(previous.delivery)}</td>
            <td class="num">{changeWords(deliveryChange)}</td>
          </tr>
          <tr>
            <th scope="row">How smoothly our departments work together</th>
            <td class="num">{meanWords(current.collaboration)}</td>
            <td class="num">{meanWords(previous.collaboration)}</td>
            <td class="num">{changeWords(collaborationChange)}</td>
          </tr>
          <tr>
            <th scope="row">Answers</th>
            <td class="num">{answeredWords(current)}</td>
            <td class="num">{answeredWords(previous)}</td>
            <td class="num" />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** The account page: what our own team says about this account this half, without names. */
export function TeamVoice({ accountId, keyAccount }: { accountId: string; keyAccount: boolean }) {
  const pulse = useApi<AccountTeamPulse>(keyAccount ? `/api/accounts/${accountId}/team-pulse` : null);
  const p = pulse.data;
  return (
    <section aria-labelledby="team-voice-title" class="team-voice">
      <h2 id="team-voice-title">What our team says</h2>
      <p class="muted small">Each half, the people on a key account’s team give two marks out of ten and a few words. {ANONYMITY}</p>
      {!keyAccount && <p>Our team is asked about key accounts only.</p>}
      {keyAccount && (
        <p class="small">
          <a href={`/team-pulse?account=${accountId}`}>On this account’s team? Give or revise your answer</a>
        </p>
      )}
      {pulse.loading && !p && <Loading what="Loading what our team says…" />}
      {pulse.error && <ErrorState error={pulse.error} retry={pulse.reload} />}
      {p && !p.current.shown && (
        <p>
          {answeredWords(p.current)} in {halfWords(p.current.period)}. The marks and words appear once at least {formatNumber(p.minimumAnswers)} have answered.
        </p>
      )}
      {p && p.current.shown && (
        <>
          <MarksTable caption="Our team’s marks for this account, this half against the one before" current={p.current} previous={p.previous} deliveryChange={p.deliveryChange} collaborationChange={p.collaborationChange} />
          <div class="eval-columns">
            <div>
              <h3>Where our departments rub</h3>
              {p.friction.length ? <Words words={p.friction} /> : <p class="muted">Nobody named any friction.</p>}
            </div>
            <div>
              <h3>What we should do differently</h3>
              {p.doDifferently.length ? <Words words={p.doDifferently} /> : <p class="muted">No suggestions this half.</p>}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function Words({ words }: { words: string[] }) {
  return (
    <ul class="team-words">
      {words.map((w, i) => (
        <li key={i}>
          <blockquote>“{w}”</blockquote>
        </li>
      ))}
    </ul>
  );
}

/** The program evaluation: what our employees say, and per key account beside what its customers say. */
export function ProgramTeamVoice({ pulse, npsPeriod }: { pulse: ProgramTeamPulse; npsPeriod: string }) {
  const c = pulse.current;
  return (
    <section aria-labelledby="team-voice-heading" class="team-voice">
      <h2 id="team-voice-heading">What our employees say</h2>
      <p class="muted small">
        The internal team pulse: the people on each key account’s team mark how well we deliver to it and how smoothly our departments work together for it.
        Marks are shown without names, for an account only once {formatNumber(pulse.minimumAnswers)} of its team have answered; the program’s marks pool the
        accounts shown ({plural(c.counted)} of {formatNumber(c.answered)}).
      </p>
      {c.answered === 0 && c.asked === 0 ? (
        <p>No key account has a team to ask yet.</p>
      ) : (
        <MarksTable caption="What our employees say, this half against the one before" current={c} previous={pulse.previous} deliveryChange={pulse.deliveryChange} collaborationChange={pulse.collaborationChange} />
      )}
      {pulse.accounts.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <caption>Per key account, {c.period}: our people beside the customer (customer NPS over {npsPeriod}, audit marks from the latest wave)</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col" class="num">
                  Our delivery mark
                </th>
                <th scope="col" class="num">
                  Our collaboration mark
                </th>
                <th scope="col" class="num">
                  Team answers
                </th>
                <th scope="col" class="num">
                  Customer NPS
                </th>
                <th scope="col" class="num">
                  Customer audit marks
                </th>
              </tr>
            </thead>
            <tbody>
              {pulse.accounts.map((a) => (
                <tr key={a.accountId}>
                  <th scope="row">
                    <a href={`/accounts/${a.accountId}`}>{a.accountName}</a>
                  </th>
                  <td class="num">{a.team.shown ? meanWords(a.team.delivery) : <span class="muted small">too few answers to show</span>}</td>
                  <td class="num">{a.team.shown ? meanWords(a.team.collaboration) : <span class="muted small">too few answers to show</span>}</td>
                  <td class="num">{answeredWords(a.team)}</td>
                  <td class="num">
                    <NpsFigure figure={{ nps: a.customerNps.nps, margin: a.customerNps.marginOfError, responses: a.customerNps.responses }} />
                    {a.customerNps.nps === null && <div class="small muted">No answers</div>}
                  </td>
                  <td class="num">{a.customerAudit?.mean != null ? `${formatDecimal(a.customerAudit.mean)}${meanMargin(a.customerAudit.marginOfError)} (${plural(a.customerAudit.n)})` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const plural = (n: number) => `${formatNumber(n)} ${n === 1 ? 'answer' : 'answers'}`;
