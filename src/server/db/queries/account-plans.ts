import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import {
  accountCounterpartPairs,
  accountPlanActions,
  accountPlanChanges,
  accountPlans,
  accountQuarterValues,
  accountTeamMembers,
  contacts,
  tasks,
  users,
} from '../schema/index.js';
import type { PlanFieldChanges } from '../schema/program.js';

export type PlanRow = typeof accountPlans.$inferSelect;
type Section = (typeof accountPlanChanges.$inferInsert)['section'];

export async function getPlan(db: Db, accountId: string): Promise<PlanRow | undefined> {
  const [row] = await db.select().from(accountPlans).where(eq(accountPlans.accountId, accountId));
  return row;
}

/**
 * The account's plan, created on first write. Concurrent first writes meet on the unique account id: the loser
 * reads the winner's row. Marks the plan changed by `userId` at `now`.
 */
export async function touchPlan(db: Db, accountId: string, userId: string, now: Date, columns: Partial<PlanRow> = {}): Promise<PlanRow> {
  await db
    .insert(accountPlans)
    .values({ accountId, createdAt: now, updatedAt: now, updatedBy: userId })
    .onConflictDoNothing({ target: accountPlans.accountId });
  const [row] = await db
    .update(accountPlans)
    .set({ ...columns, updatedAt: now, updatedBy: userId })
    .where(eq(accountPlans.accountId, accountId))
    .returning();
  return row!;
}

export async function recordPlanChange(
  db: Db,
  change: { planId: string; changedBy: string | null; changedByContactId?: string; changedAt: Date; section: Section; summary: string; changes?: PlanFieldChanges },
): Promise<void> {
  await db.insert(accountPlanChanges).values({ ...change, changes: change.changes ?? {} });
}

/** A page of the plan's changes, newest first, and how many there are. */
export async function listPlanChanges(db: Db, planId: string, page: { page: number; pageSize: number }) {
  const [rows, [total]] = await Promise.all([
    db
      .select({ change: accountPlanChanges, name: users.name, contactName: contacts.name })
      .from(accountPlanChanges)
      .leftJoin(users, eq(users.id, accountPlanChanges.changedBy))
      .leftJoin(contacts, eq(contacts.id, accountPlanChanges.changedByContactId))
      .where(eq(accountPlanChanges.planId, planId))
      .orderBy(desc(accountPlanChanges.changedAt), desc(accountPlanChanges.id))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db.select({ n: count() }).from(accountPlanChanges).where(eq(accountPlanChanges.planId, planId)),
  ]);
  return { rows, total: total?.n ?? 0 };
}

const theirOwner = alias(contacts, 'their_owner');
const proposer = alias(contacts, 'proposer');

/** The plan's actions with their tasks, the assignee's name and (issue 14) the customer-side people named on them. */
export async function listPlanActions(db: Db, planId: string) {
  return db
    .select({ action: accountPlanActions, task: tasks, assigneeName: users.name, theirOwnerName: theirOwner.name, proposerName: proposer.name })
    .from(accountPlanActions)
    .innerJoin(tasks, eq(tasks.id, accountPlanActions.taskId))
    .innerJoin(users, eq(users.id, tasks.assigneeId))
    .leftJoin(theirOwner, eq(theirOwner.id, accountPlanActions.theirOwnerContactId))
    .leftJoin(proposer, eq(proposer.id, accountPlanActions.proposedByContactId))
    .where(eq(accountPlanActions.planId, planId))
    .orderBy(asc(accountPlanActions.position), asc(accountPlanActions.createdAt), asc(accountPlanActions.id));
}

/** Links a task to the plan as its next action. */
export async function insertPlanAction(
  db: Db,
  action: Pick<typeof accountPlanActions.$inferInsert, 'joint' | 'side' | 'theirOwnerContactId' | 'proposedByContactId'> & {
    planId: string;
    taskId: string;
    goal: (typeof accountPlanActions.$inferInsert)['goal'];
    createdAt: Date;
  },
) {
  const [row] = await db
    .insert(accountPlanActions)
    .values({
      ...action,
      position: sql`(select coalesce(max(${accountPlanActions.position}), -1) + 1 from ${accountPlanActions} where ${accountPlanActions.planId} = ${action.planId})`,
    })
    .returning();
  return row!;
}

export async function listTeam(db: Db, accountId: string) {
  return db
    .select({ member: accountTeamMembers, name: users.name, email: users.email })
    .from(accountTeamMembers)
    .innerJoin(users, eq(users.id, accountTeamMembers.userId))
    .where(eq(accountTeamMembers.accountId, accountId))
    .orderBy(asc(accountTeamMembers.createdAt), asc(accountTeamMembers.id));
}

export async function listCounterpartPairs(db: Db, accountId: string) {
  return db
    .select({ pair: accountCounterpartPairs, userName: users.name, contact: contacts })
    .from(accountCounterpartPairs)
    .innerJoin(users, eq(users.id, accountCounterpartPairs.userId))
    .innerJoin(contacts, eq(contacts.id, accountCounterpartPairs.contactId))
    .where(eq(accountCounterpartPairs.accountId, accountId))
    .orderBy(asc(accountCounterpartPairs.function), asc(accountCounterpartPairs.createdAt));
}

/** The last `limit` quarters with values, oldest first. */
export async function listRecentQuarterValues(db: Db, accountId: string, limit = 8) {
  const rows = await db
    .select()
    .from(accountQuarterValues)
    .where(eq(accountQuarterValues.accountId, accountId))
    .orderBy(desc(accountQuarterValues.quarter))
    .limit(limit);
  return rows.reverse();
}

export async function getTeamMember(db: Db, accountId: string, id: string) {
  const [row] = await db
    .select()
    .from(accountTeamMembers)
    .where(and(eq(accountTeamMembers.accountId, accountId), eq(accountTeamMembers.id, id)));
  return row;
}

export async function getCounterpartPair(db: Db, accountId: string, id: string) {
  const [row] = await db
    .select({ pair: accountCounterpartPairs, userName: users.name, contactName: contacts.name })
    .from(accountCounterpartPairs)
    .innerJoin(users, eq(users.id, accountCounterpartPairs.userId))
    .innerJoin(contacts, eq(contacts.id, accountCounterpartPairs.contactId))
    .where(and(eq(accountCounterpartPairs.accountId, accountId), eq(accountCounterpartPairs.id, id)));
  return row;
}
