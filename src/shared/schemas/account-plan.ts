import * as z from 'zod';
import { IsoDate, Money, pageOf } from './common.js';
import { Level } from './contact.js';

/**
 * The account plan (issue 6, section 3): one living plan per key account — profile, intelligence (SWOT,
 * competitors, our share of their spend), intentions (goals for the year), implementation (actions, which are
 * tasks), our account team and the counterpart pairs — with a history of every change.
 */

const Line = z.string().trim().min(1).max(500);
const LongText = z.string().max(10_000);
const Percent = z.number().int().min(0).max(100);

export const PlanSection = z.enum(['profile', 'intelligence', 'intentions', 'implementation', 'team']);
export type PlanSection = z.infer<typeof PlanSection>;
export const PlanGoal = z.enum(['sales', 'value', 'relationships', 'other']);
export type PlanGoal = z.infer<typeof PlanGoal>;
/** Intentions that may be shared with the customer (issue 14, part 3); the sales goal is a value figure, never shared. */
export const JointGoal = z.enum(['value', 'relationships']);
export type JointGoal = z.infer<typeof JointGoal>;
/** Whose action it is: our team's, or the customer's people's (they may mark their own side's joint actions done). */
export const PlanActionSide = z.enum(['ours', 'theirs']);
export type PlanActionSide = z.infer<typeof PlanActionSide>;

export const PlanCompetitor = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** Their estimated share of the customer's spend in our category, in percent. */
  shareOfSpend: Percent.nullable().optional(),
  notes: z.string().max(2000).nullable().optional(),
});

const ProfileFields = z.strictObject({
  strategicInitiatives: LongText.nullable(),
  contractTerms: LongText.nullable(),
});
const IntelligenceFields = z.strictObject({
  strengths: z.array(Line).max(50),
  weaknesses: z.array(Line).max(50),
  opportunities: z.array(Line).max(50),
  threats: z.array(Line).max(50),
  competitors: z.array(PlanCompetitor).max(50),
  ourShareOfSpend: Percent.nullable(),
});
const IntentionsFields = z.strictObject({
  year: z.number().int().min(2000).max(2100).nullable(),
  /** Sales expected in the year, in minor units. */
  salesExpected: Money.nullable(),
  valueToAdd: LongText.nullable(),
  relationships: LongText.nullable(),
  /** Which of the goal texts above are joint: shown to the customer's contacts the plan is shared with. */
  jointGoals: z
    .array(JointGoal)
    .max(2)
    .refine((v) => new Set(v).size === v.length, { message: 'lists a goal twice' }),
});

/** Partial update: any field of any section; a field left out stays as it is. */
export const UpdateAccountPlan = z
  .strictObject({
    profile: ProfileFields.partial(),
    intelligence: IntelligenceFields.partial(),
    intentions: IntentionsFields.partial(),
  })
  .partial()
  .refine((v) => Object.values(v).some((section) => section && Object.keys(section).length > 0), { message: 'change at least one field' });
export type UpdateAccountPlan = z.infer<typeof UpdateAccountPlan>;

export const CreatePlanAction = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).optional(),
  /** Who does it: an account manager or an admin (the task lands on their list). */
  assigneeId: z.uuid(),
  dueDate: IsoDate,
  goal: PlanGoal.default('other'),
  priority: z.enum(['high', 'normal', 'low']).default('normal'),
  /** Shown to the customer's contacts the plan is shared with. */
  joint: z.boolean().default(false),
  side: PlanActionSide.default('ours'),
  /** On their side: the contact of this account who carries it out (the assignee above follows it up). */
  theirOwnerContactId: z.uuid().nullable().optional(),
});
export type CreatePlanAction = z.infer<typeof CreatePlanAction>;

/** Mark an action joint or not, whose side it is on, and who carries it out on their side. */
export const UpdatePlanAction = z
  .strictObject({
    joint: z.boolean(),
    side: PlanActionSide,
    theirOwnerContactId: z.uuid().nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'change at least one field' });
export type UpdatePlanAction = z.infer<typeof UpdatePlanAction>;

export const CreateTeamMember = z.strictObject({
  userId: z.uuid(),
  teamRole: z.string().trim().min(1).max(100),
});
export const CreateCounterpartPair = z.strictObject({
  userId: z.uuid(),
  contactId: z.uuid(),
  function: z.string().trim().min(1).max(100),
  notes: z.string().max(2000).optional(),
});

export const PlanItemParams = z.object({ id: z.uuid({ message: 'must be a UUID' }), itemId: z.uuid({ message: 'must be a UUID' }) });

const Person = z.object({ id: z.uuid(), name: z.string() });

export const PlanAction = z.object({
  id: z.uuid(),
  taskId: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  goal: PlanGoal,
  status: z.enum(['open', 'in_progress', 'done', 'dismissed']),
  assignee: Person,
  dueAt: z.string(),
  overdue: z.boolean(),
  closedAt: z.string().nullable(),
  resolution: z.string().nullable(),
  joint: z.boolean(),
  side: PlanActionSide,
  /** On their side: the contact who carries it out. */
  theirOwner: Person.nullable(),
  /** Set when a customer's contact proposed it on the shared plan. */
  proposedBy: Person.nullable(),
});
export type PlanAction = z.infer<typeof PlanAction>;

export const PlanTeamMember = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  teamRole: z.string(),
});
export const PlanCounterpartPair = z.object({
  id: z.uuid(),
  function: z.string(),
  notes: z.string().nullable(),
  user: Person,
  contact: z.object({ id: z.uuid(), name: z.string(), title: z.string().nullable(), level: Level, deleted: z.boolean() }),
});

export const PlanValuePoint = z.object({
  quarter: z.string(),
  revenue: z.number(),
  grossProfit: z.number(),
  contribution: z.number(),
});

export const AccountPlan = z.object({
  accountId: z.uuid(),
  accountName: z.string(),
  /** Null until the first change: the plan is created on first write. */
  planId: z.uuid().nullable(),
  profile: z.object({
    strategicInitiatives: z.string().nullable(),
    contractTerms: z.string().nullable(),
    renewalDate: z.string().nullable(),
    /** The last eight quarters with values, oldest first (from the account value analysis). */
    valueTrend: z.array(PlanValuePoint),
  }),
  intelligence: IntelligenceFields.extend({ competitors: z.array(PlanCompetitor) }),
  intentions: IntentionsFields,
  implementation: z.object({
    actions: z.array(PlanAction),
    total: z.number(),
    done: z.number(),
    /** Done ÷ actions not dismissed (0–1); null without such actions. */
    doneShare: z.number().nullable(),
  }),
  team: z.array(PlanTeamMember),
  counterparts: z.array(PlanCounterpartPair),
  updatedAt: z.string().nullable(),
  updatedBy: Person.nullable(),
});
export type AccountPlan = z.infer<typeof AccountPlan>;

export const PlanChange = z.object({
  id: z.uuid(),
  changedAt: z.string(),
  changedBy: Person.nullable(),
  section: PlanSection,
  summary: z.string(),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});
/** Newest first, paged like every list. */
export const PlanHistory = pageOf(PlanChange);
