import { useEffect, useRef, useState } from 'preact/hooks';
import { api, issuesByField, withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { currentUser, isAdmin } from '../session.js';
import { CriterionScoresDialog } from '../components/criterion-scores-form.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { ProgramTabs } from '../components/program-tabs.js';
import { formatDateTime, formatDecimal, formatNumber, humanize } from '../format.js';
import { Stage } from '../../../shared/schemas/account.js';
import { ChangeStage, SelectionQuery, UpdateSelectionCriterion, type Selection, type SelectionCriterion, type StageChange } from '../../../shared/schemas/program.js';
import type { z } from 'zod';

type Row = Selection['ranking'][number];
type Pipeline = {
  groupBy: string;
  from: string;
  to: string;
  now: Record<Stage, number>;
  periods: { period: string; atEnd: Record<Stage, number>; movements: { from: Stage | null; to: Stage; count: number }[]; promotions: number; demotions: number }[];
};

const SELECTION_PATH = '/api/key-accounts/selection';
const PIPELINE_PATH = '/api/key-accounts/pipeline';
/** Scores are 1–5: the bar's full width is a perfect 5. */
const MAX_SCORE = 5;
const stageOrder = Stage.options;
const SIZE_HINT = 'How many key accounts to suggest (3–20)';
const REASON_HINT = "Kept in the account's history with your name";
const stageLabel = (stage: Stage | null) => (stage === null ? 'new' : stage === 'key_account' ? 'Key account' : humanize(stage));

/**
 * Choosing key accounts: the ranking by weighted score with each criterion's share, the suggested portfolio of a
 * chosen size with its warnings, promoting and demoting with a reason (and the history of who decided), the
 * criteria weights (admins) and the pipeline from suspects to key accounts.
 */
export default function ProgramSelection() {
  usePageTitle('Key-account selection');
  const [size, setSize] = useState<number | undefined>(undefined);
  const selection = useApi<Selection>(withQuery(SELECTION_PATH, { size }));
  const pipeline = useApi<Pipeline>(PIPELINE_PATH);
  const [changing, setChanging] = useState<Row | null>(null);
  const [historyOf, setHistoryOf] = useState<{ accountId: string; name: string } | null>(null);
  const [notice, setNotice] = useState('');
  const [historyTick, setHistoryTick] = useState(0);
  const [scoring, setScoring] = useState<Row | null>(null);

  const changed = (row: Row, change: StageChange) => {
    setChanging(null);
    setNotice(`${row.name} is now ${stageLabel(change.toStage).toLowerCase()}. The reason is kept in its stage history.`);
    setHistoryOf({ accountId: row.accountId, name: row.name });
    setHistoryTick((t) => t + 1);
    selection.reload();
    pipeline.reload();
  };

  return (
    <div class="program-page">
      <h1>Key-account program</h1>
      <ProgramTabs current="/program/selection" />
      <p class="notice-live" role="status" aria-live="polite">
        {notice && <span class="notice">{notice}</span>}
      </p>
      <section aria-labelledby="ranking-heading">
        <h2 id="ranking-heading">Ranking by weighted score</h2>
        {selection.loading && !selection.data && <Loading what="Ranking the accounts…" />}
        {selection.error && <ErrorState error={selection.error} retry={selection.reload} />}
        {selection.data && (
          <>
            <SizeForm current={selection.data.portfolioSize} onApply={setSize} />
            {selection.data.ranking.length === 0 ? (
              <Empty>
                <p>
                  No customers to rank yet — <a href="/accounts">add accounts</a> and score them on the criteria.
                </p>
              </Empty>
            ) : (
              <>
                <Portfolio selection={selection.data} />
                <Legend criteria={selection.data.criteria} />
                <Ranking selection={selection.data} onChange={setChanging} onHistory={(r) => setHistoryOf({ accountId: r.accountId, name: r.name })} onScore={setScoring} />
              </>
            )}
          </>
        )}
      </section>
      {historyOf && <History key={`${historyOf.accountId}-${historyTick}`} accountId={historyOf.accountId} name={historyOf.name} onClose={() => setHistoryOf(null)} />}
      {scoring && selection.data && (
        <CriterionScoresDialog
          accountId={scoring.accountId}
          name={scoring.name}
          criteria={selection.data.criteria}
          onClose={() => setScoring(null)}
          onSaved={() => {
            setNotice(`Scores of ${scoring.name} saved; the ranking is updated.`);
            setScoring(null);
            selection.reload();
          }}
        />
      )}
      {changing && <StageDialog row={changing} onClose={() => setChanging(null)} onChanged={(c) => changed(changing, c)} />}
      <PipelineSection pipeline={pipeline} />
      {isAdmin() && selection.data && <CriteriaEditor criteria={selection.data.criteria} onSaved={selection.reload} />}
    </div>
  );
}

function SizeForm({ current, onApply }: { current: number; onApply: (size: number) => void }) {
  const [text, setText] = useState(String(current));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setText(String(current)), [current]);
  const submit = (e: Event) => {
    e.preventDefault();
    const parsed = SelectionQuery.safeParse({ size: text });
    if (!parsed.success) return setError(zodErrors(parsed.error.issues)['size'] ?? 'must be a whole number from 3 to 20');
    setError(undefined);
    onApply(parsed.data.size!);
  };
  return (
    <form class="toolbar" onSubmit={submit} noValidate>
      <Field id="portfolio-size" label="Portfolio size" hint={SIZE_HINT} error={error}>
        <input
          id="portfolio-size"
          type="number"
          inputMode="numeric"
          min={3}
          max={20}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-describedby={describedBy('portfolio-size', error, SIZE_HINT)}
          aria-invalid={error ? true : undefined}
        />
      </Field>
      <button type="submit" class="secondary">
        Suggest
      </button>
    </form>
  );
}

function Portfolio({ selection }: { selection: Selection }) {
  const warned = selection.ranking.filter((r) => r.warnings.length > 0);
  const promote = selection.ranking.filter((r) => r.suggestion === 'promote');
  const review = selection.ranking.filter((r) => r.suggestion === 'review');
  return (
    <div class="program-summary">
      <div class="card">
        <h3>Suggested portfolio ({formatNumber(selection.portfolioSize)} of {formatNumber(selection.candidates)} candidates)</h3>
        <ol class="portfolio-list">
          {selection.portfolio.map((p) => (
            <li key={p.accountId}>
              <a href={`/accounts/${p.accountId}`}>{p.name}</a> — {formatDecimal(p.score)}
              {p.isKeyAccount ? ' (key account now)' : ' (not yet a key account)'}
            </li>
          ))}
        </ol>
        {selection.cutScore !== null && <p class="muted small">Cut-off score: {formatDecimal(selection.cutScore)}</p>}
      </div>
      <div class="card">
        <h3>Suggestions and warnings</h3>
        {promote.length + review.length + warned.length === 0 ? (
          <p>No warnings: the current key accounts are the suggested portfolio.</p>
        ) : (
          <ul class="warning-list">
            {promote.map((r) => (
              <li key={`p-${r.accountId}`}>
                <strong>Consider promoting</strong> {r.name}: in the suggested portfolio but not a key account.
              </li>
            ))}
            {review.map((r) => (
              <li key={`r-${r.accountId}`}>
                <strong>Review</strong> {r.name}: a key account outside the suggested portfolio.
              </li>
            ))}
            {warned.flatMap((r) =>
              r.warnings
                .filter((w) => w.code !== 'below_cut')
                .map((w) => (
                  <li key={`${r.accountId}-${w.code}`}>
                    <span aria-hidden="true">▲ </span>
                    {r.name}: {w.message}
                  </li>
                )),
            )}
          </ul>
        )}
      </div>
    </div>
  );
}

function Legend({ criteria }: { criteria: SelectionCriterion[] }) {
  return (
    <ul class="criteria-legend" aria-label="Criteria and their weights">
      {criteria.map((k, i) => (
        <li key={k.id}>
          <svg width="14" height="14" aria-hidden="true" focusable="false">
            <rect class={`crit-${i % 8}`} width="14" height="14" rx="2" />
          </svg>{' '}
          {k.name} (weight {formatNumber(k.weight)})
        </li>
      ))}
    </ul>
  );
}

/** The score as a stacked bar: one segment per criterion, the segment's width its contribution out of 5. */
function ScoreBar({ row, criteria }: { row: Row; criteria: SelectionCriterion[] }) {
  const W = 160;
  let x = 0;
  const index = new Map(criteria.map((k, i) => [k.id, i]));
  return (
    <svg class="score-bar" width={W} height="14" viewBox={`0 0 ${W} 14`} aria-hidden="true" focusable="false">
      <rect class="score-track" width={W} height="14" rx="2" />
      {row.contributions.map((c) => {
        const width = (Math.max(0, c.contribution) / MAX_SCORE) * W;
        const rect = <rect key={c.criterionId} class={`crit-${(index.get(c.criterionId) ?? 0) % 8}`} x={x} y={0} width={width} height={14} />;
        x += width;
        return rect;
      })}
    </svg>
  );
}

function Ranking({ selection, onChange, onHistory, onScore }: { selection: Selection; onChange: (row: Row) => void; onHistory: (row: Row) => void; onScore: (row: Row) => void }) {
  const mayScore = (r: Row) => isAdmin() || r.ownerId === currentUser.value?.id;
  return (
    <div class="table-wrap">
      <table class="data ranking">
        <caption>All customers and key accounts by weighted score (out of 5), with what each criterion adds</caption>
        <thead>
          <tr>
            <th scope="col" class="num">Rank</th>
            <th scope="col">Account</th>
            <th scope="col" class="num">Score</th>
            <th scope="col">Contributions</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {selection.ranking.map((r) => (
            <tr key={r.accountId} class={r.isKeyAccount ? 'is-key' : undefined}>
              <td class="num">{r.rank}</td>
              <th scope="row">
                <a href={`/accounts/${r.accountId}`}>{r.name}</a>
                <span class="stage-label">{r.isKeyAccount ? <span class="badge key-badge">★ Key account</span> : <span class="badge">{stageLabel(r.stage)}</span>}</span>
              </th>
              <td class="num score">{formatDecimal(r.score)}</td>
              <td class="contrib">
                <ScoreBar row={r} criteria={selection.criteria} />
                <ul class="contrib-list small">
                  {r.contributions.map((c) => (
                    <li key={c.criterionId}>
                      {c.name}: {c.origin === 'missing' ? 'no value' : `+${formatDecimal(c.contribution)}`}
                      {c.origin === 'judgement' && c.normalized !== null ? ` (scored ${c.normalized} of 5)` : ''}
                    </li>
                  ))}
                </ul>
              </td>
              <td class="status">
                {r.suggested ? <span class="badge suggested">In suggested portfolio</span> : <span class="muted">Outside the portfolio</span>}
                {r.suggestion === 'promote' && <div>Suggestion: promote</div>}
                {r.suggestion === 'review' && <div>Suggestion: review</div>}
                {r.warnings
                  .filter((w) => w.code !== 'below_cut')
                  .map((w) => (
                    <div key={w.code} class="warning small">
                      <span aria-hidden="true">▲ </span>
                      {w.message}
                    </div>
                  ))}
              </td>
              <td class="row-actions">
                <button type="button" class="secondary" onClick={() => onChange(r)}>
                  {r.isKeyAccount ? 'Demote' : 'Promote'}
                  <span class="visually-hidden"> {r.name}</span>
                </button>
                <button type="button" class="secondary" onClick={() => onHistory(r)}>
                  History<span class="visually-hidden"> of {r.name}</span>
                </button>
                {mayScore(r) && (
                  <button type="button" class="secondary" onClick={() => onScore(r)}>
                    Scores<span class="visually-hidden"> of {r.name}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Promote or demote with a required reason: a modal dialog, checked with the API's own schema. */
function StageDialog({ row, onClose, onChanged }: { row: Row; onClose: () => void; onChanged: (change: StageChange) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const others = stageOrder.filter((s) => s !== row.stage);
  const [stage, setStage] = useState<Stage>(row.isKeyAccount ? 'customer' : 'key_account');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = ChangeStage.safeParse({ stage, reason });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setFormError('');
    setBusy(true);
    const res = await api.post<StageChange>(`/api/accounts/${row.accountId}/stage`, parsed.data);
    setBusy(false);
    if (!res.ok) {
      setErrors(issuesByField(res.error));
      return setFormError(res.error.message);
    }
    ref.current?.close();
    onChanged(res.data);
  };

  const promoting = stageOrder.indexOf(stage) > stageOrder.indexOf(row.stage);
  return (
    <dialog ref={ref} class="stage-dialog" aria-labelledby="stage-dialog-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="stage-dialog-title">
          {promoting ? 'Promote' : 'Demote'} {row.name}
        </h2>
        <p>
          Now: <strong>{stageLabel(row.stage)}</strong>, score {formatDecimal(row.score)} (rank {row.rank}).
        </p>
        <Field id="stage-to" label="New stage" error={errors['stage']}>
          <select id="stage-to" value={stage} onChange={(e) => setStage(e.currentTarget.value as Stage)} aria-describedby={describedBy('stage-to', errors['stage'])}>
            {others.map((s) => (
              <option key={s} value={s}>
                {stageLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="stage-reason" label="Reason" hint={REASON_HINT} error={errors['reason']}>
          <textarea
            id="stage-reason"
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            aria-describedby={describedBy('stage-reason', errors['reason'], REASON_HINT)}
            aria-invalid={errors['reason'] ? true : undefined}
            required
          />
        </Field>
        {formError && !errors['reason'] && !errors['stage'] && (
          <p class="field-error" role="alert">
            {formError}
          </p>
        )}
        <div class="dialog-actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : promoting ? 'Promote' : 'Demote'}
          </button>
          <button type="button" class="secondary" onClick={() => ref.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

function History({ accountId, name, onClose }: { accountId: string; name: string; onClose: () => void }) {
  const history = useApi<{ data: StageChange[] }>(`/api/accounts/${accountId}/stage-history`);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="stage-history card" aria-labelledby="history-heading">
      <div class="section-head">
        <h2 id="history-heading" tabIndex={-1} ref={heading}>
          Stage history: {name}
        </h2>
        <button type="button" class="secondary" onClick={onClose}>
          Close history
        </button>
      </div>
      {history.loading && !history.data && <Loading what="Loading the history…" />}
      {history.error && <ErrorState error={history.error} retry={history.reload} />}
      {history.data && history.data.data.length === 0 && <p>No stage changes recorded yet.</p>}
      {history.data && history.data.data.length > 0 && (
        <ol class="history-list" reversed>
          {[...history.data.data].reverse().map((h) => (
            <li key={h.id}>
              <strong>
                {h.direction === 'initial' ? `Started as ${stageLabel(h.toStage).toLowerCase()}` : `${humanize(h.direction)}: ${stageLabel(h.fromStage)} → ${stageLabel(h.toStage)}`}
              </strong>{' '}
              — {formatDateTime(h.changedAt)}, decided by {h.decidedBy?.name ?? 'unknown'}
              {h.reason && <blockquote>{h.reason}</blockquote>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function PipelineSection({ pipeline }: { pipeline: ReturnType<typeof useApi<Pipeline>> }) {
  return (
    <section aria-labelledby="pipeline-heading">
      <h2 id="pipeline-heading">Pipeline</h2>
      {pipeline.loading && !pipeline.data && <Loading what="Loading the pipeline…" />}
      {pipeline.error && <ErrorState error={pipeline.error} retry={pipeline.reload} />}
      {pipeline.data && (
        <>
          <ol class="pipeline-now">
            {stageOrder.map((s) => (
              <li key={s}>
                <span class="pipeline-count">{formatNumber(pipeline.data!.now[s])}</span> {stageLabel(s) === 'Key account' ? 'key accounts' : `${s}s`}
              </li>
            ))}
          </ol>
          <div class="table-wrap">
            <table class="data pipeline">
              <caption>
                Accounts per stage at the end of each {pipeline.data.groupBy.replace('_', ' ')}, and how they moved ({pipeline.data.from} to {pipeline.data.to})
              </caption>
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  {stageOrder.map((s) => (
                    <th key={s} scope="col" class="num">
                      {stageLabel(s)}
                    </th>
                  ))}
                  <th scope="col" class="num">Promoted</th>
                  <th scope="col" class="num">Demoted</th>
                  <th scope="col">Movements</th>
                </tr>
              </thead>
              <tbody>
                {pipeline.data.periods.map((p) => (
                  <tr key={p.period}>
                    <th scope="row">{p.period}</th>
                    {stageOrder.map((s) => (
                      <td key={s} class="num">
                        {formatNumber(p.atEnd[s])}
                      </td>
                    ))}
                    <td class="num">{formatNumber(p.promotions)}</td>
                    <td class="num">{formatNumber(p.demotions)}</td>
                    <td class="small">
                      {p.movements.length === 0
                        ? 'No movement'
                        : p.movements.map((m) => `${stageLabel(m.from)} → ${stageLabel(m.to)}: ${m.count}`).join('; ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

type CriterionChange = z.infer<typeof UpdateSelectionCriterion>;

/** Admins: the weight of each criterion and whether it counts. */
function CriteriaEditor({ criteria, onSaved }: { criteria: SelectionCriterion[]; onSaved: () => void }) {
  const all = useApi<{ data: SelectionCriterion[] }>('/api/key-accounts/criteria');
  const [tick, setTick] = useState(0);
  const list = all.data?.data ?? criteria;
  return (
    <section aria-labelledby="criteria-heading">
      <h2 id="criteria-heading">Selection criteria (admins)</h2>
      <p class="muted">Weights are relative (0–100): a criterion with twice the weight counts twice as much in the score.</p>
      {all.error && <ErrorState error={all.error} retry={all.reload} />}
      <div class="criteria-grid">
        {list.map((k) => (
          <CriterionForm
            key={`${k.id}-${tick}`}
            criterion={k}
            onSaved={() => {
              setTick((t) => t + 1);
              all.reload();
              onSaved();
            }}
          />
        ))}
      </div>
    </section>
  );
}

function CriterionForm({ criterion, onSaved }: { criterion: SelectionCriterion; onSaved: () => void }) {
  const [weight, setWeight] = useState(String(criterion.weight));
  const [enabled, setEnabled] = useState(criterion.enabled);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `criterion-${criterion.id}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const change: CriterionChange = { weight: weight.trim() === '' ? Number.NaN : Number(weight), enabled };
    const parsed = UpdateSelectionCriterion.safeParse(change);
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setStatus('');
    setBusy(true);
    const res = await api.patch<SelectionCriterion>(`/api/key-accounts/criteria/${criterion.id}`, parsed.data);
    setBusy(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { weight: res.error.message });
    }
    setStatus('Saved');
    onSaved();
  };
  return (
    <form class="criterion-form card" onSubmit={submit} noValidate>
      <fieldset>
        <legend>{criterion.name}</legend>
        <p class="muted small">{criterion.source === 'judgement' ? 'A 1–5 judgement per account' : `From the account: ${humanize(criterion.source)}`}</p>
        <Field id={`${id}-weight`} label="Weight (0–100)" error={errors['weight']}>
          <input
            id={`${id}-weight`}
            type="number"
            min={0}
            max={100}
            value={weight}
            onInput={(e) => setWeight(e.currentTarget.value)}
            aria-describedby={describedBy(`${id}-weight`, errors['weight'])}
            aria-invalid={errors['weight'] ? true : undefined}
          />
        </Field>
        <div class="check">
          <input id={`${id}-enabled`} type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} aria-describedby={errors['enabled'] ? `${id}-enabled-error` : undefined} />
          <label for={`${id}-enabled`}>Counts in the score</label>
        </div>
        {errors['enabled'] && (
          <p class="field-error" id={`${id}-enabled-error`} role="alert">
            {errors['enabled']}
          </p>
        )}
        <div class="criterion-save">
          <button type="submit" class="secondary" disabled={busy}>
            Save<span class="visually-hidden"> {criterion.name}</span>
          </button>
          <span role="status" class="small">
            {status}
          </span>
        </div>
      </fieldset>
    </form>
  );
}
