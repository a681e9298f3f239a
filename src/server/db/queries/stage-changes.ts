import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accountStageChanges, accounts, users } from '../schema/index.js';
import type { Stage } from '../../../shared/schemas/account.js';

export type StageChangeRow = typeof accountStageChanges.$inferSelect;

/** Moves the account to `stage` and records who decided and why, in one transaction. */
export async function changeAccountStage(
  db: Db,
  account: { id: string; stage: Stage },
  stage: Stage,
  reason: string | null,
  userId: string | null,
  now: Date,
): Promise<StageChangeRow> {
  return db.transaction(async (tx) => {
    await tx.update(accounts).set({ stage, updatedAt: now }).where(eq(accounts.id, account.id));
    const [row] = await tx
      .insert(accountStageChanges)
      .values({ accountId: account.id, fromStage: account.stage, toStage: stage, decidedBy: userId, reason, changedAt: now })
      .returning();
    return row!;
  });
}

export async function listStageChanges(db: Db, accountId: string) {
  return db
    .select({ change: accountStageChanges, deciderName: users.name })
    .from(accountStageChanges)
    .leftJoin(users, eq(users.id, accountStageChanges.decidedBy))
    .where(eq(accountStageChanges.accountId, accountId))
    .orderBy(asc(accountStageChanges.changedAt), asc(accountStageChanges.id));
}

/** Accounts in the pipeline (not archived), optionally one owner's. */
export async function listPipelineAccounts(db: Db, ownerId: string | null) {
  return db
    .select({ id: accounts.id, stage: accounts.stage, createdAt: accounts.createdAt })
    .from(accounts)
    .where(and(eq(accounts.archived, false), ownerId ? eq(accounts.ownerId, ownerId) : undefined));
}

/** Every stage change of those accounts (the whole history: stages at a moment are read from it). */
export async function listPipelineChanges(db: Db, accountIds: string[], before?: Date, after?: Date) {
  if (!accountIds.length) return [];
  return db
    .select({
      accountId: accountStageChanges.accountId,
      fromStage: accountStageChanges.fromStage,
      toStage: accountStageChanges.toStage,
      changedAt: accountStageChanges.changedAt,
    })
    .from(accountStageChanges)
    .where(
      and(
        inArray(accountStageChanges.accountId, accountIds),
        before ? lt(accountStageChanges.changedAt, before) : undefined,
        after ? gte(accountStageChanges.changedAt, after) : undefined,
      ),
    );
}

/** Records a stage set outside POST /accounts/:id/stage (creation, a plain PATCH): no reason given. */
export async function recordStageChange(
  db: Db,
  accountId: string,
  fromStage: Stage | null,
  toStage: Stage,
  userId: string | null,
  now: Date,
): Promise<void> {
  await db.insert(accountStageChanges).values({ accountId, fromStage, toStage, decidedBy: userId, reason: null, changedAt: now });
}
