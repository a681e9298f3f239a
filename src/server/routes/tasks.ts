import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { AppError, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { assertUserReference, loadAccountFor } from '../http/access.js';
import { accountOwnerScope, canViewTask, canWorkOnTask } from '../domain/permissions.js';
import { isOverdue } from '../domain/business-days.js';
import { createTask, firstAction, getTaskSurroundings, getTaskWithOwner, listComments, listTaskPeople, listTasks, type TaskRow } from '../db/queries/tasks.js';
import { recordTaskEvent } from '../integrations/webhook-events.js';
import { nudgeDeliveries } from '../integrations/delivery/engine.js';
import { taskComments, tasks } from '../db/schema/index.js';
import { getContactWithOwner } from '../db/queries/contacts.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import {
  CloseTask,
  CloseTaskPreview,
  CreateComment,
  CreateTask,
  CustomerNotice,
  LoopEmailPreview,
  ResponseInContext,
  Task,
  TaskComment,
  TaskContext,
  TaskListQuery,
  UpdateTask,
} from '../../shared/schemas/task.js';
import { composeLoopClosedEmail, dispatch, queueLoopClosedEmail } from '../services/task-notifications.js';
import { answerText } from '../domain/follow-up-rules.js';
import { npsCategory } from '../../shared/answers.js';
import type { AnswerValue, Question } from '../../shared/schemas/survey.js';

function toTask(row: TaskRow & { accountName: string }, now: Date): Task {
  return {
    id: row.id,
    accountId: row.accountId,
    accountName: row.accountName,
    contactId: row.contactId,
    responseId: row.responseId,
    ruleId: row.ruleId,
    title: row.title,
    description: row.description,
    priority: row.priority,
    status: row.status,
    assigneeId: row.assigneeId,
    dueAt: row.dueAt.toISOString(),
    overdue: (row.status === 'open' || row.status === 'in_progress') && isOverdue(row.dueAt, now),
    resolution: row.resolution,
    firstActionAt: row.firstActionAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const dueDate = (value: string) => new Date(value.length === 10 ? `${value}T17:00:00Z` : value);

/** A task the caller may see — on an account they see, or assigned to them — (404 otherwise), and for 'edit', may work on. */
async function loadTaskFor(c: Context<AppEnv>, id: string, mode: 'view' | 'edit') {
  const { user } = requireAuth(c);
  const found = await getTaskWithOwner(c.var.deps.db, id);
  if (!found) throw notFound('task');
  const access = { ownerId: found.ownerId, assigneeId: found.task.assigneeId };
  if (!canViewTask(user, access)) throw notFound('task');
  if (mode === 'edit' && !canWorkOnTask(user, access)) throw new AppError('forbidden', 'your role can read tasks but not work on them');
  return { ...found.task, accountName: found.accountName };
}

/** An answer in words, for people: choices by their English labels, yes/no as words. */
function answerInWords(question: Question | undefined, value: AnswerValue | null | undefined): string {
  if (question?.kind === 'choice' && value && typeof value === 'object') {
    const labels = value.selected.map((v) => question.options.find((o) => o.value === v)?.label.en ?? v);
    return [...labels, ...(value.other ? [value.other] : [])].join(', ');
  }
  return answerText(value);
}

const TaskWithComments = Task.extend({ comments: z.array(TaskComment) });

export const taskRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({ summary: 'Follow-up tasks, soonest due first (managers: those on their accounts and those assigned to them)', tags: ['Tasks'], responses: { 200: pageOf(Task) } }),
    valid('query', TaskListQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const q = c.req.valid('query');
      const now = c.var.deps.clock.now();
      const page = await listTasks(
        c.var.deps.db,
        {
          page: q.page,
          pageSize: q.pageSize,
          assigneeId: q.assignee === 'me' ? user.id : q.assignee,
          status: q.status,
          overdueAt: q.overdue ? now : undefined,
          accountId: q.accountId,
          priority: q.priority,
          sort: q.sort,
        },
        accountOwnerScope(user),
      );
      return c.json({ ...page, data: page.data.map((t) => toTask(t, now)) });
    },
  )
  .post(
    '/',
    describe({ summary: 'Create a task by hand (e.g. an action from an account plan)', tags: ['Tasks'], responses: { 201: Task } }),
    valid('json', CreateTask),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const body = c.req.valid('json');
      const account = await loadAccountFor(c, body.accountId, 'edit');
      if (body.contactId) {
        const contact = await getContactWithOwner(db, body.contactId);
        if (!contact || contact.contact.accountId !== account.id) throw new AppError('validation_failed', 'contactId: not a contact of this account', [{ path: 'contactId', message: 'is not a contact of this account' }]);
      }
      const assigneeId = body.assigneeId ?? account.ownerId;
      if (body.assigneeId) await assertUserReference(db, 'assigneeId', body.assigneeId, false);
      const now = clock.now();
      // The task and its webhook event commit together; the delivery job is nudged after.
      const row = await db.transaction(async (tx) => {
        const created = await createTask(
          tx,
          { accountId: account.id, contactId: body.contactId, title: body.title, description: body.description, priority: body.priority, assigneeId, createdBy: user.id, dueAt: dueDate(body.dueAt) },
          now,
        );
        await recordTaskEvent(tx, 'task.created', created.id, c.var.deps.config.publicUrl, now);
        return created;
      });
      await nudgeDeliveries(c.var.deps);
      return c.json(toTask({ ...row, accountName: account.name }, now), 201);
    },
  )
  .get(
    '/:id',
    describe({ summary: 'A task with its comments', tags: ['Tasks'], responses: { 200: TaskWithComments } }),
    valid('param', IdParams),
    async (c) => {
      const task = await loadTaskFor(c, c.req.valid('param').id, 'view');
      const comments = await listComments(c.var.deps.db, task.id);
      return c.json({
        ...toTask(task, c.var.deps.clock.now()),
        comments: comments.map((m) => ({ id: m.id, taskId: m.taskId, authorId: m.authorId, body: m.body, createdAt: m.createdAt.toISOString() })),
      });
    },
  )
  .patch(
    '/:id',
    describe({ summary: 'Update a task: status (open, in_progress), priority, due date, reassign', tags: ['Tasks'], responses: { 200: Task } }),
    valid('param', IdParams),
    valid('json', UpdateTask),
    async (c) => {
      const { db, clock } = c.var.deps;
      const task = await loadTaskFor(c, c.req.valid('param').id, 'edit');
      if (task.status === 'done' || task.status === 'dismissed') throw new AppError('conflict', 'the task is closed');
      const { dueAt, ...changes } = c.req.valid('json');
      // Only someone who could own the account can work on it (an executive reads, never works on tasks).
      if (changes.assigneeId) await assertUserReference(db, 'assigneeId', changes.assigneeId, true);
      const now = clock.now();
      const [row] = await db
        .update(tasks)
        .set({
          ...changes,
          ...(dueAt ? { dueAt: dueDate(dueAt) } : {}),
          firstActionAt: firstAction(now),
          updatedAt: now,
        })
        .where(eq(tasks.id, task.id))
        .returning();
      return c.json(toTask({ ...row!, accountName: task.accountName }, now));
    },
  )
  .post(
    '/:id/comments',
    describe({ summary: 'Comment on a task', tags: ['Tasks'], responses: { 201: TaskComment } }),
    valid('param', IdParams),
    valid('json', CreateComment),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const task = await loadTaskFor(c, c.req.valid('param').id, 'edit');
      const now = clock.now();
      const comment = await db.transaction(async (tx) => {
        const [row] = await tx.insert(taskComments).values({ taskId: task.id, authorId: user.id, body: c.req.valid('json').body, createdAt: now }).returning();
        await tx.update(tasks).set({ firstActionAt: firstAction(now), updatedAt: now }).where(eq(tasks.id, task.id));
        return row!;
      });
      return c.json({ id: comment.id, taskId: comment.taskId, authorId: comment.authorId, body: comment.body, createdAt: comment.createdAt.toISOString() }, 201);
    },
  )
  .get(
    '/:id/context',
    describe({
      summary: "What the task page shows around a task: the customer's answer with the survey's questions, the contact, the rule, the people",
      tags: ['Tasks'],
      responses: { 200: TaskContext },
    }),
    valid('param', IdParams),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, config } = c.var.deps;
      const task = await loadTaskFor(c, c.req.valid('param').id, 'view');
      const around = await getTaskSurroundings(db, task);
      const comments = await listComments(db, task.id);
      const mayWork = canWorkOnTask(user, { ownerId: around.owner!.id, assigneeId: task.assigneeId });
      const people = await listTaskPeople(db, [task.assigneeId, ...comments.map((m) => m.authorId)]);
      const inContext = (found: (typeof around.answered)[number]): ResponseInContext => {
        const questions = found.definition.questions;
        const answers = found.response.answers;
        const answered = Object.keys(answers);
        const order = [...questions.map((q) => q.key), ...answered.filter((k) => !questions.some((q) => q.key === k))];
        return {
          id: found.response.id,
          surveyName: found.surveyName,
          language: found.response.language,
          npsScore: found.response.npsScore,
          category: found.response.npsScore === null ? null : npsCategory(found.response.npsScore),
          startedAt: found.response.startedAt.toISOString(),
          completedAt: found.response.completedAt?.toISOString() ?? null,
          answers: order
            .filter((key) => answers[key] !== undefined && answers[key] !== null)
            .map((key) => {
              const question = questions.find((q) => q.key === key);
              const value = answers[key];
              return {
                key,
                kind: question?.kind ?? 'unknown',
                question: question ? question.text.en!.replaceAll('{company}', config.companyName) : key,
                answer: answerInWords(question, value),
                value,
              };
            }),
        };
      };
      const body: TaskContext = {
        account: { id: task.accountId, name: task.accountName, owner: around.owner! },
        contact: around.contact
          ? {
              id: around.contact.id,
              name: around.contact.name,
              email: around.contact.email,
              title: around.contact.title,
              language: around.contact.language,
              unsubscribed: around.contact.unsubscribed,
              bounced: around.contact.bounced,
              deleted: around.contact.deletedAt !== null,
            }
          : null,
        response: around.response ? inContext(around.response) : null,
        responses: around.answered.map(inContext),
        rule: around.rule ? { id: around.rule.id, name: around.rule.name, priority: around.rule.priority, dueInBusinessDays: around.rule.dueInBusinessDays } : null,
        people: Object.fromEntries([...people.named, ...people.assignable].map((p) => [p.id, p.name])),
        assignees: mayWork ? people.assignable.map((p) => ({ id: p.id, name: p.name, role: p.role as 'admin' | 'account_manager' })) : [],
        customerEmailed: around.customerEmailed,
      };
      return c.json(body);
    },
  )
  .post(
    '/:id/close-preview',
    describe({
      summary:
        "Preview the email closing with notifyContact would send the customer (same template, their language); sends nothing",
      tags: ['Tasks'],
      responses: { 200: LoopEmailPreview },
    }),
    valid('param', IdParams),
    valid('json', CloseTaskPreview),
    async (c) => {
      const { db } = c.var.deps;
      const task = await loadTaskFor(c, c.req.valid('param').id, 'edit');
      if (task.status === 'done' || task.status === 'dismissed') throw new AppError('conflict', 'the task is closed');
      const composed = await composeLoopClosedEmail(c.var.deps, db, task.id, c.req.valid('json').resolution);
      if (composed.notice !== 'ok') return c.json({ notice: composed.notice, email: null } satisfies LoopEmailPreview);
      const { to, replyTo, subject, text, html, language } = composed.email;
      return c.json({ notice: 'would_send', email: { to, replyTo: replyTo ?? '', subject, text, html, language } } satisfies LoopEmailPreview);
    },
  )
  .post(
    '/:id/close',
    describe({
      summary:
        'Close a task with a resolution (done), or dismiss it. notifyContact emails the customer what they told us and ' +
        'what we did, in their language, from the account owner. Closing twice is harmless.',
      tags: ['Tasks'],
      responses: { 200: Task.extend({ customerNotified: CustomerNotice }) },
    }),
    valid('param', IdParams),
    valid('json', CloseTask),
    async (c) => {
      const { db, clock } = c.var.deps;
      const task = await loadTaskFor(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      const now = clock.now();
      if (task.status === 'done' || task.status === 'dismissed') return c.json({ ...toTask(task, now), customerNotified: 'not_requested' as const });
      // Closing and queuing the customer's email commit together: a 2xx means both are recorded.
      const { row, notice, batchKey } = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(tasks)
          .set({ status: body.dismiss ? 'dismissed' : 'done', resolution: body.resolution, closedAt: now, firstActionAt: firstAction(now), updatedAt: now })
          .where(eq(tasks.id, task.id))
          .returning();
        await recordTaskEvent(tx, 'task.closed', task.id, c.var.deps.config.publicUrl, now);
        if (!body.notifyContact) return { row: row!, notice: 'not_requested' as const, batchKey: null };
        const queued = await queueLoopClosedEmail(c.var.deps, tx, task.id, body.resolution);
        return { row: row!, ...queued };
      });
      await dispatch(c.var.deps, [batchKey]);
      await nudgeDeliveries(c.var.deps);
      return c.json({ ...toTask({ ...row, accountName: task.accountName }, now), customerNotified: notice });
    },
  );
