import type { Answers, AnswerValue, SurveyDefinition } from '../../shared/schemas/survey.js';
import { localize } from '../../shared/i18n.js';

export type RuleCondition =
  | { kind: 'range'; min: number; max: number }
  | { kind: 'equals'; value: string | number | boolean }
  | { kind: 'answered' };

export interface RuleLike {
  id: string;
  questionKey: string;
  condition: RuleCondition;
  title: string;
  enabled: boolean;
}

/** The rules every installation starts with; admins can edit them or switch them off. */
export const defaultRules = [
  { key: 'nps_detractor', name: 'NPS detractor (0–6)', questionKey: 'nps', condition: { kind: 'range', min: 0, max: 6 }, priority: 'high', dueInBusinessDays: 2, title: 'Call {contact}: NPS {answer}' },
  { key: 'nps_passive', name: 'NPS passive (7–8)', questionKey: 'nps', condition: { kind: 'range', min: 7, max: 8 }, priority: 'normal', dueInBusinessDays: 5, title: 'Follow up with {contact}: NPS {answer}' },
  { key: 'audit_low_marks', name: 'Audit: marks out of ten ≤ 6', questionKey: 'marks', condition: { kind: 'range', min: 0, max: 6 }, priority: 'high', dueInBusinessDays: 2, title: 'Low marks from {contact}: {answer}/10' },
  { key: 'audit_unresolved_issues', name: 'Audit: unresolved issues reported', questionKey: 'unresolved_issues', condition: { kind: 'answered' }, priority: 'high', dueInBusinessDays: 5, title: 'Resolve the issues {contact} reported' },
  { key: 'audit_supplier', name: 'Audit: sees us as a supplier, not a partner', questionKey: 'supplier_or_partner', condition: { kind: 'equals', value: 'supplier' }, priority: 'normal', dueInBusinessDays: 10, title: 'Build the relationship with {contact}: they see us as a supplier' },
  { key: 'pulse_low_mark', name: 'Pulse after an event: mark 1–6', questionKey: 'pulse_rating', condition: { kind: 'range', min: 1, max: 6 }, priority: 'high', dueInBusinessDays: 2, title: 'Low pulse from {contact}: {answer}/10' },
] as const;

function present(value: AnswerValue | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'object') return value.selected.length > 0 || Boolean(value.other?.trim());
  return true;
}

export function conditionHolds(condition: RuleCondition, value: AnswerValue | null | undefined): boolean {
  if (!present(value)) return false;
  switch (condition.kind) {
    case 'answered':
      return true;
    case 'range':
      return typeof value === 'number' && value >= condition.min && value <= condition.max;
    case 'equals':
      if (typeof value === 'object' && value !== null) return value.selected.includes(String(condition.value));
      return value === condition.value;
  }
}

/** An answer as a person reads it. */
export function answerText(value: AnswerValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return [...value.selected, ...(value.other ? [value.other] : [])].join(', ');
  return String(value);
}

export interface RuleMatch<R extends RuleLike> {
  rule: R;
  title: string;
  /** The customer's own words: the matched answer and the free-text answers around it. */
  description: string;
}

/**
 * Which rules a response triggers, with the task text. The description quotes the customer: the answer
 * that triggered the rule, then every text answer of the response, in the question order.
 */
export function matchRules<R extends RuleLike>(
  rules: R[],
  answers: Answers,
  definition: SurveyDefinition,
  context: { contactName: string; companyName: string },
): RuleMatch<R>[] {
  const texts = definition.questions
    .filter((q) => q.kind === 'text' && present(answers[q.key]))
    .map((q) => `${localize(q.text, 'en', { company: context.companyName })}\n“${answerText(answers[q.key])}”`);
  return rules
    .filter((rule) => rule.enabled && conditionHolds(rule.condition, answers[rule.questionKey]))
    .map((rule) => {
      const question = definition.questions.find((q) => q.key === rule.questionKey);
      const answer = answerText(answers[rule.questionKey]);
      const fill = (text: string) => text.replace(/\{contact\}/g, context.contactName).replace(/\{answer\}/g, answer);
      const lead = question ? `${localize(question.text, 'en', { company: context.companyName })}\nAnswer: “${answer}”` : `Answer: “${answer}”`;
      return { rule, title: fill(rule.title).slice(0, 200), description: [lead, ...texts.filter((t) => !t.startsWith(lead))].join('\n\n') };
    });
}
