import type { AppDeps } from '../http/context.js';
import { findUserByEmail } from '../db/queries/users.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import { issuePasswordReset, sendQueued } from '../services/password-reset.js';

export const PASSWORD_RESET_REQUEST = 'password-reset-request';
export interface PasswordResetRequestData {
  /** Chosen when the request came in: the link's id, so a job that runs twice issues one link. */
  resetId: string;
  email: string;
  ip: string | null;
}

/**
 * A "forgot your password?" request, after the 202: an active user gets a link by email; nobody else gets
 * anything. Safe to run twice (the reset id is unique; the email is queued with it, in one transaction).
 */
export async function handlePasswordResetRequest(deps: AppDeps, data: PasswordResetRequestData): Promise<void> {
  const { db, clock, config } = deps;
  if (!config.passwordLogin) return;
  const user = await findUserByEmail(db, data.email);
  const active = user && !user.disabled ? user : null;
  const batchKey = await db.transaction(async (tx) => {
    const key = active ? await issuePasswordReset(deps, tx, active, { kind: 'reset', sentBy: null, id: data.resetId }) : null;
    if (active && key === null) return null; // issued by an earlier run of this job
    await insertAuditEntry(tx, {
      at: clock.now(),
      action: 'auth.password_reset_requested',
      via: 'anonymous',
      targetType: user ? 'user' : null,
      targetId: user?.id ?? null,
      ip: data.ip,
      // Which email was typed is not recorded for unknown addresses: they may be anyone's.
      details: active ? null : { sent: false, reason: user ? 'user disabled' : 'no such user' },
    });
    return key;
  });
  await sendQueued(deps, [batchKey]);
}
