import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { userIdentities, users } from '../schema/index.js';

export type UserIdentityRow = typeof userIdentities.$inferSelect;

/** The user linked to this identity at this OpenID provider, with the link. */
export async function findUserByIdentity(db: Db, issuer: string, subject: string) {
  const [row] = await db
    .select({ identity: userIdentities, user: users })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)));
  return row;
}

/** The user's identity at this provider, if one is linked. */
export async function findIdentityOfUser(db: Db, userId: string, issuer: string): Promise<UserIdentityRow | undefined> {
  const [row] = await db
    .select()
    .from(userIdentities)
    .where(and(eq(userIdentities.userId, userId), eq(userIdentities.issuer, issuer)));
  return row;
}

/** Links an identity to a user; a second link of the same issuer+subject is ignored (unique index). */
export async function linkIdentity(db: Db, values: { userId: string; issuer: string; subject: string; now: Date }): Promise<void> {
  await db
    .insert(userIdentities)
    .values({ userId: values.userId, issuer: values.issuer, subject: values.subject, createdAt: values.now, lastUsedAt: values.now })
    .onConflictDoNothing();
}

export async function touchIdentity(db: Db, id: string, now: Date): Promise<void> {
  await db.update(userIdentities).set({ lastUsedAt: now }).where(eq(userIdentities.id, id));
}
