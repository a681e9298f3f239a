import { useEffect, useRef, useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { Loading, ErrorState } from './states.js';
import { zodErrors } from './field.js';
import { PutCriterionScores, type SelectionCriterion } from '../../../shared/schemas/program.js';
import type { z } from 'zod';

type Scores = { accountId: string; data: { criterionId: string; score: number; note: string | null; scoredBy: { id: string; name: string } | null; scoredAt: string }[] };
type Input = z.infer<typeof PutCriterionScores>;
const LEVELS = [1, 2, 3, 4, 5] as const;

/**
 * The 1–5 judgements of one account on the selection criteria that are not read from the account: a modal
 * dialog with one radio group per criterion ("not scored" clears it), checked with the API's own schema.
 */
export function CriterionScoresDialog({
  accountId,
  name,
  criteria,
  onClose,
  onSaved,
}: {
  accountId: string;
  name: string;
  criteria: SelectionCriterion[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const current = useApi<Scores>(`/api/accounts/${accountId}/criteria-scores`);
  const judged = criteria.filter((k) => k.source === 'judgement');
  const [values, setValues] = useState<Record<string, number | null> | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  useEffect(() => {
    if (!current.data || values) return;
    const byId = new Map(current.data.data.map((s) => [s.criterionId, s.score]));
    setValues(Object.fromEntries(judged.map((k) => [k.id, byId.get(k.id) ?? null])));
  }, [current.data]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!values || !current.data) return;
    const notes = new Map(current.data.data.map((s) => [s.criterionId, s.note]));
    const body: Input = { scores: judged.map((k) => ({ criterionId: k.id, score: values[k.id] ?? null, note: notes.get(k.id) ?? null })) };
    const parsed = PutCriterionScores.safeParse(body);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error.issues));
      return setFormError(parsed.error.issues[0]?.message ?? 'Check the scores');
    }
    setErrors({});
    setFormError('');
    setBusy(true);
    const res = await api.put<Scores>(`/api/accounts/${accountId}/criteria-scores`, parsed.data);
    setBusy(false);
    if (!res.ok) {
      setErrors(issuesByField(res.error));
      return setFormError(res.error.message);
    }
    ref.current?.close();
    onSaved();
  };

  const errorOf = (i: number) => errors[`scores.${i}.score`] ?? errors[`scores.${i}.criterionId`];
  return (
    <dialog ref={ref} class="stage-dialog scores-dialog" aria-labelledby="scores-dialog-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="scores-dialog-title">Scores of {name}</h2>
        <p class="muted small">1 = poor fit, 5 = excellent fit. Criteria read from the account (revenue, profit, value) are not scored here.</p>
        {current.loading && !current.data && <Loading what="Loading the scores…" />}
        {current.error && <ErrorState error={current.error} retry={current.reload} />}
        {values && judged.length === 0 && <p>No criterion is judged by hand: all come from the account's figures.</p>}
        {values &&
          judged.map((k, i) => {
            const id = `score-${k.id}`;
            const error = errorOf(i);
            return (
              <fieldset key={k.id} class="score-group" aria-describedby={error ? `${id}-error` : undefined}>
                <legend>{k.name}</legend>
                {k.description && <p class="muted small">{k.description}</p>}
                <div class="score-options">
                  {LEVELS.map((n) => (
                    <label key={n} class="score-option">
                      <input type="radio" name={id} value={n} checked={values[k.id] === n} onChange={() => setValues({ ...values, [k.id]: n })} /> {n}
                    </label>
                  ))}
                  <label class="score-option">
                    <input type="radio" name={id} value="" checked={values[k.id] === null} onChange={() => setValues({ ...values, [k.id]: null })} /> Not scored
                  </label>
                </div>
                {error && (
                  <p class="field-error" id={`${id}-error`} role="alert">
                    {error}
                  </p>
                )}
              </fieldset>
            );
          })}
        {formError && Object.keys(errors).length === 0 && (
          <p class="field-error" role="alert">
            {formError}
          </p>
        )}
        <div class="dialog-actions">
          <button type="submit" disabled={busy || !values || judged.length === 0}>
            {busy ? 'Saving…' : 'Save scores'}
          </button>
          <button type="button" class="secondary" onClick={() => ref.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
