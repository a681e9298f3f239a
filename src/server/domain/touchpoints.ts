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
