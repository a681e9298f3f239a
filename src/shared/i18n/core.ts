import type { LocalizedText } from '../schemas/survey.js';
import type { MessageKey, Messages } from './en.js';

export type { MessageKey, Messages };

/**
 * Interface texts of the respondent-facing pages and emails, without the catalogues themselves: the browser
 * imports this module, and the survey page's script gets only the respondent's catalogue (a JSON block in the
 * page, see `pageMessages`), not all of them. The server registers every catalogue by importing ../i18n.ts.
 */
const registered: Record<string, Partial<Messages>> = Object.create(null);

/** Makes a catalogue available to `t` (the server: all of them, at start; the survey page: the respondent's). */
export function addCatalogue(lang: string, messages: Partial<Messages>): void {
  registered[lang.toLowerCase()] = messages;
}

/** The interface language for a BCP 47 tag: exact, then the base language, then English. */
export function uiLanguage(tag: string): string {
  const lower = tag.toLowerCase();
  if (lower in registered) return lower;
  const base = lower.split('-')[0]!;
  return base in registered ? base : 'en';
}

export function t(lang: string, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = registered[uiLanguage(lang)]?.[key] ?? registered.en?.[key] ?? key;
  // One pass over the template: a value containing "{company}" is not expanded again.
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** Keys used only in emails, or only on pages rendered on the server (the shared plan): never sent to the browser. */
const emailOnly = (key: string) => key.startsWith('email') || key.startsWith('loop') || key.startsWith('plan');

/** What the survey page's script needs of the respondent's catalogue: every text but the emails'. */
export function pageMessages(lang: string): { lang: string; messages: Partial<Messages> } {
  const ui = uiLanguage(lang);
  const all = registered[ui] ?? {};
  return { lang: ui, messages: Object.fromEntries(Object.entries(all).filter(([key]) => !emailOnly(key))) };
}

/** Picks a survey text in the respondent's language, falling back to the base language, then English. */
export function localize(text: LocalizedText, lang: string, vars: Record<string, string> = {}): string {
  const base = lang.split('-')[0]!;
  const chosen = text[lang] ?? text[base] ?? text.en!;
  return chosen.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The language a survey will be shown in for a contact. */
export function surveyLanguage(available: string[], contactLanguage: string): string {
  if (available.includes(contactLanguage)) return contactLanguage;
  const base = contactLanguage.split('-')[0]!;
  return available.includes(base) ? base : 'en';
}
