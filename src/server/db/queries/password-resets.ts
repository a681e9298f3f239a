import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { messages, passwordResets, users } from '../schema/index.js';
import { storedNotification } from './messages.js';

/** Stores a reset link's token hash; false when a reset with this id exists (a job that ran twice). */
export async function insertPasswordReset(
  db: Db,
  values: { id?: string; tokenHash: string; userId: string; requestedBy: string | null; now: Date; expiresAt: Date },
): Promise<boolean> {
  const rows = await db
    .insert(passwordResets)
    .values({
      ...(values.id ? { id: values.id } : {}),
      tokenHash: values.tokenHash,
      userId: values.userId,
      requestedBy: values.requestedBy,
      createdAt: values.now,
      expiresAt: values.expiresAt,
    })
    .onConflictDoNothing({ target: passwordResets.id })
    .returning({ id: passwordResets.id });
  return rows.length > 0;
}

/** The user an open (unused, unexpired) link belongs to; nothing for an unknown, used or expired token. */
export async function findOpenPasswordReset(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ reset: passwordResets, user: users })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)));
  return row;
}

/**
 * Uses a link: one UPDATE that only an unused, unexpired row passes, so of two submissions at once exactly one
 * gets the row back. Returns the user id, or null when the link is unknown, used or expired.
 */
export async function consumePasswordReset(db: Db, tokenHash: string, now: Date): Promise<string | null> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .returning({ userId: passwordResets.userId });
  return row?.userId ?? null;
}

/** Voids every open link of a user (after a reset or a password change, older links must not work). */
export async function voidPasswordResets(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

/**
 * Queues the email that carries a link, in the caller's transaction with the link itself: both are stored or
 * neither. Returns the batch key to hand to the sender after commit (the stale-batch sweep sends it otherwise).
 */
export async function queuePasswordResetEmail(
  db: Db,
  email: { to: string; subject: string; html: string; text: string },
  now: Date,
): Promise<string> {
  const batchKey = randomUUID();
  await db.insert(messages).values(storedNotification({ ...email, replyTo: null, purpose: PASSWORD_RESET_PURPOSE, batchKey }, now));
  return batchKey;
}

/** messages.purpose of emails that carry a password link: shown to admins only, emptied once handed over. */
export const PASSWORD_RESET_PURPOSE = 'password_reset';
