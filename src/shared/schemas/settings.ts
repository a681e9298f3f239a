import * as z from 'zod';

/**
 * The installation settings an admin can change in the workspace. Each starts as its environment variable
 * (KEYPULSE_EMAIL_FROM, KEYPULSE_TIMEZONE, KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS); a saved value overrides it.
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

export const SettingKey = z.enum(['emailFrom', 'timeZone', 'minDaysBetweenSurveys']);
export type SettingKey = z.infer<typeof SettingKey>;

export const SettingValues = z.object({
  /** The From of every survey and notification email. */
  emailFrom: z.string(),
  /** Business days, due dates, report periods and the Monday report follow this zone. */
  timeZone: z.string(),
  /** A contact is not surveyed again within this many days, across campaigns. */
  minDaysBetweenSurveys: z.number().int(),
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
  }),
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
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });
export type UpdateSettings = z.infer<typeof UpdateSettings>;
