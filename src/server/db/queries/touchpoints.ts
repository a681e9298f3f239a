import { and, desc, eq, inArray, isNull, sql, count } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, contacts, tasks, touchpoints, users } from '../schema/index.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Touchpoint } from '../../../shared/schemas/touchpoint.js';

export type TouchpointRow = typeof touchpoints.$inferSelect;
export type NewTouchpoint = Pick<TouchpointRow, 'accountId' | 'occurredOn' | 'kind' | 'notes' | 'contactIds' | 'userIds' | 'createdBy'>;

export function toTouchpoint(row: TouchpointRow): Touchpoint {
  return {
    id: row.id,
    accountId: row.accountId,
    occurredOn: row.occurredOn,
    kind: row.kind,
    notes: row.notes,
    contactIds: row.contactIds,
    userIds: row.userIds,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function insertTouchpoint(db: Db, values: NewTouchpoint, now: Date): Promise<TouchpointRow> {
  const [row] = await db.insert(touchpoints).values({ ...values, createdAt: now, updatedAt: now }).returning();
  return row!;
}

export async function updateTouchpointRow(db: Db, id: string, values: Partial<NewTouchpoint>, now: Date): Promise<TouchpointRow | undefined> {
  const [row] = await db
    .update(touchpoints)
    .set({ ...values, updatedAt: now })
    .where(eq(touchpoints.id, id))
    .returning();
  return row;
}

export async function deleteTouchpointRow(db: Db, id: string): Promise<void> {
  await db.delete(touchpoints).where(eq(touchpoints.id, id));
}

/** A touchpoint with its account's owner (for the permission check). */
export async function getTouchpointWithOwner(db: Db, id: string) {
  const [row] = await db
    .select({ touchpoint: touchpoints, ownerId: accounts.ownerId })
    .from(touchpoints)
    .innerJoin(accounts, eq(accounts.id, touchpoints.accountId))
    .where(eq(touchpoints.id, id));
  return row;
}

/** An account's touchpoints, newest first (by the day they happened, then by when they were logged). */
export async function listTouchpoints(db: Db, accountId: string, query: { page: number; pageSize: number }): Promise<Page<TouchpointRow>> {
  const where = eq(touchpoints.accountId, accountId);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(touchpoints)
      .where(where)
      .orderBy(desc(touchpoints.occurredOn), desc(touchpoints.createdAt), desc(touchpoints.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(touchpoints).where(where),
  ]);
  return { data: rows, page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

/** Every touchpoint of the given accounts: who was there and when (for freshness and risk). */
export async function listTouchRecords(db: Db, accountIds: string[]) {
  if (!accountIds.length) return [];
  return db
    .select({ accountId: touchpoints.accountId, occurredOn: touchpoints.occurredOn, contactIds: touchpoints.contactIds, userIds: touchpoints.userIds })
    .from(touchpoints)
    .where(inArray(touchpoints.accountId, accountIds));
}

/** The account's live contacts among `ids` and with `emails` (lower-case), each as id. */
export async function findAccountContacts(db: Db, accountId: string, ids: string[], emails: string[]) {
  if (!ids.length && !emails.length) return [];
  const conditions = [];
  if (ids.length) conditions.push(inArray(contacts.id, ids));
  if (emails.length) conditions.push(inArray(sql`lower(${contacts.email})`, emails));
  return db
    .select({ id: contacts.id, email: contacts.email })
    .from(contacts)
    .where(and(eq(contacts.accountId, accountId), isNull(contacts.deletedAt), isNull(contacts.erasedAt), sql`(${sql.join(conditions, sql` or `)})`));
}

/** Active users among `ids` and with `emails` (lower-case). */
export async function findActiveUsers(db: Db, ids: string[], emails: string[]) {
  if (!ids.length && !emails.length) return [];
  const conditions = [];
  if (ids.length) conditions.push(inArray(users.id, ids));
  if (emails.length) conditions.push(inArray(sql`lower(${users.email})`, emails));
  return db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.disabled, false), sql`(${sql.join(conditions, sql` or `)})`));
}

/** Names of users, by id (the relationship holders on the people map). */
export async function userNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Live contacts of the given accounts with one of `emails` (lower-case): for resolving an import's people. */
export async function findContactsByEmail(db: Db, accountIds: string[], emails: string[]) {
  if (!accountIds.length || !emails.length) return [];
  return db
    .select({ id: contacts.id, accountId: contacts.accountId, email: contacts.email })
    .from(contacts)
    .where(and(inArray(contacts.accountId, accountIds), isNull(contacts.deletedAt), isNull(contacts.erasedAt), inArray(sql`lower(${contacts.email})`, emails)));
}

/** The touchpoints already logged on these accounts on these days (an import's re-run check). */
export async function listTouchpointsOn(db: Db, accountIds: string[], days: string[]) {
  if (!accountIds.length || !days.length) return [];
  return db
    .select({ id: touchpoints.id, accountId: touchpoints.accountId, occurredOn: touchpoints.occurredOn, kind: touchpoints.kind, contactIds: touchpoints.contactIds, userIds: touchpoints.userIds })
    .from(touchpoints)
    .where(and(inArray(touchpoints.accountId, accountIds), inArray(touchpoints.occurredOn, days)));
}

/**
 * The touchpoints of these accounts from `from` to `to` (YYYY-MM-DD, both included), each with whether an
 * instigator-level contact was present (the program evaluation's "executive-level touch"). A contact deleted or
 * erased since still counts with the level they had: the meeting took place, and a half's figures do not change.
 */
export async function listTouchesWithLevels(db: Db, accountIds: string[], from: string, to: string) {
  if (!accountIds.length) return [];
  return db
    .select({
      accountId: touchpoints.accountId,
      occurredOn: touchpoints.occurredOn,
      kind: touchpoints.kind,
      executive: sql<boolean>`exists (select 1 from ${contacts} where ${contacts.id} = any(${touchpoints.contactIds}) and ${contacts.level} = 'instigator')`.mapWith(Boolean),
    })
    .from(touchpoints)
    .where(and(inArray(touchpoints.accountId, accountIds), sql`${touchpoints.occurredOn} between ${from} and ${to}`));
}

/** Names of contacts by id, deleted ones included (a past meeting still had them); erased ones read as erased. */
export async function contactNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: contacts.id, name: contacts.name }).from(contacts).where(inArray(contacts.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The follow-up tasks logged with these touchpoints, by touchpoint id. */
export async function listFollowUpTasks(db: Db, rows: Pick<TouchpointRow, 'id'>[]) {
  const out = new Map<string, { id: string; title: string; status: string; dueAt: string }[]>();
  if (!rows.length) return out;
  const found = await db
    .select({ id: tasks.id, touchpointId: tasks.touchpointId, title: tasks.title, status: tasks.status, dueAt: tasks.dueAt })
    .from(tasks)
    .where(inArray(tasks.touchpointId, rows.map((r) => r.id)))
    .orderBy(tasks.dueAt, tasks.id);
  for (const t of found) {
    const list = out.get(t.touchpointId!) ?? [];
    list.push({ id: t.id, title: t.title, status: t.status, dueAt: t.dueAt.toISOString() });
    out.set(t.touchpointId!, list);
  }
  return out;
}

