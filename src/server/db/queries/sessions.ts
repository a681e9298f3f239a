import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { sessions, users } from '../schema/index.js';

export async function insertSession(
  db: Db,
  values: { tokenHash: string; userId: string; expiresAt: Date; userAgent: string | null; ip: string | null; now: Date },
) {
  const [row] = await db
    .insert(sessions)
    .values({
      tokenHash: values.tokenHash,
      userId: values.userId,
      expiresAt: values.expiresAt,
      userAgent: values.userAgent,
      ip: values.ip,
      createdAt: values.now,
      lastSeenAt: values.now,
    })
    .returning();
  return row!;
}

/** A live session and its (enabled) user, or nothing. */
export async function findLiveSession(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), eq(users.disabled, false)));
  return row;
}

export async function extendSession(db: Db, id: string, now: Date, expiresAt: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id));
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

/** Revokes every session of a user: on disable, role change or password change. */
export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
