import type { ContactFreshness, Freshness } from '../../shared/schemas/touchpoint.js';

export interface FreshnessThresholds {
  amberAfterDays: number;
  redAfterDays: number;
}

export const DEFAULT_FRESHNESS: FreshnessThresholds = { amberAfterDays: 90, redAfterDays: 180 };

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** green below `amberAfterDays` days, amber below `redAfterDays`, red beyond — and red when never touched. */
export function freshnessOf(daysSince: number | null, t: FreshnessThresholds = DEFAULT_FRESHNESS): Freshness {
  if (daysSince === null) return 'red';
  if (daysSince < t.amberAfterDays) return 'green';
  if (daysSince < t.redAfterDays) return 'amber';
  return 'red';
}

export interface TouchRecord {
  occurredOn: string;
  contactIds: string[];
  userIds: string[];
}

/**
 * For each contact: the last touch, how many, and who on our side holds the relationship — the colleague
 * present most often with them, ties going to the one present most recently.
 */
export function peopleFreshness(
  contactIds: string[],
  touches: TouchRecord[],
  today: string,
  names: Map<string, string>,
  thresholds: FreshnessThresholds = DEFAULT_FRESHNESS,
): ContactFreshness[] {
  // Oldest first, so that "most recent" is simply the last one seen.
  const ordered = [...touches].sort((a, b) => a.occurredOn.localeCompare(b.occurredOn));
  return contactIds.map((contactId) => {
    let last: string | null = null;
    let count = 0;
    const presence = new Map<string, { times: number; lastOn: string }>();
    for (const t of ordered) {
      if (!t.contactIds.includes(contactId) || t.occurredOn > today) continue;
      count += 1;
      last = t.occurredOn;
      for (const userId of t.userIds) {
        const seen = presence.get(userId);
        presence.set(userId, { times: (seen?.times ?? 0) + 1, lastOn: t.occurredOn });
      }
    }
    let holderId: string | null = null;
    let best: { times: number; lastOn: string } | null = null;
    for (const [userId, p] of presence) {
      if (!best || p.times > best.times || (p.times === best.times && p.lastOn >= best.lastOn)) {
        holderId = userId;
        best = p;
      }
    }
    const daysSinceTouch = last === null ? null : daysBetween(last, today);
    return {
      contactId,
      lastTouchOn: last,
      daysSinceTouch,
      holder: holderId ? { id: holderId, name: names.get(holderId) ?? 'A former colleague' } : null,
      touches: count,
      freshness: freshnessOf(daysSinceTouch, thresholds),
    };
  });
}

/** A touchpoint as the program evaluation counts it: `executive` when an instigator-level contact was present. */
export interface ProgramTouch {
  accountId: string;
  occurredOn: string;
  kind: string;
  executive: boolean;
}

export interface AccountTouchFigures {
  /** Touchpoints within the half. */
  touches: number;
  /** Of those, with at least one instigator-level contact present. */
  executive: number;
  lastExecutiveOn: string | null;
  /** The latest social event within the twelve months (null: none). */
  socialEventOn: string | null;
}

/** The day a year before `day` plus one: the first day of the twelve months ending on `day` (YYYY-MM-DD). */
export function yearBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Per account, what the program evaluation says about meeting the customer: executive-level touches in the half
 * (`half.from`–`half.to`) — touchpoints with at least one instigator-level contact present, whatever the kind — and
 * whether the yearly social event happened: a touchpoint of kind social_event in `social.from`–`social.to` (the
 * twelve months up to the half's end, or up to today while the half runs). Dates are YYYY-MM-DD, both ends included.
 */
export function touchFigures(
  accountIds: string[],
  touches: ProgramTouch[],
  half: { from: string; to: string },
  social: { from: string; to: string },
): Map<string, AccountTouchFigures> {
  const out = new Map<string, AccountTouchFigures>(accountIds.map((id) => [id, { touches: 0, executive: 0, lastExecutiveOn: null, socialEventOn: null }]));
  for (const t of touches) {
    const f = out.get(t.accountId);
    if (!f) continue;
    if (t.occurredOn >= half.from && t.occurredOn <= half.to) {
      f.touches += 1;
      if (t.executive) {
        f.executive += 1;
        if (!f.lastExecutiveOn || t.occurredOn > f.lastExecutiveOn) f.lastExecutiveOn = t.occurredOn;
      }
    }
    if (t.kind === 'social_event' && t.occurredOn >= social.from && t.occurredOn <= social.to && (!f.socialEventOn || t.occurredOn > f.socialEventOn)) {
      f.socialEventOn = t.occurredOn;
    }
  }
  return out;
}
