import { checkAnswers } from './answers.js';
import type { Answers, Question, SurveyDefinition } from './schemas/survey.js';

/**
 * A long survey (the key-account audit) is shown one section at a time: a section starts at each question with a
 * heading (and at the first question). A survey without headings is one section, shown whole.
 */
export function sectionsOf(definition: SurveyDefinition): Question[][] {
  const sections: Question[][] = [];
  for (const question of definition.questions) {
    if (sections.length === 0 || question.heading) sections.push([]);
    sections[sections.length - 1]!.push(question);
  }
  return sections.length ? sections : [[]];
}

/** A requested section number (1-based, from `?section=` or the form) kept within the survey's sections. */
export function clampSection(definition: SurveyDefinition, requested: unknown): number {
  const total = sectionsOf(definition).length;
  const n = typeof requested === 'number' ? requested : Number.parseInt(String(requested ?? ''), 10);
  return Number.isInteger(n) ? Math.min(Math.max(n, 1), total) : 1;
}

/** The section (1-based) a question is in. */
export function sectionOfQuestion(definition: SurveyDefinition, key: string): number {
  const index = sectionsOf(definition).findIndex((section) => section.some((q) => q.key === key));
  return index < 0 ? 1 : index + 1;
}

/** The first section (1-based) holding one of these question keys (errors), or null when there are none. */
export function firstSectionWith(definition: SurveyDefinition, keys: string[]): number | null {
  const sections = sectionsOf(definition);
  const index = sections.findIndex((section) => section.some((q) => keys.includes(q.key)));
  return index < 0 ? null : index + 1;
}

/**
 * What stops the respondent from leaving a section forwards: its required questions left empty (and any invalid
 * answer in it), question key → message in the respondent's language. Earlier and later sections are not judged.
 */
export function sectionErrors(definition: SurveyDefinition, section: number, answers: Answers, lang: string): Record<string, string> {
  const questions = sectionsOf(definition)[section - 1] ?? [];
  const own: Answers = {};
  for (const q of questions) own[q.key] = answers[q.key] ?? null;
  const subset: SurveyDefinition = { ...definition, questions };
  return checkAnswers(subset, own, { complete: true, lang }).errors;
}
