import { and, asc, count, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, followUpRules, taskComments, tasks } from '../schema/index.js';
import { defaultRules } from '../../domain/follow-up-rules.js';
import type { Page, PageQuery } from '../../../shared/schemas/common.js';

export type TaskRow = typeof tasks.$inferSelect;
export type RuleRow = typeof followUpRules.$inferSelect;

/** Creates the built-in rules once; admins' later edits are left alone. */
export async function ensureDefaultRules(db: Db, now: Date): Promise<void> {
  await db
    .insert(followUpRules)
    .values(defaultRules.map((r) => ({ ...r, condition: { ...r.condition }, createdAt: now, updatedAt: now })))
    .onConflictDoNothing({ target: followUpRules.key });
}

export async function listRules(db: Db): Promise<RuleRow[]> {
  return db.select().from(followUpRules).orderBy(asc(followUpRules.createdAt), asc(followUpRules.name));
}

export async function getRule(db: Db, id: string): Promise<RuleRow | undefined> {
  const [row] = await db.select().from(followUpRules).where(eq(followUpRules.id, id));
  return row;
}

export interface TaskFilters extends PageQuery {
  assigneeId?: string;
  status?: TaskRow['status'][];
  overdueAt?: Date;
  accountId?: string;
  priority?: TaskRow['priority'];
}

export async function listTasks(db: Db, query: TaskFilters, ownerScope: string | null): Promise<Page<TaskRow & { accountName: string }>> {
  const conditions: SQL[] = [];
  if (ownerScope) conditions.push(eq(accounts.ownerId, ownerScope));
  if (query.assigneeId) conditions.push(eq(tasks.assigneeId, query.assigneeId));
  if (query.status?.length) conditions.push(inArray(tasks.status, query.status));
  if (query.overdueAt) conditions.push(and(lt(tasks.dueAt, query.overdueAt), inArray(tasks.status, ['open', 'in_progress']))!);
  if (query.accountId) conditions.push(eq(tasks.accountId, query.accountId));
  if (query.priority) conditions.push(eq(tasks.priority, query.priority));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select({ task: tasks, accountName: accounts.name })
      .from(tasks)
      .innerJoin(accounts, eq(accounts.id, tasks.accountId))
      .where(where)
      .orderBy(asc(tasks.dueAt), asc(tasks.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(tasks).innerJoin(accounts, eq(accounts.id, tasks.accountId)).where(where),
  ]);
  return { data: rows.map((r) => ({ ...r.task, accountName: r.accountName })), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

export async function getTaskWithOwner(db: Db, id: string) {
  const [row] = await db
    .select({ task: tasks, ownerId: accounts.ownerId, accountName: accounts.name })
    .from(tasks)
    .innerJoin(accounts, eq(accounts.id, tasks.accountId))
    .where(eq(tasks.id, id));
  return row;
}

export async function listComments(db: Db, taskId: string) {
  return db.select().from(taskComments).where(eq(taskComments.taskId, taskId)).orderBy(asc(taskComments.createdAt), asc(taskComments.id));
}

/** Marks the first action on a task (for "time to first action"); later actions leave it alone. */
export function firstAction(now: Date) {
  return sql`coalesce(${tasks.firstActionAt}, ${now.toISOString()}::timestamptz)`;
}


