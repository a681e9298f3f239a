import * as z from 'zod';
import { Email, PageQuery, pageOf } from './common.js';
import { SkipReason } from './campaign.js';

/**
 * Pulses after an event (issue 14, part 2): an integration posts "delivery D-1042 reached Ana", and a short survey
 * follows after the event type's delay, sent as a one-contact campaign.
 */

/** An event type's key, the `event` integrations post: lower-case letters, digits and underscores. */
export const PulseEventKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, { message: 'must be 2–40 lower-case letters, digits or underscores, starting with a letter (e.g. delivery)' });

export const PulseStatus = z.enum(['scheduled', 'sent', 'skipped', 'cancelled']);
export type PulseStatus = z.infer<typeof PulseStatus>;

/**
 * What an integration posts: the contact by `contactId` or by `email` (one of the two), the event type's key, the
 * integration's own reference for the event (delivery number, ticket id) and when it happened (default: now).
 */
export const CreatePulse = z
  .strictObject({
    contactId: z.uuid({ message: 'must be a UUID' }).optional(),
    email: Email.optional(),
    event: z.string().trim().min(1, { message: 'is required' }).max(40),
    reference: z.string().trim().min(1, { message: 'is required' }).max(200),
    occurredAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.contactId === !b.email) ctx.addIssue({ code: 'custom', path: ['contactId'], message: 'give either contactId or email (one of them)' });
  });
export type CreatePulse = z.input<typeof CreatePulse>;

/** The answer a pulse got: the mark out of ten and the open comment. */
export const PulseAnswer = z.object({
  mark: z.number().int().nullable(),
  comment: z.string().nullable(),
  answeredAt: z.string(),
});
export type PulseAnswer = z.infer<typeof PulseAnswer>;

export const Pulse = z.object({
  id: z.uuid(),
  event: z.string(),
  eventName: z.string(),
  reference: z.string(),
  accountId: z.uuid(),
  contactId: z.uuid(),
  contactName: z.string(),
  occurredAt: z.string(),
  /** When the survey goes (or went): the event plus the event type's delay in business days. */
  sendAt: z.string(),
  status: PulseStatus,
  /** Why it was not sent (unsubscribed, bounced, recently_surveyed …). */
  skipReason: SkipReason.nullable(),
  /** The one-contact campaign that sent it. */
  campaignId: z.uuid().nullable(),
  answer: PulseAnswer.nullable(),
  createdAt: z.string(),
});
export type Pulse = z.infer<typeof Pulse>;
export const PulsePage = pageOf(Pulse);
export type PulsePage = z.infer<typeof PulsePage>;

export const PulseListQuery = PageQuery.extend({
  accountId: z.uuid({ message: 'must be a UUID' }).optional(),
  event: PulseEventKey.optional(),
  status: PulseStatus.optional(),
});
export type PulseListQuery = z.infer<typeof PulseListQuery>;

export const PulseEventType = z.object({
  id: z.uuid(),
  key: z.string(),
  name: z.string(),
  surveyId: z.uuid(),
  surveyName: z.string(),
  delayBusinessDays: z.number().int(),
  enabled: z.boolean(),
  /** Pulses posted for this event type so far. */
  pulses: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PulseEventType = z.infer<typeof PulseEventType>;

const Delay = z.number().int().min(0, { message: 'must be between 0 and 30 business days' }).max(30, { message: 'must be between 0 and 30 business days' });
const Name = z.string().trim().min(1, { message: 'is required' }).max(100);

export const CreatePulseEventType = z.strictObject({
  key: PulseEventKey,
  name: Name,
  surveyId: z.uuid({ message: 'must be a UUID' }),
  delayBusinessDays: Delay.default(1),
  enabled: z.boolean().default(true),
});
export type CreatePulseEventType = z.input<typeof CreatePulseEventType>;

/** The key is what integrations post, so it never changes; everything else may. */
export const UpdatePulseEventType = z
  .strictObject({ name: Name, surveyId: z.uuid({ message: 'must be a UUID' }), delayBusinessDays: Delay, enabled: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type UpdatePulseEventType = z.input<typeof UpdatePulseEventType>;

/** The trend of one event type's pulses: per period, how many were sent and answered and the mean mark. */
export const PulseTrendQuery = z.object({
  accountId: z.uuid({ message: 'must be a UUID' }).optional(),
  groupBy: z.enum(['month', 'quarter'], { message: 'must be month or quarter' }).default('month'),
  /** How many periods back from the current one (default 6). */
  periods: z.coerce.number().int().min(1).max(36).default(6),
});
export type PulseTrendQuery = z.infer<typeof PulseTrendQuery>;

export const PulseMarkChange = z.object({
  since: z.string(),
  change: z.number(),
  /** Only with at least 5 answered pulses in both periods and beyond the combined margin. */
  significant: z.boolean(),
  reason: z.enum(['too_few_answers', 'within_margin', 'beyond_margin']),
});

export const PulseTrendPeriod = z.object({
  period: z.string(),
  sent: z.number().int(),
  answered: z.number().int(),
  /** Mean mark out of ten of the answered pulses; null without answers. */
  meanMark: z.number().nullable(),
  /** ± at 95 %; null under two answers. */
  marginOfError: z.number().nullable(),
  change: PulseMarkChange.nullable(),
});
export type PulseTrendPeriod = z.infer<typeof PulseTrendPeriod>;

export const PulseTrend = z.object({
  groupBy: z.enum(['month', 'quarter']),
  eventTypes: z.array(
    z.object({
      event: z.string(),
      name: z.string(),
      sent: z.number().int(),
      answered: z.number().int(),
      meanMark: z.number().nullable(),
      marginOfError: z.number().nullable(),
      periods: z.array(PulseTrendPeriod),
    }),
  ),
});
export type PulseTrend = z.infer<typeof PulseTrend>;
