import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { createRateLimiter } from './rate-limits.js';

export const SIGN_IN_ACCOUNT_BUCKET = 'sign_in_account';
export const SIGN_IN_ADDRESS_BUCKET = 'sign_in_address';

export type SignInLimit = 'account' | 'address' | 'busy';

/** A sign-in attempt admitted by the limits; until `succeeded()` it counts as a failure. */
export interface SignInAttempt {
  /** The password was right: the account's failures are forgiven, and this attempt no longer counts for its address. */
  succeeded(): Promise<void>;
  /** The password check is over (right or wrong): frees its place among the checks running at once. */
  done(): void;
}

/**
 * Failed sign-ins counted in the database per account (lower-cased email, known or not, so both answer alike)
 * and per client address across all emails, plus a cap on password checks running at once.
 */
export function createSignInLimits(db: Db, config: Pick<Config, 'loginThrottle'>) {
  const { maxAttempts, maxPerAddress, windowMs, maxConcurrent } = config.loginThrottle;
  const perAccount = createRateLimiter(db, SIGN_IN_ACCOUNT_BUCKET, { max: maxAttempts, windowMs });
  const perAddress = createRateLimiter(db, SIGN_IN_ADDRESS_BUCKET, { max: maxPerAddress, windowMs });
  // Per process on purpose: the cap protects this process's CPU (and its libuv threads) from a flood of scrypt,
  // so real sign-ins are answered; each web process has its own CPU to protect. The guess limits above are
  // what an attacker must not multiply, and they live in the database.
  let running = 0;

  return {
    /**
     * Admits one attempt or says which limit refuses it and for how many seconds. A refused attempt runs no
     * password check and is not counted: only checks that ran count against a limit.
     */
    async begin(email: string, address: string, now: Date): Promise<SignInAttempt | { limit: SignInLimit; retryAfter: number }> {
      // Refused at once, not queued: a queue of hashing is exactly how a flood would starve real sign-ins.
      if (running >= maxConcurrent) return { limit: 'busy', retryAfter: 1 };
      running++;
      let finished = false;
      const done = () => {
        if (!finished) running--;
        finished = true;
      };
      try {
        const account = await perAccount.take(email.toLowerCase(), now);
        if (account.retryAfter) {
          done();
          return { limit: 'account', retryAfter: account.retryAfter };
        }
        const fromAddress = await perAddress.take(address, now);
        if (fromAddress.retryAfter) {
          await account.release();
          done();
          return { limit: 'address', retryAfter: fromAddress.retryAfter };
        }
        return {
          done,
          async succeeded() {
            // Only the account is forgiven: clearing the address would let an attacker wipe their own
            // address's count by signing in to an account of theirs between guesses.
            await perAccount.clear(email.toLowerCase());
            await fromAddress.release();
          },
        };
      } catch (error) {
        done();
        throw error;
      }
    },
    /** Password checks running now in this process (for tests and health). */
    running: () => running,
  };
}
export type SignInLimits = ReturnType<typeof createSignInLimits>;
