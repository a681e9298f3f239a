import { and, asc, count, eq, ilike, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, contacts } from '../schema/index.js';
import { escapeLike } from './accounts.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Contact, ContactListQuery, CreateContact, UpdateContact } from '../../../shared/schemas/contact.js';

export type ContactRow = typeof contacts.$inferSelect;

export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    accountId: row.accountId,
    name: row.name,
    email: row.email,
    title: row.title,
    language: row.language,
    level: row.level,
    buyingRole: row.buyingRole,
    relationshipStrength: row.relationshipStrength,
    counterpartId: row.counterpartId,
    unsubscribed: row.unsubscribed,
    bounced: row.bounced,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const live = isNull(contacts.deletedAt);

/**
 * A contact with its account's owner, so the caller can check permissions in one query. Removed contacts only
 * with `includeRemoved` (erasing or exporting a person's data works whether or not they were removed).
 */
export async function getContactWithOwner(db: Db, id: string, options: { includeRemoved?: boolean } = {}) {
  const [row] = await db
    .select({ contact: contacts, ownerId: accounts.ownerId })
    .from(contacts)
    .innerJoin(accounts, eq(accounts.id, contacts.accountId))
    .where(and(eq(contacts.id, id), options.includeRemoved ? undefined : live));
  return row;
}

export async function findContactByEmail(db: Db, accountId: string, email: string) {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.accountId, accountId), sql`lower(${contacts.email}) = ${email.toLowerCase()}`, live));
  return row;
}

export async function insertContact(db: Db, accountId: string, values: CreateContact, now: Date): Promise<ContactRow> {
  const [row] = await db
    .insert(contacts)
    .values({ ...values, accountId, createdAt: now, updatedAt: now })
    .returning();
  return row!;
}

export async function updateContactRow(db: Db, id: string, values: UpdateContact, now: Date) {
  const [row] = await db
    .update(contacts)
    .set({ ...values, updatedAt: now })
    .where(and(eq(contacts.id, id), live))
    .returning();
  return row;
}

export async function softDeleteContact(db: Db, id: string, now: Date): Promise<void> {
  await db.update(contacts).set({ deletedAt: now, updatedAt: now }).where(eq(contacts.id, id));
}

export async function listContacts(db: Db, accountId: string, query: ContactListQuery): Promise<Page<ContactRow>> {
  const conditions: SQL[] = [eq(contacts.accountId, accountId), live];
  if (query.level) conditions.push(eq(contacts.level, query.level));
  if (query.buyingRole) conditions.push(eq(contacts.buyingRole, query.buyingRole));
  if (query.unsubscribed !== undefined) conditions.push(eq(contacts.unsubscribed, query.unsubscribed));
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    conditions.push(or(ilike(contacts.name, pattern), ilike(contacts.email, pattern), ilike(contacts.title, pattern))!);
  }
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(contacts)
      .where(where)
      .orderBy(asc(contacts.level), asc(sql`lower(${contacts.name})`), asc(contacts.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(contacts).where(where),
  ]);
  return { data: rows, page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}
