import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, contacts } from './accounts.js';
import { responses } from './surveys.js';
import { touchpoints } from './touchpoints.js';
import { timestamps, users } from './users.js';

export const priorityEnum = pgEnum('task_priority', ['high', 'normal', 'low']);
export const taskStatusEnum = pgEnum('task_status', ['open', 'in_progress', 'done', 'dismissed']);
export const assigneeRuleEnum = pgEnum('rule_assignee', ['account_owner', 'counterpart']);

export type RuleCondition =
  | { kind: 'range'; min: number; max: number }
  | { kind: 'equals'; value: string | number | boolean }
  | { kind: 'answered' };

/** Turns answers into follow-up tasks. Built-in rules have a key; admins may edit or switch them off. */
export const followUpRules = pgTable('follow_up_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').unique(),
  name: text('name').notNull(),
  /** The question, by template key (e.g. `nps`, `marks`), so the rule works on every survey that asks it. */
  questionKey: text('question_key').notNull(),
  condition: jsonb('condition').$type<RuleCondition>().notNull(),
  priority: priorityEnum('priority').notNull(),
  dueInBusinessDays: integer('due_in_business_days').notNull(),
  assignee: assigneeRuleEnum('assignee').notNull().default('account_owner'),
  /** The task title; `{contact}` and `{answer}` are filled in. */
  title: text('title').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  ...timestamps,
});

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    responseId: uuid('response_id').references(() => responses.id),
    ruleId: uuid('rule_id').references(() => followUpRules.id),
    /** A follow-up action logged with a touchpoint; the task outlives the touchpoint if that is deleted. */
    touchpointId: uuid('touchpoint_id').references(() => touchpoints.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    description: text('description'),
    priority: priorityEnum('priority').notNull(),
    status: taskStatusEnum('status').notNull().default('open'),
    assigneeId: uuid('assignee_id')
      .notNull()
      .references(() => users.id),
    createdBy: uuid('created_by').references(() => users.id),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    resolution: text('resolution'),
    /** The first change a person made (status, comment, reassignment): "time to first action". */
    firstActionAt: timestamp('first_action_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // One response never creates the same task twice: a revised answer updates it.
    uniqueIndex('tasks_response_rule_idx')
      .on(t.responseId, t.ruleId)
      .where(sql`${t.responseId} is not null and ${t.ruleId} is not null`),
    index('tasks_assignee_status_due_idx').on(t.assigneeId, t.status, t.dueAt),
    index('tasks_account_idx').on(t.accountId),
    index('tasks_touchpoint_idx').on(t.touchpointId).where(sql`${t.touchpointId} is not null`),
    index('tasks_status_due_idx').on(t.status, t.dueAt),
    // A contact's open task for a rule, which their next matching answer joins.
    index('tasks_contact_rule_open_idx')
      .on(t.contactId, t.ruleId)
      .where(sql`${t.status} in ('open', 'in_progress')`),
  ],
);

/**
 * Every answer a follow-up task is about: the one that opened it, and a contact's later answers that triggered
 * the same rule while the task was still open (they update that task instead of opening a second one).
 */
export const taskResponses = pgTable(
  'task_responses',
  {
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id),
    responseId: uuid('response_id')
      .notNull()
      .references(() => responses.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.responseId] }), index('task_responses_response_idx').on(t.responseId)],
);

export const taskComments = pgTable(
  'task_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('task_comments_task_idx').on(t.taskId, t.createdAt)],
);
