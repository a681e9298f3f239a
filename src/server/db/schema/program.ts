import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts, contacts, stageEnum } from './accounts.js';
import { tasks } from './tasks.js';
import { timestamps, users } from './users.js';

/*
 * The key-account program (issue 6): choosing the accounts (criteria, scores, stage history), their value per
 * quarter, one living plan per account, and partnership assessments. Money is bigint minor units, like
 * accounts.annual_revenue.
 */

// ── 1. Choosing key accounts ─────────────────────────────────────────────────────────────────────────────

/**
 * Where a criterion's value comes from: a number (from the account, or from the quarterly value data for
 * lifetime value) normalized across the candidates to 1–5, or a 1–5 judgement entered per account.
 */
export const criterionSourceEnum = pgEnum('criterion_source', [
  'annual_revenue',
  'gross_profit',
  'lifetime_value',
  'judgement',
]);

/** Selection criteria with weights; admins edit them. Built-in criteria have a key. */
export const selectionCriteria = pgTable(
  'selection_criteria',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').unique(),
    name: text('name').notNull(),
    description: text('description'),
    source: criterionSourceEnum('source').notNull(),
    /** Relative weight (0–100); only the ratios matter. 0 keeps the criterion visible but without effect. */
    weight: integer('weight').notNull(),
    position: integer('position').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    ...timestamps,
  },
  (t) => [check('selection_criteria_weight_check', sql`${t.weight} between 0 and 100`)],
);

/**
 * The current 1–5 score of one account on one criterion (judgement criteria; for numeric criteria an entry is
 * a manual override used when the account has no number). Who scored it and when is kept on the row.
 */
export const accountCriterionScores = pgTable(
  'account_criterion_scores',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    criterionId: uuid('criterion_id')
      .notNull()
      .references(() => selectionCriteria.id, { onDelete: 'cascade' }),
    score: smallint('score').notNull(),
    note: text('note'),
    scoredBy: uuid('scored_by').references(() => users.id, { onDelete: 'set null' }),
    scoredAt: timestamp('scored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.criterionId] }),
    index('account_criterion_scores_criterion_idx').on(t.criterionId),
    check('account_criterion_scores_score_check', sql`${t.score} between 1 and 5`),
  ],
);

/**
 * Every stage change of an account (promotion, demotion, pipeline movement), with who decided and why.
 * `fromStage` is null for the account's first stage (when it was created).
 */
export const accountStageChanges = pgTable(
  'account_stage_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    fromStage: stageEnum('from_stage'),
    toStage: stageEnum('to_stage').notNull(),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('account_stage_changes_account_idx').on(t.accountId, t.changedAt),
    index('account_stage_changes_changed_at_idx').on(t.changedAt),
  ],
);

// ── 2. Account value per quarter ─────────────────────────────────────────────────────────────────────────

/**
 * Revenue, gross profit and cost to serve of one account in one quarter (`2026-Q3`). Contribution is computed:
 * gross profit − team cost − discounts.
 */
export const accountQuarterValues = pgTable(
  'account_quarter_values',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    /** `YYYY-Qn`; sorts chronologically as text. */
    quarter: text('quarter').notNull(),
    revenue: bigint('revenue', { mode: 'number' }).notNull(),
    grossProfit: bigint('gross_profit', { mode: 'number' }).notNull(),
    /** Cost to serve: the account team's time, valued. */
    teamCost: bigint('team_cost', { mode: 'number' }).notNull().default(0),
    /** Cost to serve: discounts and concessions granted beyond the list terms. */
    discounts: bigint('discounts', { mode: 'number' }).notNull().default(0),
    notes: text('notes'),
    enteredBy: uuid('entered_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('account_quarter_values_account_quarter_idx').on(t.accountId, t.quarter),
    index('account_quarter_values_quarter_idx').on(t.quarter),
    check('account_quarter_values_quarter_check', sql`${t.quarter} ~ '^[0-9]{4}-Q[1-4]$'`),
  ],
);

// ── 3. Account plan ──────────────────────────────────────────────────────────────────────────────────────

export interface PlanCompetitor {
  name: string;
  /** Their estimated share of the customer's spend in our category, in percent. */
  shareOfSpend?: number | null;
  notes?: string | null;
}

/** One living plan per account (profile, intelligence, intentions); actions are tasks (account_plan_actions). */
export const accountPlans = pgTable('account_plans', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountId: uuid('account_id')
    .notNull()
    .unique()
    .references(() => accounts.id),
  // Profile (revenue and profit trend come from account_quarter_values; renewal date from accounts).
  strategicInitiatives: text('strategic_initiatives'),
  contractTerms: text('contract_terms'),
  // Intelligence: SWOT of the relationship, competitors present, our share of their spend (percent).
  strengths: jsonb('strengths').$type<string[]>().notNull().default([]),
  weaknesses: jsonb('weaknesses').$type<string[]>().notNull().default([]),
  opportunities: jsonb('opportunities').$type<string[]>().notNull().default([]),
  threats: jsonb('threats').$type<string[]>().notNull().default([]),
  competitors: jsonb('competitors').$type<PlanCompetitor[]>().notNull().default([]),
  ourShareOfSpend: smallint('our_share_of_spend'),
  // Intentions: goals for the year.
  goalsYear: smallint('goals_year'),
  goalSalesExpected: bigint('goal_sales_expected', { mode: 'number' }),
  goalValueToAdd: text('goal_value_to_add'),
  goalRelationships: text('goal_relationships'),
  /**
   * Which intentions are joint, shared with the customer through plan share links: `value` (goalValueToAdd) and
   * `relationships` (goalRelationships). The sales goal is a value figure and is never shared.
   */
  jointGoals: jsonb('joint_goals').$type<JointGoal[]>().notNull().default([]),
  /** Last annual review meeting. */
  reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  ...timestamps,
});

export const planGoalEnum = pgEnum('plan_goal', ['sales', 'value', 'relationships', 'other']);
/** Which side of the relationship carries out an action: our team, or the customer's people. */
export const planActionSideEnum = pgEnum('plan_action_side', ['ours', 'theirs']);

/** An action of a plan IS a task (owner, due date, status, comments): this links the two. */
export const accountPlanActions = pgTable(
  'account_plan_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => accountPlans.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id')
      .notNull()
      .unique()
      .references(() => tasks.id),
    /** Which goal of the year the action serves. */
    goal: planGoalEnum('goal').notNull().default('other'),
    position: integer('position').notNull().default(0),
    /** Joint actions are shown to the customer's contacts through plan share links; the others never are. */
    joint: boolean('joint').notNull().default(false),
    /** Whose action it is; the customer may mark their own side's joint actions done. */
    side: planActionSideEnum('side').notNull().default('ours'),
    /** On their side: the contact who carries it out (the task's assignee stays our owner, who follows it up). */
    theirOwnerContactId: uuid('their_owner_contact_id').references(() => contacts.id),
    /** Set when a customer's contact proposed the action through a share link. */
    proposedByContactId: uuid('proposed_by_contact_id').references(() => contacts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('account_plan_actions_plan_idx').on(t.planId, t.position)],
);

/** Our account team: people on our side and their role on the team (e.g. executive sponsor, finance). */
export const accountTeamMembers = pgTable(
  'account_team_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    teamRole: text('team_role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('account_team_members_account_user_idx').on(t.accountId, t.userId),
    index('account_team_members_user_idx').on(t.userId),
  ],
);

/** Counterpart pairs: our person ↔ their contact, by function (our finance ↔ their finance). */
export const accountCounterpartPairs = pgTable(
  'account_counterpart_pairs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    function: text('function').notNull(),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('account_counterpart_pairs_unique_idx').on(t.accountId, t.userId, t.contactId),
    index('account_counterpart_pairs_contact_idx').on(t.contactId),
  ],
);

export const planSectionEnum = pgEnum('plan_section', ['profile', 'intelligence', 'intentions', 'implementation', 'team']);

export type PlanFieldChanges = Record<string, { from: unknown; to: unknown }>;

/** History of plan changes: who, when, which section, and each changed field from → to. */
export const accountPlanChanges = pgTable(
  'account_plan_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => accountPlans.id, { onDelete: 'cascade' }),
    changedBy: uuid('changed_by').references(() => users.id, { onDelete: 'set null' }),
    /** Set instead of changedBy when a customer's contact made the change through a plan share link. */
    changedByContactId: uuid('changed_by_contact_id').references(() => contacts.id),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    section: planSectionEnum('section').notNull(),
    /** One line for people ("Added action: Quarterly review with CFO"). */
    summary: text('summary').notNull(),
    changes: jsonb('changes').$type<PlanFieldChanges>().notNull().default({}),
  },
  (t) => [index('account_plan_changes_plan_idx').on(t.planId, t.changedAt)],
);

// ── 3b. The plan shared with the customer (issue 14, part 3) ─────────────────────────────────────────────

export type JointGoal = 'value' | 'relationships';

/**
 * A personal link that shows one contact the joint part of an account's plan. The token is random (≥ 128 bits) and
 * only its SHA-256 is kept; a link works until it expires or is revoked.
 */
export const planShares = pgTable(
  'plan_shares',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => accountPlans.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastViewedAt: timestamp('last_viewed_at', { withTimezone: true }),
  },
  (t) => [index('plan_shares_plan_idx').on(t.planId), index('plan_shares_contact_idx').on(t.contactId)],
);

/** Comments on the shared plan (on one joint action, or on the plan as a whole), by a contact or by one of us. */
export const planComments = pgTable(
  'plan_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => accountPlans.id, { onDelete: 'cascade' }),
    actionId: uuid('action_id').references(() => accountPlanActions.id, { onDelete: 'cascade' }),
    /** The share link it came through, when a contact wrote it. */
    shareId: uuid('share_id').references(() => planShares.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('plan_comments_plan_idx').on(t.planId, t.createdAt), index('plan_comments_contact_idx').on(t.contactId)],
);

// ── 4. Partnership indicators ────────────────────────────────────────────────────────────────────────────

/** The checklist of partnership signals; admins edit it. Built-in indicators have a key. */
export const partnershipIndicators = pgTable('partnership_indicators', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').unique(),
  name: text('name').notNull(),
  description: text('description'),
  position: integer('position').notNull().default(0),
  /** Switched-off indicators stay attached to past answers but are not asked again. */
  enabled: boolean('enabled').notNull().default(true),
  ...timestamps,
});

/** One assessment of an account by its manager at a point in time. */
export const partnershipAssessments = pgTable(
  'partnership_assessments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    assessedBy: uuid('assessed_by').references(() => users.id, { onDelete: 'set null' }),
    assessedAt: timestamp('assessed_at', { withTimezone: true }).notNull().defaultNow(),
    notes: text('notes'),
  },
  (t) => [index('partnership_assessments_account_idx').on(t.accountId, t.assessedAt)],
);

export const partnershipAnswerEnum = pgEnum('partnership_answer', ['yes', 'partly', 'no']);

/** The answer per indicator in one assessment; an indicator left out is not counted. */
export const partnershipAnswers = pgTable(
  'partnership_answers',
  {
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => partnershipAssessments.id, { onDelete: 'cascade' }),
    indicatorId: uuid('indicator_id')
      .notNull()
      .references(() => partnershipIndicators.id),
    answer: partnershipAnswerEnum('answer').notNull(),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.assessmentId, t.indicatorId] }), index('partnership_answers_indicator_idx').on(t.indicatorId)],
);
