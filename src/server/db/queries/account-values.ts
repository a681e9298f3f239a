import { and, asc, desc, eq, inArray, lte, gte, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accountQuarterValues, accounts, users } from '../schema/index.js';

export type AccountValueRow = typeof accountQuarterValues.$inferSelect;

export interface QuarterValueInput {
  revenue: number;
  grossProfit: number;
  teamCost: number;
  discounts: number;
  notes?: string | null;
}

/** Inserts or replaces an account's figures for a quarter; `created` tells which. */
export async function upsertAccountValue(
  db: Db,
  accountId: string,
  quarter: string,
  values: QuarterValueInput,
  userId: string | null,
  now: Date,
): Promise<{ row: AccountValueRow; created: boolean }> {
  const set = {
    revenue: values.revenue,
    grossProfit: values.grossProfit,
    teamCost: values.teamCost,
    discounts: values.discounts,
    ...(values.notes !== undefined ? { notes: values.notes } : {}),
    enteredBy: userId,
    updatedAt: now,
  };
  const [before] = await db
    .select({ id: accountQuarterValues.id })
    .from(accountQuarterValues)
    .where(and(eq(accountQuarterValues.accountId, accountId), eq(accountQuarterValues.quarter, quarter)));
  const [row] = await db
    .insert(accountQuarterValues)
    .values({ accountId, quarter, ...set, createdAt: now })
    .onConflictDoUpdate({ target: [accountQuarterValues.accountId, accountQuarterValues.quarter], set })
    .returning();
  return { row: row!, created: !before };
}

export async function getAccountValue(db: Db, accountId: string, quarter: string) {
  const [row] = await db
    .select({ value: accountQuarterValues, enteredByName: users.name })
    .from(accountQuarterValues)
    .leftJoin(users, eq(users.id, accountQuarterValues.enteredBy))
    .where(and(eq(accountQuarterValues.accountId, accountId), eq(accountQuarterValues.quarter, quarter)));
  return row;
}

export async function listAccountValues(db: Db, accountId: string) {
  return db
    .select({ value: accountQuarterValues, enteredByName: users.name })
    .from(accountQuarterValues)
    .leftJoin(users, eq(users.id, accountQuarterValues.enteredBy))
    .where(eq(accountQuarterValues.accountId, accountId))
    .orderBy(asc(accountQuarterValues.quarter));
}

/** The latest quarter with figures among the visible accounts. */
export async function latestValueQuarter(db: Db, ownerId: string | null): Promise<string | null> {
  const [row] = await db
    .select({ quarter: accountQuarterValues.quarter })
    .from(accountQuarterValues)
    .innerJoin(accounts, eq(accounts.id, accountQuarterValues.accountId))
    .where(and(eq(accounts.archived, false), ownerId ? eq(accounts.ownerId, ownerId) : undefined))
    .orderBy(desc(accountQuarterValues.quarter))
    .limit(1);
  return row?.quarter ?? null;
}

/** Figures of the visible, non-archived accounts for the quarters from..to (inclusive). */
export async function listPortfolioValues(db: Db, ownerId: string | null, from: string, to: string) {
  return db
    .select({
      accountId: accountQuarterValues.accountId,
      name: accounts.name,
      stage: accounts.stage,
      quarter: accountQuarterValues.quarter,
      revenue: accountQuarterValues.revenue,
      grossProfit: accountQuarterValues.grossProfit,
      teamCost: accountQuarterValues.teamCost,
      discounts: accountQuarterValues.discounts,
    })
    .from(accountQuarterValues)
    .innerJoin(accounts, eq(accounts.id, accountQuarterValues.accountId))
    .where(
      and(
        eq(accounts.archived, false),
        ownerId ? eq(accounts.ownerId, ownerId) : undefined,
        gte(accountQuarterValues.quarter, from),
        lte(accountQuarterValues.quarter, to),
      ),
    )
    .orderBy(sql`lower(${accounts.name})`, asc(accountQuarterValues.quarter));
}

/** Accounts a CSV import may address, by lower-cased name and by id. */
export async function listImportableAccounts(db: Db, ownerId: string | null) {
  return db
    .select({ id: accounts.id, name: accounts.name })
    .from(accounts)
    .where(and(eq(accounts.archived, false), ownerId ? eq(accounts.ownerId, ownerId) : undefined));
}

export async function existingValueKeys(db: Db, accountIds: string[]): Promise<Set<string>> {
  if (!accountIds.length) return new Set();
  const rows = await db
    .select({ accountId: accountQuarterValues.accountId, quarter: accountQuarterValues.quarter })
    .from(accountQuarterValues)
    .where(inArray(accountQuarterValues.accountId, accountIds));
  return new Set(rows.map((r) => `${r.accountId}|${r.quarter}`));
}
