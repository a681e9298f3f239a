import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../http/context.js';
import { createRateLimiter } from './rate-limits.js';
import { PASSWORD_RESET_REQUEST, type PasswordResetRequestData } from '../jobs/password-reset-request.js';

/** Requests one address may make, and one email may receive, per hour: enough for a person, useless for a flood. */
const PER_ADDRESS = { max: 10, windowMs: 3600_000 };
const PER_EMAIL = { max: 3, windowMs: 3600_000 };

/**
 * "Forgot your password?": takes the request and answers nothing about the account. Whether the email belongs
 * to anyone is decided later, by a job (password-reset-request), so the request does the same work — and takes
 * the same time — for a known and an unknown address. Requests over the limits, and every request while
 * password sign-in is off, are dropped silently (the caller still answers 202).
 */
export async function acceptPasswordResetRequest(deps: AppDeps, input: { email: string; ip: string }): Promise<void> {
  const { db, clock, config, jobs } = deps;
  if (!config.passwordLogin) return;
  const now = clock.now();
  const byAddress = await createRateLimiter(db, 'password_reset_address', PER_ADDRESS).take(input.ip, now);
  if (byAddress.retryAfter > 0) return;
  const byEmail = await createRateLimiter(db, 'password_reset_email', PER_EMAIL).take(input.email.toLowerCase(), now);
  if (byEmail.retryAfter > 0) return;
  const data: PasswordResetRequestData = { resetId: randomUUID(), email: input.email, ip: input.ip };
  await jobs.enqueue(PASSWORD_RESET_REQUEST, data, { singletonKey: data.resetId });
}
