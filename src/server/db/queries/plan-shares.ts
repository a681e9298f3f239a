import { and, asc, count, desc, eq, gt, isNull, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accountPlanActions, accountPlans, accounts, contacts, planComments, planShares, users } from '../schema/index.js';

/** Plan share links and the comments on shared plans (issue 14, part 3). Tokens are only ever seen here as hashes. */

export type PlanShareRow = typeof planShares.$inferSelect;

export async function insertPlanShare(
  db: Db,
  share: { planId: string; accountId: string; contactId: string; tokenHash: string; createdBy: string; createdAt: Date; expiresAt: Date },
): Promise<PlanShareRow> {
  const [row] = await db.insert(planShares).values(share).returning();
  return row!;
}

/** The account's share links, newest first, with the contact and who made them. */
export async function listPlanShares(db: Db, accountId: string) {
  return db
    .select({ share: planShares, contactName: contacts.name, contactEmail: contacts.email, creatorName: users.name })
    .from(planShares)
    .innerJoin(contacts, eq(contacts.id, planShares.contactId))
    .leftJoin(users, eq(users.id, planShares.createdBy))
    .where(eq(planShares.accountId, accountId))
    .orderBy(desc(planShares.createdAt), desc(planShares.id));
}

export async function getPlanShare(db: Db, accountId: string, shareId: string) {
  const [row] = await db
    .select()
    .from(planShares)
    .where(and(eq(planShares.accountId, accountId), eq(planShares.id, shareId)));
  return row;
}

/** Revokes a link; revoking again keeps the first time. */
export async function revokePlanShare(db: Db, shareId: string, now: Date): Promise<void> {
  await db.update(planShares).set({ revokedAt: now }).where(and(eq(planShares.id, shareId), isNull(planShares.revokedAt)));
}

/** A link by its token's hash, with the contact, the plan, the account and its owner. */
export async function findPlanShareByHash(db: Db, tokenHash: string) {
  const [row] = await db
    .select({
      share: planShares,
      contact: { id: contacts.id, name: contacts.name, language: contacts.language, accountId: contacts.accountId, erasedAt: contacts.erasedAt, deletedAt: contacts.deletedAt },
      plan: accountPlans,
      account: { id: accounts.id, name: accounts.name, ownerId: accounts.ownerId },
      owner: { id: users.id, name: users.name, email: users.email, disabled: users.disabled },
    })
    .from(planShares)
    .innerJoin(contacts, eq(contacts.id, planShares.contactId))
    .innerJoin(accountPlans, eq(accountPlans.id, planShares.planId))
    .innerJoin(accounts, eq(accounts.id, planShares.accountId))
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .where(eq(planShares.tokenHash, tokenHash));
  return row;
}
export type FoundPlanShare = NonNullable<Awaited<ReturnType<typeof findPlanShareByHash>>>;

export async function markPlanShareViewed(db: Db, shareId: string, now: Date): Promise<void> {
  await db.update(planShares).set({ lastViewedAt: now }).where(eq(planShares.id, shareId));
}

/** The plan's comments, oldest first, with who wrote them. */
export async function listPlanComments(db: Db, planId: string) {
  return db
    .select({ comment: planComments, contactName: contacts.name, userName: users.name })
    .from(planComments)
    .leftJoin(contacts, eq(contacts.id, planComments.contactId))
    .leftJoin(users, eq(users.id, planComments.userId))
    .where(eq(planComments.planId, planId))
    .orderBy(asc(planComments.createdAt), asc(planComments.id));
}

export async function insertPlanComment(
  db: Db,
  comment: { planId: string; actionId: string | null; shareId?: string | null; contactId?: string | null; userId?: string | null; body: string; createdAt: Date },
) {
  const [row] = await db.insert(planComments).values(comment).returning();
  return row!;
}

export async function getPlanActionRow(db: Db, planId: string, actionId: string) {
  const [row] = await db
    .select()
    .from(accountPlanActions)
    .where(and(eq(accountPlanActions.planId, planId), eq(accountPlanActions.id, actionId)));
  return row;
}

/** What backs the partnership signal "joint action plans in place" for one account. */
export async function jointPlanFacts(db: Db, accountId: string, now: Date) {
  const [plan] = await db.select().from(accountPlans).where(eq(accountPlans.accountId, accountId));
  if (!plan) return null;
  const [[actions], shares, [comments]] = await Promise.all([
    db.select({ n: count() }).from(accountPlanActions).where(and(eq(accountPlanActions.planId, plan.id), eq(accountPlanActions.joint, true))),
    db
      .select({ name: contacts.name, lastViewedAt: sql<Date | null>`max(${planShares.lastViewedAt})`.mapWith((v) => (v ? new Date(v) : null)) })
      .from(planShares)
      .innerJoin(contacts, eq(contacts.id, planShares.contactId))
      .where(and(eq(planShares.planId, plan.id), isNull(planShares.revokedAt), gt(planShares.expiresAt, now)))
      .groupBy(contacts.id, contacts.name)
      .orderBy(asc(contacts.name)),
    db.select({ n: count() }).from(planComments).where(and(eq(planComments.planId, plan.id), isNotNull(planComments.contactId))),
  ]);
  return {
    goals: { goalValueToAdd: plan.goalValueToAdd, goalRelationships: plan.goalRelationships, jointGoals: plan.jointGoals },
    jointActions: actions?.n ?? 0,
    sharedWith: shares,
    customerComments: comments?.n ?? 0,
  };
}
