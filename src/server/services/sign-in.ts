import type { Context } from 'hono';
import { AppError } from '../http/errors.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { audit } from '../http/audit.js';
import { clientIp } from '../http/client-ip.js';
import { burnPasswordCheck, verifyPassword } from '../auth/passwords.js';
import { findUserByEmail, type UserRow } from '../db/queries/users.js';
import { openSession } from './open-session.js';
import type { SignInLimit } from './sign-in-limits.js';

export type SignInFailure = 'wrong_password' | 'unknown_email' | 'disabled' | 'rate_limited';

export type SignInOutcome =
  | { ok: true; user: UserRow; token: string; expiresAt: Date }
  | {
      ok: false;
      reason: SignInFailure;
      /** The account the email names, if any (for the audit log; the answer is the same either way). */
      user: UserRow | null;
      /** Set when a limit refused the attempt: which one, and for how many seconds. */
      limited?: { limit: SignInLimit; retryAfter: number };
      /** 401 (the same for a wrong email or password) or 429 with Retry-After. */
      error: AppError;
    };

const limitMessages: Record<SignInLimit, string> = {
  account: 'too many failed sign-ins for this email',
  address: 'too many failed sign-ins from this address',
  busy: 'too many sign-ins at once',
};

function rateLimited(limit: SignInLimit, retryAfter: number): AppError {
  const when = limit === 'busy' ? 'in a moment' : `in ${Math.ceil(retryAfter / 60)} minute(s)`;
  return new AppError('rate_limited', `${limitMessages[limit]}; try again ${when}`, undefined, { 'Retry-After': String(retryAfter) });
}

/**
 * Checks a password within the sign-in limits and opens a session. Used by the API and the sign-in page alike
 * (through `signInFromRequest`). A refusal is an outcome, not an exception, so the caller can audit it.
 */
export async function signIn(
  deps: AppDeps,
  input: { email: string; password: string; ip: string; userAgent: string | null },
): Promise<SignInOutcome> {
  const user = (await findUserByEmail(deps.db, input.email)) ?? null;
  const attempt = await deps.signInLimits.begin(input.email, input.ip, deps.clock.now());
  if ('limit' in attempt) {
    return { ok: false, reason: 'rate_limited', user, limited: attempt, error: rateLimited(attempt.limit, attempt.retryAfter) };
  }
  let ok = false;
  try {
    // An unknown or disabled account costs the same hashing as a real one, so timing tells nothing.
    if (user && !user.disabled) ok = await verifyPassword(input.password, user.passwordHash);
    else await burnPasswordCheck(input.password);
  } finally {
    attempt.done();
  }
  if (!user || !ok) {
    const reason = !user ? 'unknown_email' : user.disabled ? 'disabled' : 'wrong_password';
    return { ok: false, reason, user, error: new AppError('unauthorized', 'the email or password is incorrect') };
  }
  await attempt.succeeded();
  const { token, expiresAt } = await openSession(deps, user.id, { ip: input.ip, userAgent: input.userAgent });
  return { ok: true, user, token, expiresAt };
}

/** `signIn` for a request to this server: its client address and device, and the outcome in the audit log. */
export async function signInFromRequest(c: Context<AppEnv>, credentials: { email: string; password: string }): Promise<SignInOutcome> {
  const outcome = await signIn(c.var.deps, {
    ...credentials,
    ip: clientIp(c),
    userAgent: c.req.header('user-agent') ?? null,
  });
  const actor = outcome.user ? { id: outcome.user.id, email: outcome.user.email } : null;
  const target = outcome.user ? { type: 'user', id: outcome.user.id } : null;
  if (outcome.ok) await audit(c, 'auth.sign_in', target, null, { actor });
  else {
    const details = outcome.limited ? { reason: outcome.reason, limit: outcome.limited.limit } : { reason: outcome.reason };
    await audit(c, 'auth.sign_in_failed', target, details, { actor, via: 'anonymous' });
  }
  return outcome;
}
