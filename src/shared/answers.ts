import { t } from './i18n/core.js';
import type { AnswerValue, Answers, Question, SurveyDefinition } from './schemas/survey.js';

import type { NpsCategory } from './schemas/response.js';
export type { NpsCategory };

/** The standard NPS buckets: 9–10 promoters, 7–8 passives, 0–6 detractors. */
export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

const MAX_TEXT = 5000;

function isEmpty(value: AnswerValue | null | undefined): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (typeof value === 'object') return value.selected.length === 0 && !value.other?.trim();
  return false;
}

/** Checks one answer against its question; returns a message in the respondent's language, or null. */
export function checkAnswer(question: Question, value: AnswerValue | null | undefined, lang: string): string | null {
  if (isEmpty(value)) return null;
  switch (question.kind) {
    case 'nps':
    case 'rating': {
      const [min, max] = question.kind === 'nps' ? [0, 10] : [question.min, question.max];
      return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
        ? null
        : t(lang, 'outOfRange', { min, max });
    }
    case 'text':
      if (typeof value !== 'string') return t(lang, 'invalid');
      return value.length > MAX_TEXT ? t(lang, 'tooLong') : null;
    case 'yes_no':
      return typeof value === 'boolean' ? null : t(lang, 'invalid');
    case 'choice': {
      if (typeof value !== 'object' || value === null) return t(lang, 'chooseOption');
      const allowed = new Set(question.options.map((o) => o.value));
      if (value.selected.some((v) => !allowed.has(v))) return t(lang, 'chooseOption');
      if (!question.multiple && value.selected.length + (value.other?.trim() ? 1 : 0) > 1) return t(lang, 'chooseOption');
      if (value.other?.trim() && !question.allowOther) return t(lang, 'invalid');
      return null;
    }
  }
}

export interface AnswerCheck {
  /** The answers worth keeping (empty ones dropped, texts trimmed). */
  answers: Answers;
  /** Question key → message. */
  errors: Record<string, string>;
}

/**
 * Validates answers against a survey. Unknown keys are errors (a stale form must not write junk);
 * `complete` additionally demands every required question.
 */
export function checkAnswers(definition: SurveyDefinition, input: Answers, options: { complete: boolean; lang: string }): AnswerCheck {
  const byKey = new Map(definition.questions.map((q) => [q.key, q]));
  const errors: Record<string, string> = {};
  const answers: Answers = {};
  for (const [key, value] of Object.entries(input)) {
    const question = byKey.get(key);
    if (!question) {
      errors[key] = t(options.lang, 'invalid');
      continue;
    }
    const problem = checkAnswer(question, value, options.lang);
    if (problem) errors[key] = problem;
    else if (isEmpty(value)) answers[key] = null;
    else answers[key] = typeof value === 'string' ? value.trim() : value;
  }
  if (options.complete) {
    for (const q of definition.questions) {
      if (q.required && isEmpty(input[q.key]) && !errors[q.key]) errors[q.key] = t(options.lang, 'required');
    }
  }
  return { answers, errors };
}

/** Merges newly saved answers over earlier ones; a null clears an answer. */
export function mergeAnswers(previous: Answers, next: Answers): Answers {
  const merged: Answers = { ...previous };
  for (const [key, value] of Object.entries(next)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * Reads a plain HTML form post (JavaScript off) into answers. Fields are named `q.<key>`;
 * choice "other" texts `q.<key>.other`. Only questions present in the form are returned.
 */
export function answersFromForm(definition: SurveyDefinition, form: Record<string, string | string[]>): Answers {
  const answers: Answers = {};
  const values = (name: string): string[] => {
    const v = form[name];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  for (const q of definition.questions) {
    const name = `q.${q.key}`;
    const raw = values(name);
    const present = name in form || `${name}.other` in form;
    if (!present) continue;
    const first = raw[0]?.trim() ?? '';
    switch (q.kind) {
      case 'nps':
      case 'rating':
        answers[q.key] = first === '' ? null : /^-?\d+$/.test(first) ? Number(first) : (first as unknown as number);
        break;
      case 'text':
        answers[q.key] = first === '' ? null : first;
        break;
      case 'yes_no':
        answers[q.key] = first === 'yes' ? true : first === 'no' ? false : first === '' ? null : (first as unknown as boolean);
        break;
      case 'choice': {
        const other = values(`${name}.other`)[0]?.trim();
        const selected = raw.filter((v) => v !== '' && v !== '__other');
        answers[q.key] = selected.length || other ? { selected, ...(other ? { other } : {}) } : null;
        break;
      }
    }
  }
  return answers;
}

/** The NPS score in a set of answers, if the survey asks it and it was answered. */
export function npsScoreOf(definition: SurveyDefinition, answers: Answers): number | null {
  const q = definition.questions.find((x) => x.kind === 'nps');
  const v = q ? answers[q.key] : undefined;
  return typeof v === 'number' ? v : null;
}
