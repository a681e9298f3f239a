import { and, asc, count, desc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, contacts, responses, surveyVersions, taskResponses, tasks, users } from '../schema/index.js';
import type { Answers, SurveyDefinition } from '../../../shared/schemas/survey.js';

/** A response counts from its completion (or its latest save, while still partial). */
const submittedAt = sql<Date>`coalesce(${responses.completedAt}, ${responses.updatedAt})`;

export interface NewResponseRow {
  id: string;
  accountId: string;
  accountName: string;
  contactId: string;
  contactName: string;
  npsScore: number | null;
  submittedAt: Date;
  complete: boolean;
  answers: Answers;
  definition: SurveyDefinition;
}

/**
 * Answers on the accounts a person owns that arrived after `since` (everything, when null) and up to `upTo`:
 * detractors first, then passives, promoters and answers without a score; newest first within each.
 */
export async function listNewResponses(
  db: Db,
  query: { ownerId: string; since: Date | null; upTo: Date; page: number; pageSize: number },
): Promise<{ rows: NewResponseRow[]; total: number; detractors: number }> {
  const conditions: SQL[] = [
    eq(accounts.ownerId, query.ownerId),
    eq(accounts.archived, false),
    sql`${responses.answers} <> '{}'::jsonb`,
    // Answers imported from another tool are history, never "new" (an import of years of answers would bury the day).
    sql`${responses.importedFrom} is null`,
    lte(submittedAt, sql`${query.upTo.toISOString()}::timestamptz`),
  ];
  if (query.since) conditions.push(gt(submittedAt, sql`${query.since.toISOString()}::timestamptz`));
  const where = and(...conditions);
  const band = sql`case when ${responses.npsScore} <= 6 then 0 when ${responses.npsScore} <= 8 then 1 when ${responses.npsScore} is not null then 2 else 3 end`;
  const [rows, [totals]] = await Promise.all([
    db
      .select({
        id: responses.id,
        accountId: responses.accountId,
        accountName: accounts.name,
        contactId: responses.contactId,
        contactName: contacts.name,
        npsScore: responses.npsScore,
        completedAt: responses.completedAt,
        updatedAt: responses.updatedAt,
        answers: responses.answers,
        definition: surveyVersions.definition,
      })
      .from(responses)
      .innerJoin(accounts, eq(accounts.id, responses.accountId))
      .innerJoin(contacts, eq(contacts.id, responses.contactId))
      .innerJoin(surveyVersions, eq(surveyVersions.id, responses.surveyVersionId))
      .where(where)
      .orderBy(asc(band), desc(submittedAt), asc(responses.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ n: count(), detractors: sql<number>`count(*) filter (where ${responses.npsScore} <= 6)`.mapWith(Number) })
      .from(responses)
      .innerJoin(accounts, eq(accounts.id, responses.accountId))
      .where(where),
  ]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      accountId: r.accountId,
      accountName: r.accountName,
      contactId: r.contactId,
      contactName: r.contactName,
      npsScore: r.npsScore,
      submittedAt: r.completedAt ?? r.updatedAt,
      complete: r.completedAt !== null,
      answers: r.answers,
      definition: r.definition,
    })),
    total: totals?.n ?? 0,
    detractors: totals?.detractors ?? 0,
  };
}

/** The tasks these responses created or joined, the most urgent first per response. */
export async function tasksOfResponses(db: Db, responseIds: string[]) {
  if (!responseIds.length) return [];
  const priorityOrder = sql`case ${tasks.priority} when 'high' then 0 when 'normal' then 1 else 2 end`;
  return db
    .select({ id: tasks.id, responseId: taskResponses.responseId, title: tasks.title, status: tasks.status })
    .from(taskResponses)
    .innerJoin(tasks, eq(tasks.id, taskResponses.taskId))
    .where(inArray(taskResponses.responseId, responseIds))
    .orderBy(asc(priorityOrder), asc(tasks.createdAt), asc(tasks.id));
}

export async function getResponsesSeenAt(db: Db, userId: string): Promise<Date | null> {
  const [row] = await db.select({ seenAt: users.responsesSeenAt }).from(users).where(eq(users.id, userId));
  return row?.seenAt ?? null;
}

/** Moves the "seen up to" marker forward (never back: an older page marking seen changes nothing). */
export async function markResponsesSeen(db: Db, userId: string, upTo: Date): Promise<Date | null> {
  const at = sql`${upTo.toISOString()}::timestamptz`;
  const [row] = await db
    .update(users)
    .set({ responsesSeenAt: sql`greatest(coalesce(${users.responsesSeenAt}, ${at}), ${at})` })
    .where(eq(users.id, userId))
    .returning({ seenAt: users.responsesSeenAt });
  return row?.seenAt ?? null;
}
