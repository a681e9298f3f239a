/** Numbers, money and dates in the reader's own locale (the browser's language). */
const locale = typeof navigator === 'undefined' ? 'en' : navigator.language;

const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const dayTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

/** One minus sign everywhere: U+2212 (some locales' Intl output, e.g. English, uses the hyphen-minus). */
const realMinus = (text: string) => text.replace('-', '−');

export const formatNumber = (n: number | null | undefined) => (n === null || n === undefined ? '—' : realMinus(integer.format(n)));
export const formatDecimal = (n: number | null | undefined) => (n === null || n === undefined ? '—' : realMinus(oneDecimal.format(n)));
const finePercent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
/** A relative change with its sign: 0.12 → "+12%", 0.003 → "+0.3%" (a small change is not shown as "+0%"). */
export function formatPercentChange(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  const text = realMinus((Math.abs(share) < 0.1 ? finePercent : percent).format(share));
  return share > 0 ? `+${text}` : text;
}
/** Hours as a person reads them: "18.2 h" under two days, else "30 days". */
export const formatHours = (h: number | null | undefined) =>
  h === null || h === undefined ? '—' : h < 48 ? `${formatDecimal(h)} h` : `${formatDecimal(h / 24)} days`;
/** 0.42 → "42%". */
export const formatPercent = (share: number | null | undefined) => (share === null || share === undefined ? '—' : realMinus(percent.format(share)));

/** The UI is written in English, so the word's form follows English rules; the number follows the reader's locale. */
const englishPlural = new Intl.PluralRules('en');
/** "1 task", "2 tasks", "1,204 answers": the count with the right form of the word (`many` defaults to one + "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${englishPlural.select(n) === 'one' ? one : many}`;
}

const marginFormat = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** An NPS with what stands behind it, as the APIs give it for one period. */
export interface NpsFigure {
  nps: number | null;
  /** Margin of error in points (95 %); null without answers. */
  margin: number | null;
  responses: number;
  /** Contacts asked, when everyone asked answered (the margin is then 0). */
  asked?: number | null;
  everyoneAnswered?: boolean;
}

/** A margin of error: "±12.3" (one decimal, always); "" when unknown or when it rounds to 0 — never "±0.0". */
export function formatMargin(margin: number | null | undefined): string {
  if (margin === null || margin === undefined || Math.round(margin * 10) === 0) return '';
  return `±${marginFormat.format(margin)}`;
}

/**
 * The margin part of an NPS: "±12.3", "all 4 contacts answered" when everyone asked answered (the margin is then
 * 0), and nothing when no margin is known.
 */
export function formatNpsMargin(f: NpsFigure): string {
  if (f.nps === null) return '';
  if (f.everyoneAnswered && f.asked) return f.asked === 1 ? 'the 1 contact asked answered' : `all ${formatNumber(f.asked)} contacts answered`;
  return formatMargin(f.margin);
}

/** "+30 ±12.3 · 8 answers", "+75 · all 4 contacts answered", "−100 ±54.8 · 1 answer", or "—" without answers. */
export function formatNpsFigure(f: NpsFigure): string {
  if (f.nps === null) return '—';
  const margin = formatNpsMargin(f);
  if (f.everyoneAnswered && f.asked) return `${formatNps(f.nps)} · ${margin}`;
  return `${formatNps(f.nps)}${margin ? ` ${margin}` : ''} · ${plural(f.responses, 'answer')}`;
}

/** The installation's one currency (ISO 4217), as the app shell embeds it; the admin's Settings page changes it. */
let money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
export function setCurrency(code: string): void {
  try {
    money = new Intl.NumberFormat(locale, { style: 'currency', currency: code, maximumFractionDigits: 0 });
  } catch {
    // An unknown code keeps the previous currency rather than breaking every page.
  }
}

/** Money is stored in minor units (cents) of the installation's one currency: "€2,400,000", "−$1,200". */
export const formatMoney = (cents: number | null | undefined) =>
  cents === null || cents === undefined ? '—' : money.format(cents / 100).replace('-', '−');

/** NPS with its sign: "+32", "−5", "0". */
export function formatNps(nps: number | null | undefined): string {
  if (nps === null || nps === undefined) return '—';
  const rounded = Math.round(nps);
  return rounded > 0 ? `+${rounded}` : rounded < 0 ? `−${Math.abs(rounded)}` : '0';
}

/** Why a change between two periods is or is not called significant (the API's `change.reason`), in words. */
export function formatChangeReason(reason: 'no_previous' | 'no_current' | 'too_few_answers' | 'within_margin' | 'beyond_margin'): string {
  switch (reason) {
    case 'beyond_margin':
      return 'significant';
    case 'within_margin':
      return 'within the margin of error';
    case 'too_few_answers':
      return 'too few answers to tell';
    default:
      return 'nothing to compare with';
  }
}

/** "2026-03-01" or an ISO timestamp → "Mar 1, 2026" (calendar dates are not shifted by the time zone). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00`) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : day.format(date);
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dayTime.format(date);
}

/** Whole days from today to a calendar date (negative when past). */
export function daysUntil(isoDate: string, now = new Date()): number {
  const target = new Date(`${isoDate.slice(0, 10)}T00:00:00`);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((target.getTime() - today.getTime()) / 86_400_000);
}

/** "in 12 days", "today", "3 days ago". */
export function relativeDays(isoDate: string | null | undefined, now = new Date()): string {
  if (!isoDate) return '—';
  const days = daysUntil(isoDate, now);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return days > 0 ? `in ${integer.format(days)} days` : `${integer.format(-days)} days ago`;
}

/** Enum values for people: "account_manager" → "Account manager". */
export const humanize = (value: string | null | undefined) =>
  value ? value.charAt(0).toUpperCase() + value.slice(1).replaceAll('_', ' ') : '—';
