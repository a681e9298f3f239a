import type { Db } from '../db/client.js';
import { countRateLimitEvents, insertRateLimitEvent } from '../db/queries/rate-limits.js';

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
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
