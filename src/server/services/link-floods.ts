import { isIPv6 } from 'node:net';
import type { Db } from '../db/client.js';
import { createRateLimiter } from './rate-limits.js';

export const BAD_LINK_WINDOW_MS = 15 * 60_000;
/** Addresses remembered as flooding; past this, expired ones go first, then the oldest (see `remember`). */
const MAX_REMEMBERED = 10_000;

/**
 * Whose count an address adds to: the address itself, but for IPv6 its /64 network — one subscriber usually holds a
 * whole /64, and counting per address there would give a flooder 2^64 fresh counters.
 */
export function floodKey(address: string): string {
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Floods of unknown tokens on /s/ and /u/, limited per client address.
 *
 * The count lives in the database (rate_limit_events, bucket 'bad_link_token'), shared by every process and kept
 * across restarts. A respondent with a valid link must not pay for it: `POST /s/:token/answers` is one group-committed
 * statement (bench:submit), so nothing here runs before a lookup. The count is read and written only after a lookup
 * failed, which only a wrong, expired or closed link costs.
 *
 * Once the database says an address is past the limit, this process remembers it until the window frees a slot, and
 * `knownWait` refuses that address before any lookup: a map read, no query. Valid links from that address are refused
 * too, deliberately: if only bad tokens got 429 while a good one still got its page, "429 or 200" would tell the
 * guesser which token is real, and the limit would stop nothing. (A respondent behind the same address as a flooder
 * waits at most one window, with a page that says so.) Another process learns of the flood at its first failed
 * lookup from that address; forgetting an address (restart, eviction) only costs that one count query, never a reset
 * of the count itself.
 */
export function createLinkFloods(db: Db, maxBadTokens: number) {
  const limiter = createRateLimiter(db, 'bad_link_token', { max: maxBadTokens, windowMs: BAD_LINK_WINDOW_MS });
  const blockedUntil = new Map<string, number>();

  function remember(address: string, until: number, now: number) {
    blockedUntil.delete(address);
    if (blockedUntil.size >= MAX_REMEMBERED) {
      for (const [key, at] of blockedUntil) if (at <= now) blockedUntil.delete(key);
      if (blockedUntil.size >= MAX_REMEMBERED) blockedUntil.delete(blockedUntil.keys().next().value!);
    }
    blockedUntil.set(address, until);
  }

  return {
    /** Seconds this address must wait, when this process already knows it is flooding; 0 otherwise. No I/O. */
    knownWait(address: string, now: Date): number {
      const key = floodKey(address);
      const until = blockedUntil.get(key);
      if (until === undefined) return 0;
      if (until <= now.getTime()) {
        blockedUntil.delete(key);
        return 0;
      }
      return Math.ceil((until - now.getTime()) / 1000);
    },

    /**
     * A lookup from this address found no usable link. Counts it while the address is within the limit (0: answer
     * "not available" as usual); past the limit counts nothing more and returns the seconds to wait.
     */
    async badToken(address: string, now: Date): Promise<number> {
      const key = floodKey(address);
      const { retryAfter } = await limiter.take(key, now);
      if (retryAfter > 0) remember(key, now.getTime() + retryAfter * 1000, now.getTime());
      return retryAfter;
    },
  };
}
export type LinkFloods = ReturnType<typeof createLinkFloods>;
