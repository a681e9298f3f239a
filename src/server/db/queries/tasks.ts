import { and, asc, count, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, contacts, followUpRules, messages, responses, surveys, surveyVersions, taskComments, taskResponses, tasks, users } from '../schema/index.js';
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
  /** `due` (default): soonest due first; `-closed`: the most recently closed first (still-open ones last). */
  sort?: 'due' | '-closed';
}

/**
 * `viewer`: a manager's id (null: everyone's tasks). A manager sees the tasks on their accounts and the tasks
 * assigned to them on anyone's (as canViewTask decides for one task).
 */
export async function listTasks(db: Db, query: TaskFilters, viewer: string | null): Promise<Page<TaskRow & { accountName: string }>> {
  const conditions: SQL[] = [];
  if (viewer) conditions.push(or(eq(accounts.ownerId, viewer), eq(tasks.assigneeId, viewer))!);
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
      .orderBy(...(query.sort === '-closed' ? [sql`${tasks.closedAt} desc nulls last`, desc(tasks.updatedAt), asc(tasks.id)] : [asc(tasks.dueAt), asc(tasks.id)]))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(tasks).innerJoin(accounts, eq(accounts.id, tasks.accountId)).where(where),
  ]);
  return { data: rows.map((r) => ({ ...r.task, accountName: r.accountName })), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

export type NewTask = Pick<typeof tasks.$inferInsert, 'accountId' | 'title' | 'priority' | 'assigneeId' | 'dueAt'> &
  Partial<Pick<typeof tasks.$inferInsert, 'contactId' | 'description' | 'createdBy' | 'touchpointId'>>;

/**
 * Creates a task by hand (the tasks API, an account plan's action): open, no response or rule behind it. Takes a
 * transaction too, so a caller can write the task together with what links to it.
 */
export async function createTask(db: Db, task: NewTask, now: Date): Promise<TaskRow> {
  const [row] = await db
    .insert(tasks)
    .values({ ...task, contactId: task.contactId ?? null, description: task.description ?? null, createdAt: now, updatedAt: now })
    .returning();
  return row!;
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

/** What the task page shows around a task: the contact, the response with its survey, the rule, the owner. */
export async function getTaskSurroundings(db: Db, task: Pick<TaskRow, 'id' | 'accountId' | 'contactId' | 'responseId' | 'ruleId'>) {
  const [owner] = await db
    .select({ id: users.id, name: users.name })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .where(eq(accounts.id, task.accountId));
  const [contact] = task.contactId ? await db.select().from(contacts).where(eq(contacts.id, task.contactId)) : [];
  // Every answer the task is about, in the order they came (the one that opened it first).
  const answered = await db
    .select({ response: responses, definition: surveyVersions.definition, surveyName: surveys.name, addedAt: taskResponses.addedAt })
    .from(responses)
    .leftJoin(taskResponses, and(eq(taskResponses.responseId, responses.id), eq(taskResponses.taskId, task.id)))
    .innerJoin(surveyVersions, eq(surveyVersions.id, responses.surveyVersionId))
    .innerJoin(surveys, eq(surveys.id, responses.surveyId))
    .where(or(sql`${taskResponses.taskId} is not null`, task.responseId ? eq(responses.id, task.responseId) : sql`false`))
    .orderBy(sql`coalesce(${taskResponses.addedAt}, ${responses.startedAt})`, asc(responses.id));
  const response = answered.find((r) => r.response.id === task.responseId) ?? answered[0];
  const [rule] = task.ruleId ? await db.select().from(followUpRules).where(eq(followUpRules.id, task.ruleId)) : [];
  const [emailed] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.taskId, task.id), eq(messages.purpose, 'loop_closed')))
    .limit(1);
  return { owner, contact, response, answered, rule, customerEmailed: Boolean(emailed) };
}

/** People who may be given tasks (active managers and admins), and the names of the given ids whoever they are. */
export async function listTaskPeople(db: Db, ids: string[]) {
  const assignable = await db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.disabled, false), inArray(users.role, ['account_manager', 'admin'])))
    .orderBy(asc(users.name), asc(users.id));
  const named = ids.length ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)) : [];
  return { assignable, named };
}
