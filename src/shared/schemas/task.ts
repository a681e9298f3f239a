import * as z from 'zod';
import { PageQuery, QueryBoolean } from './common.js';
import { QuestionKey } from './survey.js';

export const Priority = z.enum(['high', 'normal', 'low']);
export const TaskStatus = z.enum(['open', 'in_progress', 'done', 'dismissed']);

export const RuleCondition = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('range'), min: z.number().int().min(0).max(10), max: z.number().int().min(0).max(10) }),
  z.strictObject({ kind: z.literal('equals'), value: z.union([z.string().max(64), z.number(), z.boolean()]) }),
  z.strictObject({ kind: z.literal('answered') }),
]);

const RuleFields = {
  name: z.string().trim().min(1).max(200),
  questionKey: QuestionKey,
  condition: RuleCondition,
  priority: Priority,
  dueInBusinessDays: z.number().int().min(0).max(60),
  assignee: z.enum(['account_owner', 'counterpart']),
  title: z.string().trim().min(1).max(200),
  enabled: z.boolean(),
};

export const FollowUpRule = z.object({ id: z.uuid(), key: z.string().nullable(), ...RuleFields, createdAt: z.string(), updatedAt: z.string() });
export type FollowUpRule = z.infer<typeof FollowUpRule>;
export const CreateFollowUpRule = z.strictObject({ ...RuleFields, assignee: RuleFields.assignee.default('account_owner'), enabled: z.boolean().default(true) });
export const UpdateFollowUpRule = z
  .strictObject(RuleFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });

export const Task = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  contactId: z.uuid().nullable(),
  responseId: z.uuid().nullable(),
  ruleId: z.uuid().nullable(),
  title: z.string(),
  description: z.string().nullable(),
  priority: Priority,
  status: TaskStatus,
  assigneeId: z.uuid(),
  dueAt: z.string(),
  overdue: z.boolean(),
  resolution: z.string().nullable(),
  firstActionAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Task = z.infer<typeof Task>;

export const TaskComment = z.object({ id: z.uuid(), taskId: z.uuid(), authorId: z.uuid(), body: z.string(), createdAt: z.string() });

export const TaskListQuery = PageQuery.extend({
  assignee: z.union([z.literal('me'), z.uuid()]).optional(),
  status: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',') : undefined))
    .pipe(z.array(TaskStatus).optional()),
  overdue: QueryBoolean.optional(),
  accountId: z.uuid().optional(),
  priority: Priority.optional(),
  /** `due` (default): soonest due first; `-closed`: the most recently closed first, as the board's Done column shows them. */
  sort: z.enum(['due', '-closed']).optional(),
});

export const CreateTask = z.strictObject({
  accountId: z.uuid(),
  contactId: z.uuid().optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).optional(),
  priority: Priority.default('normal'),
  assigneeId: z.uuid().optional(),
  dueAt: z.iso.datetime({ offset: true }).or(z.iso.date()),
});

export const UpdateTask = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(10_000).nullable(),
    priority: Priority,
    status: z.enum(['open', 'in_progress']),
    assigneeId: z.uuid(),
    dueAt: z.iso.datetime({ offset: true }).or(z.iso.date()),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });

export const CreateComment = z.strictObject({ body: z.string().trim().min(1).max(10_000) });

export const CloseTask = z.strictObject({
  resolution: z.string().trim().min(1, { message: 'say what was done' }).max(10_000),
  /** Dismiss instead of done: the task needed no action. */
  dismiss: z.boolean().default(false),
  /** Email the contact, in their language, what they told us and what we did. */
  notifyContact: z.boolean().default(false),
});

export const CustomerNotice = z.enum(['queued', 'already_queued', 'not_requested', 'no_contact', 'contact_unsubscribed', 'contact_bounced']);

/** Previewing the customer's email before closing: the same resolution the close will send. */
export const CloseTaskPreview = z.strictObject({ resolution: CloseTask.shape.resolution });

/** The "what we did with your feedback" email as it would go out now (null email: it cannot be sent, see notice). */
export const LoopEmailPreview = z.object({
  notice: z.enum(['would_send', 'no_contact', 'contact_unsubscribed', 'contact_bounced']),
  email: z.object({ to: z.string(), replyTo: z.string(), subject: z.string(), text: z.string(), html: z.string(), language: z.string() }).nullable(),
});
export type LoopEmailPreview = z.infer<typeof LoopEmailPreview>;

/** One answer shown in context: the question as the survey asked it (in English) and the answer in words. */
export const AnswerInContext = z.object({ key: z.string(), kind: z.string(), question: z.string(), answer: z.string(), value: z.unknown() });

/** One of the customer's answers a task is about, with the survey's questions. */
export const ResponseInContext = z.object({
  id: z.uuid(),
  surveyName: z.string(),
  language: z.string(),
  npsScore: z.number().int().nullable(),
  category: z.enum(['promoter', 'passive', 'detractor']).nullable(),
  startedAt: z.string(),
  completedAt: z.string().nullable(),
  answers: z.array(AnswerInContext),
});
export type ResponseInContext = z.infer<typeof ResponseInContext>;

/** Everything the task page shows around a task: the customer's answer, who they are, the rule, the people. */
export const TaskContext = z.object({
  account: z.object({ id: z.uuid(), name: z.string(), owner: z.object({ id: z.uuid(), name: z.string() }) }),
  contact: z
    .object({ id: z.uuid(), name: z.string(), email: z.string(), title: z.string().nullable(), language: z.string(), unsubscribed: z.boolean(), bounced: z.boolean(), deleted: z.boolean() })
    .nullable(),
  /** The answer that opened the task. */
  response: ResponseInContext.nullable(),
  /** Every answer the task is about, oldest first: the one that opened it, then the contact's later answers that triggered the same rule. */
  responses: z.array(ResponseInContext),
  rule: z.object({ id: z.uuid(), name: z.string(), priority: Priority, dueInBusinessDays: z.number().int() }).nullable(),
  /** Names of the people the page mentions (assignee, comment authors), by id. */
  people: z.record(z.string(), z.string()),
  /** Who the task can be reassigned to: active account managers and admins. Empty for read-only callers. */
  assignees: z.array(z.object({ id: z.uuid(), name: z.string(), role: z.enum(['admin', 'account_manager']) })),
  /** The customer was already told (a "what we did" email exists for this task). */
  customerEmailed: z.boolean(),
});
export type TaskContext = z.infer<typeof TaskContext>;
