/**
 * A session ends when unused for the idle lifetime (ttl) or, however busy, at its absolute end: createdAt + max.
 * Pure rules; the database keeps the result in sessions.expires_at.
 */
export interface SessionLifetime {
  ttlMs: number;
  maxMs: number;
}

/** When a session opened now ends, unless it is used. */
export function initialExpiry(now: Date, life: SessionLifetime): Date {
  return new Date(now.getTime() + Math.min(life.ttlMs, life.maxMs));
}

/** The moment no use can carry a session past. */
export function absoluteEnd(createdAt: Date, life: SessionLifetime): Date {
  return new Date(createdAt.getTime() + life.maxMs);
}

/** "Last used" needs minutes, not milliseconds: one write a minute at most per busy session. */
const TOUCH_EVERY_MS = 60_000;

/**
 * What a request on a live session changes: a later end when less than half the idle lifetime is left (never
 * past the absolute end), and the last-used time when it is over a minute old. Null: nothing to write.
 */
export function renewSession(
  session: { createdAt: Date; expiresAt: Date; lastSeenAt: Date },
  now: Date,
  life: SessionLifetime,
): { lastSeenAt: Date; expiresAt?: Date } | null {
  const wanted = new Date(Math.min(now.getTime() + life.ttlMs, absoluteEnd(session.createdAt, life).getTime()));
  const extend = session.expiresAt.getTime() - now.getTime() < life.ttlMs / 2 && wanted > session.expiresAt;
  const touch = now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS;
  if (!extend && !touch) return null;
  return extend ? { lastSeenAt: now, expiresAt: wanted } : { lastSeenAt: now };
}
