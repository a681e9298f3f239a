import { and, asc, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts } from '../schema/index.js';
import type { Account, AccountListQuery, CreateAccount, UpdateAccount } from '../../../shared/schemas/account.js';
import type { Page } from '../../../shared/schemas/common.js';

export type AccountRow = typeof accounts.$inferSelect;

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    industry: row.industry,
    ownerId: row.ownerId,
    stage: row.stage,
    annualRevenue: row.annualRevenue,
    grossProfit: row.grossProfit,
    costToServe: row.costToServe,
    contractStart: row.contractStart,
    renewalDate: row.renewalDate,
    serviceNotes: row.serviceNotes,
    archived: row.archived,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getAccount(db: Db, id: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}

export async function insertAccount(
  db: Db,
  values: CreateAccount & { ownerId: string },
  now: Date,
): Promise<AccountRow> {
  const [row] = await db
    .insert(accounts)
    .values({ ...values, createdAt: now, updatedAt: now })
    .returning();
  return row!;
}

export async function updateAccountRow(db: Db, id: string, values: UpdateAccount, now: Date) {
  const [row] = await db
    .update(accounts)
    .set({ ...values, updatedAt: now })
    .where(eq(accounts.id, id))
    .returning();
  return row;
}

const sortColumns = {
  name: sql`lower(${accounts.name})`,
  renewalDate: accounts.renewalDate,
  annualRevenue: accounts.annualRevenue,
  createdAt: accounts.createdAt,
} as const;

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

export async function listAccounts(
  db: Db,
  query: AccountListQuery,
  ownerScope: string | null,
): Promise<Page<AccountRow>> {
  const conditions: SQL[] = [];
  if (ownerScope) conditions.push(eq(accounts.ownerId, ownerScope));
  if (query.ownerId) conditions.push(eq(accounts.ownerId, query.ownerId));
  if (query.stage) conditions.push(eq(accounts.stage, query.stage));
  if (query.industry) conditions.push(ilike(accounts.industry, escapeLike(query.industry)));
  if (!query.includeArchived) conditions.push(eq(accounts.archived, false));
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    conditions.push(or(ilike(accounts.name, pattern), ilike(accounts.industry, pattern))!);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const descending = query.sort.startsWith('-');
  const column = sortColumns[query.sort.replace(/^-/, '') as keyof typeof sortColumns];
  // Nulls last either way, then a stable tie-breaker so pages never overlap.
  const order = descending ? sql`${column} desc nulls last` : sql`${column} asc nulls last`;

  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(accounts)
      .where(where)
      .orderBy(order, asc(accounts.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(accounts).where(where),
  ]);
  return { data: rows, page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

export async function findAccountByName(db: Db, name: string): Promise<AccountRow | undefined> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(sql`lower(${accounts.name}) = ${name.toLowerCase()}`)
    .limit(1);
  return row;
}
