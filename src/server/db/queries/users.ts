import { and, asc, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { users } from '../schema/index.js';
import type { Page, PageQuery } from '../../../shared/schemas/common.js';
import type { Role, User } from '../../../shared/schemas/user.js';

export type UserRow = typeof users.$inferSelect;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getUser(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function insertUser(
  db: Db,
  values: { email: string; name: string; role: Role; passwordHash: string },
): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function updateUserRow(
  db: Db,
  id: string,
  values: Partial<Pick<UserRow, 'email' | 'name' | 'role' | 'passwordHash' | 'disabled'>>,
  now: Date,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: now })
    .where(eq(users.id, id))
    .returning();
  return row;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

export async function listUsers(
  db: Db,
  query: PageQuery & { role?: Role; q?: string },
): Promise<Page<UserRow>> {
  const conditions: SQL[] = [];
  if (query.role) conditions.push(eq(users.role, query.role));
  if (query.q) {
    const pattern = likePattern(query.q);
    conditions.push(or(ilike(users.name, pattern), ilike(users.email, pattern))!);
  }
  return pageOfUsers(db, conditions, query);
}

/** Active users only, searched by name: what pickers offer to every signed-in user. */
export async function listColleagues(db: Db, query: PageQuery & { role?: Role; q?: string }): Promise<Page<UserRow>> {
  const conditions: SQL[] = [eq(users.disabled, false)];
  if (query.role) conditions.push(eq(users.role, query.role));
  if (query.q) conditions.push(ilike(users.name, likePattern(query.q)));
  return pageOfUsers(db, conditions, query);
}

async function pageOfUsers(db: Db, conditions: SQL[], query: PageQuery): Promise<Page<UserRow>> {
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.name), asc(users.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { data: rows, page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

/**
 * Counts the active admins and locks their rows until the transaction ends, so two admins demoting
 * each other at once cannot both see "another admin is left" (call it inside a transaction).
 */
export async function lockActiveAdmins(tx: Db): Promise<number> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.disabled, false)))
    .for('update');
  return rows.length;
}
