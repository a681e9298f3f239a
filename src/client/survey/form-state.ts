import type { AnswerValue, Answers, Question, SurveyDefinition } from '../../shared/schemas/survey.js';
import type { SurveyPageProps } from './types.js';

/**
 * The value of the "other" choice in the plain HTML form. `answersFromForm` drops it from `selected`
 * and keeps the text of `q.<key>.other`.
 */
export const OTHER = '__other';

/** A choice as the form shows it: `other` is present (maybe still empty) while "Other" is ticked. */
export interface ChoiceValue {
  selected: string[];
  other?: string;
}

/** What each input shows, by question key. Choices use ChoiceValue; nothing here is sent as is. */
export type FormValues = Record<string, AnswerValue | null | undefined>;

/** The id of a question's first input: error summary links point at it. */
export function fieldId(question: Question): string {
  return question.kind === 'text' ? `q-${question.key}` : `q-${question.key}-0`;
}

export function npsKeyOf(definition: SurveyDefinition): string | undefined {
  return definition.questions.find((q) => q.kind === 'nps')?.key;
}

/** The page opens on the score alone: the respondent came from a score link and has not confirmed yet. */
export function opensOnScore(props: Readonly<SurveyPageProps>): boolean {
  return props.view === 'form' && props.preselectedScore !== null && !props.scoreJustSaved && npsKeyOf(props.definition) !== undefined;
}

/** The values the form starts with: the saved (or just posted) answers, and the score from the email link. */
export function initialValues(props: Readonly<SurveyPageProps>): FormValues {
  const values: FormValues = {};
  for (const q of props.definition.questions) {
    const saved = props.answers[q.key];
    if (q.kind === 'choice' && saved && typeof saved === 'object') {
      const other = typeof saved.other === 'string' && saved.other.trim() ? saved.other : undefined;
      values[q.key] = other === undefined ? { selected: saved.selected } : { selected: saved.selected, other };
    } else values[q.key] = saved;
  }
  const npsKey = npsKeyOf(props.definition);
  if (npsKey && opensOnScore(props)) values[npsKey] = props.preselectedScore;
  return values;
}

/** One form value as the API takes it: empty answers become null (which clears a saved answer). */
export function toAnswer(question: Question, value: AnswerValue | null | undefined): AnswerValue | null {
  if (value === undefined || value === null) return null;
  if (question.kind === 'choice' && typeof value === 'object') {
    const other = value.other?.trim() ? value.other : undefined;
    return value.selected.length || other ? { selected: value.selected, ...(other ? { other } : {}) } : null;
  }
  if (typeof value === 'string') return value.trim() ? value : null;
  return value;
}

/** Every answer of the form, for the final submit. */
export function toAnswers(definition: SurveyDefinition, values: Readonly<FormValues>): Answers {
  return Object.fromEntries(definition.questions.map((q) => [q.key, toAnswer(q, values[q.key])]));
}

/** Ticks or unticks a choice option (the "other" option included); a single choice keeps one. */
export function toggleChoice(question: Question & { kind: 'choice' }, current: ChoiceValue | undefined, option: string, checked: boolean): ChoiceValue {
  const now: ChoiceValue = current ?? { selected: [] };
  if (!question.multiple) {
    if (!checked) return now;
    return option === OTHER ? { selected: [], other: now.other ?? '' } : { selected: [option] };
  }
  if (option === OTHER) return checked ? { ...now, other: now.other ?? '' } : { selected: now.selected };
  const selected = now.selected.filter((v) => v !== option);
  if (checked) selected.push(option);
  // Keep the question's order, so saved answers read the same however they were clicked.
  const order = question.options.map((o) => o.value);
  selected.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { ...now, selected };
}

/** Typing an "other" text ticks "Other" (and, for a single choice, unticks the rest). */
export function typeOther(question: Question & { kind: 'choice' }, current: ChoiceValue | undefined, text: string): ChoiceValue {
  return question.multiple ? { selected: current?.selected ?? [], other: text } : { selected: [], other: text };
}
