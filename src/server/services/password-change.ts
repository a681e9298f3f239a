import type { AppDeps } from '../http/context.js';
import type { Db } from '../db/client.js';
import { AppError, invalid } from '../http/errors.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { passwordProblem } from '../domain/password-policy.js';
import { getUser, updateUserRow, type UserRow } from '../db/queries/users.js';
import { deleteOtherSessions } from '../db/queries/sessions.js';
import { voidPasswordResets } from '../db/queries/password-resets.js';
import { createRateLimiter } from './rate-limits.js';

/**
 * A signed-in user changes their own password. The current password is checked under the sign-in limits (per
 * user, counted in the database), so a borrowed session cannot be used to guess it. Every other session of the
 * user ends; the one that made the change stays signed in. `record` writes the audit entry in the same transaction.
 */
export async function changeOwnPassword(
  deps: AppDeps,
  who: { userId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
  record: (db: Db, user: UserRow, signedOut: number) => Promise<void>,
): Promise<{ signedOut: number }> {
  const { db, clock, config } = deps;
  const user = await getUser(db, who.userId);
  if (!user) throw new AppError('unauthorized', 'sign in again');
  await assertNewPassword(input.newPassword, user.email, 'newPassword');

  const limiter = createRateLimiter(db, 'password_change', { max: config.loginThrottle.maxAttempts, windowMs: config.loginThrottle.windowMs });
  const attempt = await limiter.take(user.id, clock.now());
  if (attempt.retryAfter > 0) {
    throw new AppError('rate_limited', `too many wrong current passwords; try again in ${Math.ceil(attempt.retryAfter / 60)} minute(s)`, undefined, {
      'Retry-After': String(attempt.retryAfter),
    });
  }
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) throw invalid('currentPassword', 'is not your current password');
  // The right password proves the owner: this attempt does not count against them.
  await attempt.release();

  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    const now = clock.now();
    const updated = await updateUserRow(tx, user.id, { passwordHash }, now);
    if (!updated) throw new AppError('unauthorized', 'sign in again');
    const signedOut = await deleteOtherSessions(tx, user.id, who.sessionId);
    // A reset link mailed before the change must not undo it.
    await voidPasswordResets(tx, user.id, now);
    await record(tx, updated, signedOut);
    return { signedOut };
  });
}

/** Refuses a new password the policy does not accept, as a 400 on the field `path`. */
export async function assertNewPassword(password: string, email: string | null, path: string): Promise<void> {
  const problem = await passwordProblem(password, { email });
  if (problem) throw invalid(path, problem);
}
