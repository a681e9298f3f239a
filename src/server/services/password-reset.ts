import type { AppDeps } from '../http/context.js';
import type { Db } from '../db/client.js';
import { AppError, invalid } from '../http/errors.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { hashPassword } from '../auth/passwords.js';
import { passwordProblem } from '../domain/password-policy.js';
import { renderPasswordReset } from '../email/password-reset-template.js';
import { consumePasswordReset, findOpenPasswordReset, insertPasswordReset, queuePasswordResetEmail, voidPasswordResets } from '../db/queries/password-resets.js';
import { deleteUserSessions } from '../db/queries/sessions.js';
import { updateUserRow, type UserRow } from '../db/queries/users.js';
import { SEND_EMAILS } from '../jobs/send-emails.js';

/** How long an emailed link works. */
export const RESET_LINK_MINUTES = 60;

/** The token travels in the query string of our own page, which sends no referrer to other sites. */
export const resetLinkUrl = (deps: AppDeps, token: string) => `${deps.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;

/**
 * Stores a new single-use link for the user (only the token's SHA-256) and queues its email, both in the caller's
 * transaction. Returns the batch key to hand to the sender after commit; null when a reset with this `id` was
 * already issued (a job that ran twice sends nothing more).
 */
export async function issuePasswordReset(
  deps: AppDeps,
  db: Db,
  user: Pick<UserRow, 'id' | 'email' | 'name'>,
  options: { kind: 'reset' | 'invite'; sentBy: { id: string; name: string } | null; id?: string },
): Promise<string | null> {
  const now = deps.clock.now();
  const token = generateToken();
  const stored = await insertPasswordReset(db, {
    id: options.id,
    tokenHash: hashToken(token),
    userId: user.id,
    requestedBy: options.sentBy?.id ?? null,
    now,
    expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000),
  });
  if (!stored) return null;
  const content = renderPasswordReset({
    kind: options.kind,
    name: user.name,
    email: user.email,
    url: resetLinkUrl(deps, token),
    validMinutes: RESET_LINK_MINUTES,
    companyName: deps.config.companyName,
    sentBy: options.sentBy?.name ?? null,
  });
  return queuePasswordResetEmail(db, { to: user.email, ...content }, now);
}

/** Hands queued emails to the sender (after the transaction that queued them has committed). */
export async function sendQueued(deps: AppDeps, batchKeys: (string | null)[]): Promise<void> {
  const keys = batchKeys.filter((k): k is string => k !== null);
  if (keys.length) await deps.jobs.enqueueMany(SEND_EMAILS, keys.map((batchKey) => ({ data: { batchKey }, singletonKey: batchKey })));
}

const badLink = () => invalid('token', 'is invalid, expired or already used: ask for a new link');

/** The person a link is for, when it still works (the reset page asks before showing its form). */
export async function findResetLinkUser(deps: AppDeps, token: string): Promise<UserRow | null> {
  const found = await findOpenPasswordReset(deps.db, hashToken(token), deps.clock.now());
  return found && !found.user.disabled ? found.user : null;
}

/**
 * Sets a new password from an emailed link. The link is used up by one conditional UPDATE, so two submissions
 * at once cannot both succeed; every other open link of the user is voided and every session ends (whoever
 * knew the old password is out). `record` writes the audit entry in the same transaction.
 */
export async function confirmPasswordReset(
  deps: AppDeps,
  input: { token: string; password: string },
  record: (db: Db, user: UserRow) => Promise<void>,
): Promise<UserRow> {
  const { db, clock } = deps;
  const tokenHash = hashToken(input.token);
  const found = await findOpenPasswordReset(db, tokenHash, clock.now());
  if (!found || found.user.disabled) throw badLink();
  const problem = await passwordProblem(input.password, { email: found.user.email });
  if (problem) throw invalid('password', problem);
  // Hashing is slow on purpose: done before the transaction, which then holds its locks only briefly.
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const now = clock.now();
    const userId = await consumePasswordReset(tx, tokenHash, now);
    if (userId !== found.user.id) throw badLink();
    const user = await updateUserRow(tx, userId, { passwordHash }, now);
    if (!user) throw badLink();
    await voidPasswordResets(tx, userId, now);
    await deleteUserSessions(tx, userId);
    await record(tx, user);
    return user;
  });
}

/** Admins send links only where a password can be used. */
export function assertResettable(deps: AppDeps, user: Pick<UserRow, 'disabled'>): void {
  if (!deps.config.passwordLogin) throw new AppError('conflict', 'password sign-in is turned off (KEYPULSE_PASSWORD_LOGIN=0): people sign in with SSO');
  if (user.disabled) throw new AppError('conflict', 'this user is disabled: enable them before sending a reset link');
}
