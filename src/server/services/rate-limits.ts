import type { Db } from '../db/client.js';
import { clearRateLimitEvents, countRateLimitEvents, deleteRateLimitEvent, insertRateLimitEvent, pruneRateLimitEvents, recentRateLimitEvents } from '../db/queries/rate-limits.js';

export interface Limit {
  /** Events allowed in the window; the next one is refused. */
  max: number;
  windowMs: number;
}

/**
 * Limits counted in the database (table rate_limit_events), so every web process shares them and a restart
 * keeps them. `bucket` names what is counted (e.g. 'sign_in_account'), `key` whose (an email, an address).
 */
export function createRateLimiter(db: Db, bucket: string, limit: Limit) {
  return {
    /** Seconds until one more event is allowed for this key; 0 when it is allowed now. */
    async retryAfterSeconds(key: string, now: Date): Promise<number> {
      const since = new Date(now.getTime() - limit.windowMs);
      const { count, oldest } = await countRateLimitEvents(db, bucket, key, since);
      if (count < limit.max || !oldest) return 0;
      return Math.max(1, Math.ceil((oldest.getTime() + limit.windowMs - now.getTime()) / 1000));
    },
    async record(key: string, now: Date): Promise<void> {
      await insertRateLimitEvent(db, bucket, key, now);
    },
    /**
     * Counts one event now, before the work it guards, and checks the limit with it included. Checking first
     * and recording afterwards lets parallel requests (in any process) all pass the check before one records;
     * here the last of them sees every other. An event over the limit is taken back and `retryAfter` says
     * when to come again; otherwise `release()` takes it back if the work turns out not to count.
     */
    async take(key: string, now: Date): Promise<{ retryAfter: number; release: () => Promise<void> }> {
      const id = await insertRateLimitEvent(db, bucket, key, now);
      const release = () => deleteRateLimitEvent(db, id);
      const since = new Date(now.getTime() - limit.windowMs);
      const times = await recentRateLimitEvents(db, bucket, key, since);
      if (times.length <= limit.max) return { retryAfter: 0, release };
      await release();
      // Allowed again once enough of the others have aged out of the window to make room for one more.
      const freeing = times[times.length - limit.max - 1] ?? times[0]!;
      return { retryAfter: Math.max(1, Math.ceil((freeing.getTime() + limit.windowMs - now.getTime()) / 1000)), release };
    },
    /** Forgets every event of this key (only for what proves the key's owner, e.g. the right password). */
    async clear(key: string): Promise<void> {
      await clearRateLimitEvents(db, bucket, key);
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * Events are kept a day: longer than any bucket's window (bad link tokens 15 minutes, sign-ins 15 by default)
 * unless KEYPULSE_LOGIN_WINDOW_MINUTES asks for more, and then that. Age is the only way out of the table.
 */
export async function pruneRateLimits(db: Db, now: Date, longestWindowMs: number): Promise<number> {
  const keepMs = Math.max(24 * 3600_000, longestWindowMs);
  return pruneRateLimitEvents(db, new Date(now.getTime() - keepMs));
}
