import * as z from 'zod';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/**
 * The installation settings an admin can change in the workspace. Each starts as its environment variable
 * (KEYPULSE_EMAIL_FROM, KEYPULSE_TIMEZONE, KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS, KEYPULSE_COMPANY_NAME,
 * KEYPULSE_ACCENT_COLOR, KEYPULSE_CURRENCY); a saved value overrides it. The logo has no environment variable.
 */

const plainEmail = z.email();

/** `surveys@example.com` or `Example Co <surveys@example.com>`. */
export function isSender(text: string): boolean {
  const named = /^([^<>]*?)\s*<([^<>\s]+)>$/.exec(text);
  const address = named ? named[2]! : text;
  if (named && /["\r\n]/.test(named[1]!)) return false;
  return plainEmail.safeParse(address).success;
}

/** A real IANA time zone (what `Intl` accepts), e.g. Europe/Madrid. */
export function isTimeZone(text: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]+$/.test(text)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: text });
    return true;
  } catch {
    return false;
  }
}

export const EmailFrom = z
  .string()
  .trim()
  .min(3, { message: 'is required' })
  .max(200, { message: 'must be at most 200 characters' })
  .refine(isSender, { message: 'must be an email address, or a name and address like "Keypulse <surveys@example.com>"' });

export const TimeZone = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(64)
  .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Madrid' });

export const SurveyWindowDays = z
  .number({ message: 'must be a whole number of days' })
  .int({ message: 'must be a whole number of days' })
  .min(0, { message: 'must be between 0 and 365' })
  .max(365, { message: 'must be between 0 and 365' });

/** An ISO 4217 currency code that `Intl.NumberFormat` knows (EUR, USD, GBP, …). */
export function isCurrency(text: string): boolean {
  if (!/^[A-Z]{3}$/.test(text)) return false;
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const known = intl.supportedValuesOf?.('currency');
  if (known) return known.includes(text);
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: text });
    return true;
  } catch {
    return false;
  }
}

export const Currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCurrency, { message: 'must be a three-letter ISO 4217 currency code such as EUR, USD or GBP' });

export const CompanyName = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(100, { message: 'must be at most 100 characters' })
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { message: 'must be on one line' });

export const AccentColor = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => /^#[0-9a-f]{6}$/.test(v), { message: 'must be a colour like #0b57d0 (# and six hexadecimal digits)' });

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The dark text colour put on light accents. */
export const DARK_TEXT = '#000000';

/**
 * The text colour for labels on the accent (buttons, the picked score): white or near-black, whichever contrasts
 * more. Every #rrggbb gives at least 4.58:1 with one of the two (pure black, not a softer dark: with #111 the worst
 * accent gets only 4.35:1), so any accent an admin picks keeps AA text.
 */
export function textOnAccent(accent: string): string {
  return contrastRatio(accent, '#ffffff') >= contrastRatio(accent, DARK_TEXT) ? '#ffffff' : DARK_TEXT;
}

/** The accent as link or border colour on a background: darkened (or lightened) step by step until it has 4.5:1. */
export function accentOn(accent: string, background: string): string {
  const towards = luminance(background) > 0.5 ? 0 : 255;
  let [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(accent.slice(i, i + 2), 16)) as [number, number, number];
  const hex = () => `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
  for (let step = 0; step < 40 && contrastRatio(hex(), background) < 4.5; step++) {
    r += (towards - r) * 0.1;
    g += (towards - g) * 0.1;
    b += (towards - b) * 0.1;
  }
  return hex();
}

/** The logo an admin uploaded: PNG, JPEG or WebP, at most this many bytes. */
export const LOGO_MAX_BYTES = 100 * 1024;
export const LogoType = z.enum(['image/png', 'image/jpeg', 'image/webp']);
export type LogoType = z.infer<typeof LogoType>;

export const Logo = z.object({
  /** Content-hashed and public (survey pages and emails show it): a new logo gets a new address. */
  url: z.string(),
  contentType: LogoType,
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  sha256: z.string(),
});
export type Logo = z.infer<typeof Logo>;

export const SettingKey = z.enum(['emailFrom', 'timeZone', 'minDaysBetweenSurveys', 'companyName', 'accentColor', 'currency']);
export type SettingKey = z.infer<typeof SettingKey>;

export const SettingValues = z.object({
  /** The From of every survey and notification email. */
  emailFrom: z.string(),
  /** Business days, due dates, report periods and the Monday report follow this zone. */
  timeZone: z.string(),
  /** A contact is not surveyed again within this many days, across campaigns. */
  minDaysBetweenSurveys: z.number().int(),
  /** Our company, as survey pages, emails and the NPS question name it. */
  companyName: z.string(),
  /** #rrggbb: buttons and the picked score on survey pages, buttons and a stripe in emails. */
  accentColor: z.string(),
  /** ISO 4217: every amount of money in the workspace and reports is in it. */
  currency: z.string(),
});
export type SettingValues = z.infer<typeof SettingValues>;

export const Settings = z.object({
  /** What is in effect now. */
  values: SettingValues,
  /** What the environment says (the default, and what `null` in a PATCH goes back to). */
  environment: SettingValues,
  /** Where each value in effect comes from. */
  sources: z.object({
    emailFrom: z.enum(['environment', 'admin']),
    timeZone: z.enum(['environment', 'admin']),
    minDaysBetweenSurveys: z.enum(['environment', 'admin']),
    companyName: z.enum(['environment', 'admin']),
    accentColor: z.enum(['environment', 'admin']),
    currency: z.enum(['environment', 'admin']),
  }),
  /** The logo an admin uploaded (PUT /api/settings/logo); null when there is none. */
  logo: Logo.nullable(),
  /** When an admin last changed a value here; null when everything is from the environment. */
  updatedAt: z.string().nullable(),
});
export type Settings = z.infer<typeof Settings>;

/** Change any of the values; `null` goes back to the environment's value. */
export const UpdateSettings = z
  .strictObject({
    emailFrom: EmailFrom.nullable(),
    timeZone: TimeZone.nullable(),
    minDaysBetweenSurveys: SurveyWindowDays.nullable(),
    companyName: CompanyName.nullable(),
    accentColor: AccentColor.nullable(),
    currency: Currency.nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });
export type UpdateSettings = z.infer<typeof UpdateSettings>;
