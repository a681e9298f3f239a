import { randomBytes, scryptSync } from 'node:crypto';
import { DEMO_PASSWORD } from '../../src/server/seed/demo-data.js';

/**
 * A password hash in the stored format (`scrypt$N$r$p$salt$key`) with a small work factor, for the suite's
 * users. Sign-in verifies it with the real code path, which reads N, r and p from the stored hash; only the
 * cost differs: 3 ms instead of the 300 ms of CPU the production setting (N=2^15, r=8, p=3) deliberately
 * spends, paid by every one of the suite's hundreds of sign-ins. New hashes the app makes always use the
 * production setting (tests/domain/passwords.test.ts checks it).
 */
export function cheapTestPasswordHash(password: string): string {
  const N = 2 ** 10;
  const r = 8;
  const p = 1;
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** `seedDemo`'s options for the suite: the demo's published password under the same small work factor. */
export const cheapDemoPassword = () => ({ passwordHash: Promise.resolve(cheapTestPasswordHash(DEMO_PASSWORD)) });
