import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accountCriterionScores, accountQuarterValues, accounts, selectionCriteria, users } from '../schema/index.js';
import { DEFAULT_CRITERIA } from '../../domain/program-defaults.js';

export type CriterionRow = typeof selectionCriteria.$inferSelect;

/** Creates the built-in criteria once; admins' later edits are left alone. */
export async function ensureDefaultCriteria(db: Db, now: Date): Promise<void> {
  await db
    .insert(selectionCriteria)
    .values(DEFAULT_CRITERIA.map((c, i) => ({ ...c, position: i, createdAt: now, updatedAt: now })))
    .onConflictDoNothing({ target: selectionCriteria.key });
}

export async function listCriteria(db: Db, onlyEnabled = false): Promise<CriterionRow[]> {
  return db
    .select()
    .from(selectionCriteria)
    .where(onlyEnabled ? eq(selectionCriteria.enabled, true) : undefined)
    .orderBy(asc(selectionCriteria.position), asc(selectionCriteria.createdAt));
}

export async function getCriterion(db: Db, id: string): Promise<CriterionRow | undefined> {
  const [row] = await db.select().from(selectionCriteria).where(eq(selectionCriteria.id, id));
  return row;
}

export async function listCriterionScores(db: Db, accountId: string) {
  return db
    .select({
      criterionId: accountCriterionScores.criterionId,
      score: accountCriterionScores.score,
      note: accountCriterionScores.note,
      scoredAt: accountCriterionScores.scoredAt,
      scorerId: users.id,
      scorerName: users.name,
    })
    .from(accountCriterionScores)
    .innerJoin(selectionCriteria, eq(selectionCriteria.id, accountCriterionScores.criterionId))
    .leftJoin(users, eq(users.id, accountCriterionScores.scoredBy))
    .where(eq(accountCriterionScores.accountId, accountId))
    .orderBy(asc(selectionCriteria.position), asc(selectionCriteria.createdAt));
}

/** Sets (score) or removes (null) each listed score, in one transaction. */
export async function putCriterionScores(
  db: Db,
  accountId: string,
  scores: { criterionId: string; score: number | null; note?: string | null }[],
  userId: string,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const s of scores) {
      if (s.score === null) {
        await tx
          .delete(accountCriterionScores)
          .where(and(eq(accountCriterionScores.accountId, accountId), eq(accountCriterionScores.criterionId, s.criterionId)));
        continue;
      }
      const values = { score: s.score, note: s.note ?? null, scoredBy: userId, scoredAt: now };
      await tx
        .insert(accountCriterionScores)
        .values({ accountId, criterionId: s.criterionId, ...values })
        .onConflictDoUpdate({ target: [accountCriterionScores.accountId, accountCriterionScores.criterionId], set: values });
    }
  });
}

/**
 * Every candidate for the key-account portfolio (customers and key accounts, not archived) with what the
 * selection needs: the account's numbers, its lifetime contribution, its cost to serve and its judgements.
 * Cost to serve: the account's yearly figure, else the sum over its latest four quarters on file.
 */
export async function loadSelectionCandidates(db: Db) {
  const rows = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      stage: accounts.stage,
      ownerId: accounts.ownerId,
      annualRevenue: accounts.annualRevenue,
      grossProfit: accounts.grossProfit,
      costToServe: accounts.costToServe,
    })
    .from(accounts)
    .where(and(eq(accounts.archived, false), inArray(accounts.stage, ['customer', 'key_account'])))
    .orderBy(asc(accounts.name));
  const ids = rows.map((r) => r.id);
  if (!ids.length) return [];
  const [values, scores] = await Promise.all([
    db
      .select({
        accountId: accountQuarterValues.accountId,
        quarter: accountQuarterValues.quarter,
        grossProfit: accountQuarterValues.grossProfit,
        teamCost: accountQuarterValues.teamCost,
        discounts: accountQuarterValues.discounts,
      })
      .from(accountQuarterValues)
      .where(inArray(accountQuarterValues.accountId, ids)),
    db
      .select({ accountId: accountCriterionScores.accountId, criterionId: accountCriterionScores.criterionId, score: accountCriterionScores.score })
      .from(accountCriterionScores)
      .where(inArray(accountCriterionScores.accountId, ids)),
  ]);
  return rows.map((r) => {
    const mine = values.filter((v) => v.accountId === r.id).sort((a, b) => b.quarter.localeCompare(a.quarter));
    const lifetimeValue = mine.length ? mine.reduce((s, v) => s + v.grossProfit - v.teamCost - v.discounts, 0) : null;
    const recentCost = mine.length ? mine.slice(0, 4).reduce((s, v) => s + v.teamCost + v.discounts, 0) : null;
    return {
      ...r,
      lifetimeValue,
      costToServe: r.costToServe ?? recentCost,
      scores: Object.fromEntries(scores.filter((s) => s.accountId === r.id).map((s) => [s.criterionId, s.score])),
    };
  });
}

/** Whether another enabled criterion than `exceptId` carries weight (at least one must). */
export async function otherWeightedCriteria(db: Db, exceptId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(selectionCriteria)
    .where(and(ne(selectionCriteria.id, exceptId), eq(selectionCriteria.enabled, true), sql`${selectionCriteria.weight} > 0`));
  return Number(row?.n ?? 0);
}
