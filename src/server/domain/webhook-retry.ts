/*
 * When a failed webhook delivery is tried again, and when an endpoint is given up on (issue 15). Pure rules; the
 * engine (integrations/delivery/engine.ts) applies them.
 */

/**
 * Standard Webhooks' recommended schedule: the first attempt at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h
 * and 10 h — eight attempts over 27 h 35 min, so a receiver that is down for a day still gets everything.
 * `RETRY_DELAYS_MS[n - 1]` is the wait after the n-th failed attempt.
 */
export const RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000] as const;
/** The first attempt plus one per retry. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A receiver's Retry-After is honoured up to this; a longer one would outlast the whole schedule. */
const MAX_RETRY_AFTER_MS = 10 * 3600_000;

/**
 * The wait before the next attempt after `attemptsMade` attempts all failed, or null when the schedule is used up
 * (the delivery is then `failed`). A 429's Retry-After pushes the next attempt later, never earlier.
 */
export function nextRetryDelayMs(attemptsMade: number, retryAfterSeconds?: number | null): number | null {
  if (attemptsMade >= MAX_ATTEMPTS) return null;
  const scheduled = RETRY_DELAYS_MS[Math.max(0, attemptsMade - 1)]!;
  if (retryAfterSeconds == null || !(retryAfterSeconds > 0)) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS));
}

/** An endpoint that has failed without a single success for this long is switched off and its creator told. */
export const SWITCH_OFF_AFTER_MS = 5 * 86_400_000;

export function shouldSwitchOff(failingSince: Date | null, now: Date): boolean {
  return failingSince !== null && now.getTime() - failingSince.getTime() >= SWITCH_OFF_AFTER_MS;
}

/** The previous signing secret keeps signing this long after a rotation, while receivers switch to the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

/**
 * The least time between two sends to one endpoint, by format. Slack allows about one message a second per incoming
 * webhook (short bursts tolerated, then 429); Teams' webhooks throttle alike. Standard Webhooks receivers are
 * ours to pace (none: they answer 429 with Retry-After if they must).
 */
export const MIN_SEND_INTERVAL_MS = { standard: 0, slack: 1_000, teams: 1_000 } as const;
