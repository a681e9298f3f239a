import * as z from 'zod';
import { IsoDate } from './common.js';
import { JointGoal, PlanActionSide } from './account-plan.js';

/**
 * The account plan shared with the customer (issue 14, part 3): the manager shares the joint goals and actions with
 * a named contact through a personal link; the contact reads them, comments, marks their own side's actions done
 * and proposes new ones. The internal plan (intelligence, SWOT, competitors, value figures, notes) never travels.
 */

export const PLAN_SHARE_DEFAULT_DAYS = 90;
export const PLAN_SHARE_MAX_DAYS = 365;

export const CreatePlanShare = z.strictObject({
  /** A current contact of this account. */
  contactId: z.uuid(),
  expiresInDays: z.number().int().min(1).max(PLAN_SHARE_MAX_DAYS).default(PLAN_SHARE_DEFAULT_DAYS),
});
export type CreatePlanShare = z.infer<typeof CreatePlanShare>;

export const PlanShareParams = z.object({ id: z.uuid({ message: 'must be a UUID' }), shareId: z.uuid({ message: 'must be a UUID' }) });

export const PlanShareState = z.enum(['active', 'expired', 'revoked']);

/** A share link as the manager sees it: never the token (only its hash is stored). */
export const PlanShare = z.object({
  id: z.uuid(),
  contact: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
  createdAt: z.string(),
  createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastViewedAt: z.string().nullable(),
  state: PlanShareState,
});
export type PlanShare = z.infer<typeof PlanShare>;

/** The answer to creating a share: the link, shown this once. */
export const PlanShareCreated = PlanShare.extend({ url: z.string() });
export type PlanShareCreated = z.infer<typeof PlanShareCreated>;

export const PlanShareList = z.object({ data: z.array(PlanShare) });

export const PlanComment = z.object({
  id: z.uuid(),
  /** The joint action it is about; null for the plan as a whole. */
  actionId: z.uuid().nullable(),
  body: z.string(),
  createdAt: z.string(),
  /** Who wrote it: one of the customer's contacts, or one of us. */
  author: z.object({ kind: z.enum(['contact', 'user']), name: z.string() }),
});
export type PlanComment = z.infer<typeof PlanComment>;
export const PlanCommentList = z.object({ data: z.array(PlanComment) });

const CommentBody = z.string().trim().min(1).max(4000);

/** A reply by one of us on the plan page (shown on the shared plan too). */
export const CreatePlanComment = z.strictObject({ body: CommentBody, actionId: z.uuid().nullable().optional() });

/** The customer's forms on the shared page (posted as HTML forms, so every field arrives as text). */
export const SharedPlanCommentForm = z.object({ body: CommentBody, actionId: z.union([z.uuid(), z.literal('')]).optional() });
export const SharedPlanProposalForm = z.object({
  title: z.string().trim().min(1).max(200),
  dueDate: z.union([IsoDate, z.literal('')]).optional(),
});
export const SharedPlanActionParams = z.object({ token: z.string().max(200), actionId: z.uuid() });

/** What the contact sees: the joint part of the plan only. */
export const SharedPlanAction = z.object({
  id: z.uuid(),
  title: z.string(),
  side: PlanActionSide,
  /** Our person's name, or their contact's. */
  owner: z.string(),
  status: z.enum(['open', 'in_progress', 'done', 'dismissed']),
  dueDate: z.string(),
  /** Their side's open actions may be marked done by the contact. */
  canMarkDone: z.boolean(),
  proposedByContact: z.boolean(),
});
export type SharedPlanAction = z.infer<typeof SharedPlanAction>;

export const SharedPlan = z.object({
  accountName: z.string(),
  contactName: z.string(),
  language: z.string(),
  goals: z.array(z.object({ kind: JointGoal, text: z.string() })),
  actions: z.array(SharedPlanAction),
  comments: z.array(PlanComment),
  expiresAt: z.string(),
});
export type SharedPlan = z.infer<typeof SharedPlan>;
