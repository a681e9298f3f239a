import { and, asc, count, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, users } from '../schema/index.js';
import type { Account, AccountListQuery, CreateAccount, UpdateAccount } from '../../../shared/schemas/account.js';
import type { Page } from '../../../shared/schemas/common.js';

export type AccountRow = typeof accounts.$inferSelect;

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    industry: row.industry,
    domain: row.domain,
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

/** The list's filters (search, owner, stage, industry, archived) as one WHERE clause. */
function accountFilters(query: AccountListQuery, ownerScope: string | null): SQL | undefined {
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
  return conditions.length ? and(...conditions) : undefined;
}

/** Sorts on stored columns; `nps` is computed (services/account-list.ts sorts by it), so the database orders by name. */
export async function listAccounts(
  db: Db,
  query: AccountListQuery,
  ownerScope: string | null,
): Promise<Page<AccountRow>> {
  const where = accountFilters(query, ownerScope);
  const key = query.sort.replace(/^-/, '');
  const descending = query.sort.startsWith('-');
  const column = sortColumns[(key in sortColumns ? key : 'name') as keyof typeof sortColumns];
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

/** Every account matching the list's filters, by name: the candidates when sorting or filtering by computed health. */
export async function listAccountIdsByName(db: Db, query: AccountListQuery, ownerScope: string | null): Promise<string[]> {
  const rows = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(accountFilters(query, ownerScope))
    .orderBy(sortColumns.name, asc(accounts.id));
  return rows.map((r) => r.id);
}

export async function getAccountsByIds(db: Db, ids: string[]): Promise<AccountRow[]> {
  if (!ids.length) return [];
  return db.select().from(accounts).where(inArray(accounts.id, ids));
}

/** Owner id → name, for the accounts list. */
export async function getOwnerNames(db: Db, ownerIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ownerIds)];
  if (!unique.length) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function findAccountByName(db: Db, name: string): Promise<AccountRow | undefined> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(sql`lower(${accounts.name}) = ${name.toLowerCase()}`)
    .limit(1);
  return row;
}
