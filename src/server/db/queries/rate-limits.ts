import { and, asc, count, eq, gt, lt, min } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rateLimitEvents } from '../schema/index.js';

/** How many events this bucket and key had after `since`, and when the oldest of them happened. */
export async function countRateLimitEvents(db: Db, bucket: string, key: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const [row] = await db
    .select({ count: count(), oldest: min(rateLimitEvents.at) })
    .from(rateLimitEvents)
    .where(and(eq(rateLimitEvents.bucket, bucket), eq(rateLimitEvents.key, key), gt(rateLimitEvents.at, since)));
  return { count: row?.count ?? 0, oldest: row?.oldest ? new Date(row.oldest) : null };
}

/** The times of the most recent `limit` events after `since`, oldest first. */
export async function recentRateLimitEvents(db: Db, bucket: string, key: string, since: Date): Promise<Date[]> {
  const rows = await db
    .select({ at: rateLimitEvents.at })
    .from(rateLimitEvents)
    .where(and(eq(rateLimitEvents.bucket, bucket), eq(rateLimitEvents.key, key), gt(rateLimitEvents.at, since)))
    .orderBy(asc(rateLimitEvents.at));
  return rows.map((r) => r.at);
}

export async function insertRateLimitEvent(db: Db, bucket: string, key: string, at: Date): Promise<number> {
  const [row] = await db.insert(rateLimitEvents).values({ bucket, key, at }).returning({ id: rateLimitEvents.id });
  return row!.id;
}

/** Takes back one event (an attempt that turned out not to count). */
export async function deleteRateLimitEvent(db: Db, id: number): Promise<void> {
  await db.delete(rateLimitEvents).where(eq(rateLimitEvents.id, id));
}

/** Forgets a key's events (a successful sign-in clears its account's failures). */
export async function clearRateLimitEvents(db: Db, bucket: string, key: string): Promise<void> {
  await db.delete(rateLimitEvents).where(and(eq(rateLimitEvents.bucket, bucket), eq(rateLimitEvents.key, key)));
}

/** Events leave only by age (the scheduler), never to make room: no attacker can push a victim's count out. */
export async function pruneRateLimitEvents(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(rateLimitEvents).where(lt(rateLimitEvents.at, before)).returning({ id: rateLimitEvents.id });
  return rows.length;
}
