import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  accountCounterpartPairs,
  accountPlanActions,
  accountPlans,
  accountQuarterValues,
  accounts,
  contacts,
  partnershipAnswers,
  partnershipAssessments,
  responses,
  tasks,
  users,
} from '../schema/index.js';

/**
 * What the program evaluation reads besides the NPS and audit report queries: the key accounts in scope, their
 * quarterly values, plans and action statuses, contacts per level, partnership answers, and the task and score
 * rows the loop metrics are measured from. Each takes the account ids and answers rows for all of them at once.
 */

export async function listKeyAccounts(db: Db, ownerId: string | null) {
  return db
    .select({ id: accounts.id, name: accounts.name, ownerId: accounts.ownerId, ownerName: users.name, renewalDate: accounts.renewalDate })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .where(and(eq(accounts.stage, 'key_account'), eq(accounts.archived, false), ownerId ? eq(accounts.ownerId, ownerId) : undefined))
    .orderBy(asc(accounts.name), asc(accounts.id));
}

export async function listQuarterValues(db: Db, accountIds: string[], quarters: string[]) {
  if (!accountIds.length) return [];
  return db
    .select()
    .from(accountQuarterValues)
    .where(and(inArray(accountQuarterValues.accountId, accountIds), inArray(accountQuarterValues.quarter, quarters)));
}

export async function listPlansWithActions(db: Db, accountIds: string[]) {
  if (!accountIds.length) return { plans: [], actions: [] };
  const plans = await db
    .select({ id: accountPlans.id, accountId: accountPlans.accountId, updatedAt: accountPlans.updatedAt })
    .from(accountPlans)
    .where(inArray(accountPlans.accountId, accountIds));
  const actions = plans.length
    ? await db
        .select({ planId: accountPlanActions.planId, status: tasks.status })
        .from(accountPlanActions)
        .innerJoin(tasks, eq(tasks.id, accountPlanActions.taskId))
        .where(inArray(accountPlanActions.planId, plans.map((p) => p.id)))
    : [];
  return { plans, actions };
}

/** Current contacts per account and level. */
export async function countContactsByLevel(db: Db, accountIds: string[]) {
  if (!accountIds.length) return [];
  return db
    .select({ accountId: contacts.accountId, level: contacts.level, n: count() })
    .from(contacts)
    .where(and(inArray(contacts.accountId, accountIds), isNull(contacts.deletedAt)))
    .groupBy(contacts.accountId, contacts.level);
}

export async function countCounterpartPairs(db: Db, accountIds: string[]) {
  if (!accountIds.length) return [];
  return db
    .select({ accountId: accountCounterpartPairs.accountId, n: count() })
    .from(accountCounterpartPairs)
    .where(inArray(accountCounterpartPairs.accountId, accountIds))
    .groupBy(accountCounterpartPairs.accountId);
}

/** Every partnership answer of assessments made before `end`, with its assessment. */
export async function listPartnershipAnswers(db: Db, accountIds: string[], end: Date) {
  if (!accountIds.length) return [];
  return db
    .select({
      assessmentId: partnershipAssessments.id,
      accountId: partnershipAssessments.accountId,
      assessedAt: partnershipAssessments.assessedAt,
      answer: partnershipAnswers.answer,
    })
    .from(partnershipAssessments)
    .innerJoin(partnershipAnswers, eq(partnershipAnswers.assessmentId, partnershipAssessments.id))
    .where(and(inArray(partnershipAssessments.accountId, accountIds), lt(partnershipAssessments.assessedAt, end)));
}

/** Tasks created in [start, end) on the accounts, as the loop metrics measure them. */
export async function listLoopTasks(db: Db, accountIds: string[], start: Date, end: Date) {
  if (!accountIds.length) return [];
  return db
    .select({
      assigneeId: tasks.assigneeId,
      accountId: tasks.accountId,
      createdAt: tasks.createdAt,
      firstActionAt: tasks.firstActionAt,
      closedAt: tasks.closedAt,
      dueAt: tasks.dueAt,
      status: tasks.status,
    })
    .from(tasks)
    .where(and(inArray(tasks.accountId, accountIds), gte(tasks.createdAt, start), lt(tasks.createdAt, end)));
}

/** NPS answers up to `end`, oldest first per contact (for "did the detractor answer better next time"). */
export async function listScoreHistory(db: Db, accountIds: string[], end: Date) {
  if (!accountIds.length) return [];
  return db
    .select({ contactId: responses.contactId, accountId: responses.accountId, ownerId: accounts.ownerId, score: responses.npsScore, at: responses.updatedAt })
    .from(responses)
    .innerJoin(accounts, eq(accounts.id, responses.accountId))
    .where(and(isNotNull(responses.npsScore), inArray(responses.accountId, accountIds), lt(responses.updatedAt, end)))
    .orderBy(asc(responses.contactId), asc(responses.updatedAt));
}

