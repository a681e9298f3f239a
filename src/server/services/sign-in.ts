import { AppError } from '../http/errors.js';
import type { AppDeps } from '../http/context.js';
import { burnPasswordCheck, verifyPassword } from '../auth/passwords.js';
import { findUserByEmail, type UserRow } from '../db/queries/users.js';
import { openSession } from './open-session.js';

/**
 * Checks a password (rate-limited per email and address) and opens a session. Used by the API and the
 * sign-in page alike. Throws AppError: 401 for a wrong email or password (the same for both), 429 when limited.
 */
export async function signIn(
  deps: AppDeps,
  input: { email: string; password: string; ip: string; userAgent: string | null },
): Promise<{ user: UserRow; token: string; expiresAt: Date }> {
  const { db, loginThrottle } = deps;
  const throttleKey = `${input.email}|${input.ip}`;
  const wait = loginThrottle.retryAfterSeconds(throttleKey);
  if (wait > 0) {
    throw new AppError(
      'rate_limited',
      `too many failed sign-ins for this email; try again in ${Math.ceil(wait / 60)} minute(s)`,
      undefined,
      { 'Retry-After': String(wait) },
    );
  }
  const user = await findUserByEmail(db, input.email);
  const ok = user && !user.disabled ? await verifyPassword(input.password, user.passwordHash) : (await burnPasswordCheck(input.password), false);
  if (!user || !ok) {
    loginThrottle.recordFailure(throttleKey);
    throw new AppError('unauthorized', 'the email or password is incorrect');
  }
  loginThrottle.reset(throttleKey);
  const { token, expiresAt } = await openSession(deps, user.id, { ip: input.ip, userAgent: input.userAgent });
  return { user, token, expiresAt };
}
