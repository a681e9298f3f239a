import type { AnswerValue, Answers } from '../../shared/schemas/survey.js';

/** What an erased contact is called from then on (the row stays, so answers and tasks keep pointing at it). */
export const ERASED_NAME = 'Erased contact';
/** What replaces the person's name, address or words in text the app copied them into. */
export const REDACTED = '[erased]';

/**
 * The answers without the person's words: scores, yes/no and chosen options stay, as anonymous numbers, so
 * NPS and trends do not move. A written answer becomes null rather than disappearing, so the response still
 * counts as answered (response rates and per-question "answered" counts of scores are unchanged).
 */
export function anonymizeAnswers(answers: Answers): Answers {
  const out: Answers = {};
  for (const [key, value] of Object.entries(answers)) {
    if (typeof value === 'string') out[key] = null;
    else if (value && typeof value === 'object') out[key] = value.selected.length ? { selected: [...value.selected] } : null;
    else out[key] = value;
  }
  return out;
}

/** Everything the person wrote in their own words: text answers and the "other" of a choice. */
export function wordsOf(answers: Answers): string[] {
  return Object.values(answers).flatMap((value: AnswerValue | null) => {
    if (typeof value === 'string') return [value];
    if (value && typeof value === 'object' && value.other) return [value.other];
    return [];
  });
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const worthMatching = (s: string) => /[\p{L}\p{N}]/u.test(s);

/**
 * The strings to take out of copied text, longest first (so a whole sentence goes before a line of it): each as
 * written, and as an HTML email body holds it (escaped, line breaks as `<br>`), since stored emails keep both.
 * A written answer is also taken line by line, because templates split quotes into paragraphs.
 */
export function secretsOf(values: (string | null | undefined)[]): string[] {
  const found = new Set<string>();
  const add = (s: string) => {
    const trimmed = s.trim();
    if (!worthMatching(trimmed)) return;
    found.add(trimmed);
    found.add(escapeHtml(trimmed));
    found.add(escapeHtml(trimmed).replace(/\r?\n/g, '<br>'));
  };
  for (const value of values) {
    if (!value) continue;
    add(value);
    for (const line of value.split(/\r?\n/)) add(line);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A text with every secret replaced by "[erased]", case-insensitively and only where it stands as a whole (not
 * inside a longer word: erasing "Ann" must not change "Annual"). Null stays null.
 */
export function redact(text: string | null, secrets: string[]): string | null {
  if (text === null || !secrets.length) return text;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${secrets.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  return text.replace(pattern, REDACTED);
}

/** `redact` over every string inside a JSON value (plan-change records keep the values that changed). */
export function redactJson<T>(value: T, secrets: string[]): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, secrets)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v, secrets)])) as T;
  }
  return value;
}
