export type SkipReason =
  | 'unsubscribed'
  | 'bounced'
  | 'archived_account'
  | 'recently_surveyed'
  | 'duplicate_email'
  | 'deleted_contact'
  | 'erased';

export interface AudienceCandidate {
  contactId: string;
  accountId: string;
  email: string;
  unsubscribed: boolean;
  bounced: boolean;
  deleted: boolean;
  /** The contact was erased, or has an address an erased contact had: never surveyed again by that address. */
  erased: boolean;
  accountArchived: boolean;
  /** When this contact was last invited to any survey (sent or about to be). */
  lastInvitedAt: Date | null;
}

export type EligibilityDecision = { contactId: string; accountId: string; email: string } & (
  | { eligible: true }
  | { eligible: false; reason: SkipReason }
);

const DAY = 86_400_000;

/**
 * Decides who is asked. Reasons are checked in a fixed order so each skip has exactly one reason:
 * a person's own wishes first (erased, unsubscribed), then deliverability, then our own rules.
 */
export function decideEligibility(
  candidates: AudienceCandidate[],
  options: { sendAt: Date; minDaysBetweenSurveys: number },
): EligibilityDecision[] {
  const windowStart = options.sendAt.getTime() - options.minDaysBetweenSurveys * DAY;
  const emailsTaken = new Set<string>();
  return candidates.map((c) => {
    const base = { contactId: c.contactId, accountId: c.accountId, email: c.email };
    const email = c.email.toLowerCase();
    let reason: SkipReason | null = null;
    if (c.erased) reason = 'erased';
    else if (c.deleted) reason = 'deleted_contact';
    else if (c.unsubscribed) reason = 'unsubscribed';
    else if (c.bounced) reason = 'bounced';
    else if (c.accountArchived) reason = 'archived_account';
    else if (options.minDaysBetweenSurveys > 0 && c.lastInvitedAt && c.lastInvitedAt.getTime() > windowStart) {
      reason = 'recently_surveyed';
    } else if (emailsTaken.has(email)) reason = 'duplicate_email';
    if (reason) return { ...base, eligible: false, reason };
    emailsTaken.add(email);
    return { ...base, eligible: true };
  });
}

/** Until when someone asked at `askedAt` counts as "surveyed recently" (they can be asked again from then on). */
export function surveyedRecentlyUntil(askedAt: Date, minDaysBetweenSurveys: number): Date {
  return new Date(askedAt.getTime() + minDaysBetweenSurveys * DAY);
}

export const repeatMonths = { none: 0, quarterly: 3, semiannual: 6, annual: 12 } as const;

/**
 * The date `periods` repeats after `from` (the first wave's send time), same day of month (clamped to month
 * end). Later waves are counted from the first one, not from the previous wave: chaining would let a clamped
 * day stick (31 Jan → 30 Apr → 30 Jul instead of 31 Jul).
 */
export function nextWaveDate(from: Date, repeat: keyof typeof repeatMonths, periods = 1): Date | null {
  const months = repeatMonths[repeat] * periods;
  if (!months) return null;
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** Is a reminder due for an invitation that has not been answered? */
export function reminderDue(
  inv: { lastSentAt: Date | null; remindersSent: number; expiresAt: Date | null; respondedAt: Date | null },
  rule: { afterDays: number | null; max: number },
  now: Date,
): boolean {
  if (!rule.afterDays || inv.remindersSent >= rule.max || inv.respondedAt || !inv.lastSentAt) return false;
  if (inv.expiresAt && inv.expiresAt.getTime() <= now.getTime()) return false;
  return now.getTime() - inv.lastSentAt.getTime() >= rule.afterDays * DAY;
}
