/** Numbers, money and dates in the reader's own locale (the browser's language). */
const locale = typeof navigator === 'undefined' ? 'en' : navigator.language;

const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const dayTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

export const formatNumber = (n: number | null | undefined) => (n === null || n === undefined ? '—' : integer.format(n));
export const formatDecimal = (n: number | null | undefined) => (n === null || n === undefined ? '—' : oneDecimal.format(n));
/** 0.42 → "42%". */
export const formatPercent = (share: number | null | undefined) => (share === null || share === undefined ? '—' : percent.format(share));

/** Money is stored in minor units (cents) of the installation's one currency; shown without a symbol. */
export const formatMoney = (cents: number | null | undefined) =>
  cents === null || cents === undefined ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(cents / 100);

/** NPS with its sign: "+32", "−5", "0". */
export function formatNps(nps: number | null | undefined): string {
  if (nps === null || nps === undefined) return '—';
  const rounded = Math.round(nps);
  return rounded > 0 ? `+${rounded}` : rounded < 0 ? `−${Math.abs(rounded)}` : '0';
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
