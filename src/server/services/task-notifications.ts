import { and, eq, gte, inArray, isNotNull, isNull, lt } from 'drizzle-orm';
import { dueDailySlot } from '../domain/report-schedule.js';
import { queueReportEmails } from '../db/queries/report-emails.js';
import type { AppDeps } from '../http/context.js';
import type { Db } from '../db/client.js';
import { accounts, contacts, responses, surveyVersions, tasks, users } from '../db/schema/index.js';
import { queueNotification, type NewNotification } from '../db/queries/messages.js';
import { answerText } from '../domain/follow-up-rules.js';
import { renderLoopClosed, renderTaskAssigned, renderTaskDigest } from '../email/notification-templates.js';
import { SEND_EMAILS } from '../jobs/send-emails.js';

export type CustomerNotice = 'queued' | 'already_queued' | 'not_requested' | 'no_contact' | 'contact_unsubscribed' | 'contact_bounced';

/** The task page in the workspace (sign-in first, then back to it). */
const taskUrl = (deps: AppDeps, id: string) => `${deps.config.publicUrl}/tasks/${id}`;

/** Queue inside the caller's transaction, hand to the sender after commit (the sweep re-sends lost ones). */
async function queue(deps: AppDeps, db: Db, n: NewNotification): Promise<string | null> {
  return queueNotification(db, n, deps.clock.now());
}
export async function dispatch(deps: AppDeps, batchKeys: (string | null)[]): Promise<void> {
  const keys = batchKeys.filter((k): k is string => k !== null);
  if (keys.length) await deps.jobs.enqueueMany(SEND_EMAILS, keys.map((batchKey) => ({ data: { batchKey }, singletonKey: batchKey })));
}

/**
 * "What we did with your feedback": the customer's own words from the response and the resolution, in the
 * contact's language, from the account owner (Reply-To). Never to an address that bounced or unsubscribed.
 * The preview on the task page and the real send both come from here, so what a manager sees is what goes out.
 */
export async function composeLoopClosedEmail(
  deps: AppDeps,
  db: Db,
  taskId: string,
  resolution: string,
): Promise<{ notice: Exclude<CustomerNotice, 'queued' | 'already_queued' | 'not_requested'> } | { notice: 'ok'; email: NewNotification & { language: string } }> {
  const [row] = await db
    .select({
      contact: { name: contacts.name, email: contacts.email, language: contacts.language, unsubscribed: contacts.unsubscribed, bounced: contacts.bounced, erasedAt: contacts.erasedAt },
      owner: { name: users.name, email: users.email },
      answers: responses.answers,
      definition: surveyVersions.definition,
      description: tasks.description,
    })
    .from(tasks)
    .innerJoin(accounts, eq(accounts.id, tasks.accountId))
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .leftJoin(contacts, eq(contacts.id, tasks.contactId))
    .leftJoin(responses, eq(responses.id, tasks.responseId))
    .leftJoin(surveyVersions, eq(surveyVersions.id, responses.surveyVersionId))
    .where(eq(tasks.id, taskId));
  // An erased contact has no address and no words left to quote.
  if (!row?.contact || row.contact.erasedAt) return { notice: 'no_contact' };
  if (row.contact.bounced) return { notice: 'contact_bounced' };
  if (row.contact.unsubscribed) return { notice: 'contact_unsubscribed' };
  // Their words: every text they wrote; failing that, the answers themselves.
  const definition = row.definition;
  const answers = row.answers ?? {};
  const texts = definition?.questions.filter((q) => q.kind === 'text').map((q) => answerText(answers[q.key])).filter(Boolean) ?? [];
  const quote = texts.length ? texts.join('\n\n') : (row.description ?? '');
  const content = renderLoopClosed({
    lang: row.contact.language,
    contactName: row.contact.name,
    ownerName: row.owner.name,
    companyName: deps.config.companyName,
    quote,
    resolution,
  });
  return {
    notice: 'ok',
    email: { to: row.contact.email, replyTo: row.owner.email, ...content, taskId, purpose: 'loop_closed', language: row.contact.language },
  };
}

export async function queueLoopClosedEmail(deps: AppDeps, db: Db, taskId: string, resolution: string): Promise<{ notice: CustomerNotice; batchKey: string | null }> {
  const composed = await composeLoopClosedEmail(deps, db, taskId, resolution);
  if (composed.notice !== 'ok') return { notice: composed.notice, batchKey: null };
  const { language: _language, ...email } = composed.email;
  const batchKey = await queue(deps, db, email);
  return { notice: batchKey ? 'queued' : 'already_queued', batchKey };
}

/** Tells the assignee a new task is theirs. */
export async function queueTaskAssignedEmail(deps: AppDeps, db: Db, taskId: string): Promise<string | null> {
  const [row] = await db
    .select({ task: tasks, accountName: accounts.name, assignee: { name: users.name, email: users.email, disabled: users.disabled } })
    .from(tasks)
    .innerJoin(accounts, eq(accounts.id, tasks.accountId))
    .innerJoin(users, eq(users.id, tasks.assigneeId))
    .where(eq(tasks.id, taskId));
  if (!row || row.assignee.disabled) return null;
  const content = renderTaskAssigned({
    assigneeName: row.assignee.name,
    title: row.task.title,
    accountName: row.accountName,
    priority: row.task.priority,
    dueAt: row.task.dueAt,
    description: row.task.description,
    taskUrl: taskUrl(deps, taskId),
  });
  return queue(deps, db, { to: row.assignee.email, replyTo: null, ...content, taskId, purpose: 'task_assigned' });
}

/**
 * Overdue high-priority tasks go to every executive, once per task: escalatedAt is set in the same
 * transaction that queues the emails.
 */
export async function escalateOverdueTasks(deps: AppDeps): Promise<number> {
  const { db, clock } = deps;
  const now = clock.now();
  const overdue = await db
    .select({ task: tasks, accountName: accounts.name, ownerName: users.name })
    .from(tasks)
    .innerJoin(accounts, eq(accounts.id, tasks.accountId))
    .innerJoin(users, eq(users.id, tasks.assigneeId))
    .where(and(eq(tasks.priority, 'high'), inArray(tasks.status, ['open', 'in_progress']), lt(tasks.dueAt, now), isNull(tasks.escalatedAt)))
    .limit(500);
  if (!overdue.length) return 0;
  const executives = await db.select().from(users).where(and(eq(users.role, 'executive'), eq(users.disabled, false)));
  const keys: (string | null)[] = [];
  for (const { task, accountName, ownerName } of overdue) {
    await db.transaction(async (tx) => {
      const [claimed] = await tx.update(tasks).set({ escalatedAt: now }).where(and(eq(tasks.id, task.id), isNull(tasks.escalatedAt))).returning({ id: tasks.id });
      if (!claimed) return;
      for (const executive of executives) {
        const content = renderTaskAssigned({
          assigneeName: executive.name,
          title: task.title,
          accountName,
          priority: task.priority,
          dueAt: task.dueAt,
          description: task.description,
          taskUrl: taskUrl(deps, task.id),
          escalation: { ownerName, overdueDays: Math.max(1, Math.floor((now.getTime() - task.dueAt.getTime()) / 86_400_000)) },
        });
        keys.push(await queueNotification(tx, { to: executive.email, replyTo: null, ...content, taskId: task.id, purpose: `task_escalated:${executive.id}` }, now));
      }
    });
  }
  await dispatch(deps, keys);
  return overdue.length;
}

/**
 * With KEYPULSE_TASK_EMAILS=daily: at 08:00 local, each assignee gets one email listing the tasks they were
 * given in the 24 hours before; the edition key (`tasks:<date>:<userId>`) makes it once per person per day.
 */
export async function sendTaskDigests(deps: AppDeps): Promise<number> {
  const { db, clock, config } = deps;
  if (config.taskEmails !== 'daily') return 0;
  const slot = dueDailySlot(clock.now(), config.timeZone);
  if (!slot) return 0;
  const since = new Date(slot.dueAt.getTime() - 24 * 3600_000);
  const rows = await db
    .select({ task: tasks, accountName: accounts.name, assignee: { id: users.id, name: users.name, email: users.email } })
    .from(tasks)
    .innerJoin(accounts, eq(accounts.id, tasks.accountId))
    .innerJoin(users, eq(users.id, tasks.assigneeId))
    .where(and(gte(tasks.createdAt, since), lt(tasks.createdAt, slot.dueAt), eq(users.disabled, false), isNotNull(tasks.ruleId)));
  const byUser = new Map<string, typeof rows>();
  for (const row of rows) byUser.set(row.assignee.id, [...(byUser.get(row.assignee.id) ?? []), row]);
  const emails = [...byUser.values()].map((list) => {
    const { assignee } = list[0]!;
    const content = renderTaskDigest({
      name: assignee.name,
      tasks: list.map((r) => ({ title: r.task.title, accountName: r.accountName, priority: r.task.priority, dueAt: r.task.dueAt, url: taskUrl(deps, r.task.id) })),
    });
    return { reportKey: `tasks:${slot.date}:${assignee.id}`, purpose: 'task_digest' as const, to: assignee.email, ...content };
  });
  const { queued, batchKeys } = await queueReportEmails(db, emails, clock.now());
  await dispatch(deps, batchKeys);
  return queued;
}
