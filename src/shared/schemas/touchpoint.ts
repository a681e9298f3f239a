import * as z from 'zod';
import { Email, IsoDate, PageQuery, pageOf } from './common.js';

/** How the two companies met. */
export const TouchpointKind = z.enum(['meeting', 'call', 'visit', 'qbr', 'social_event', 'email_thread']);
export type TouchpointKind = z.infer<typeof TouchpointKind>;

const Notes = z.string().trim().max(10_000);
const Ids = z.array(z.uuid({ message: 'must be a UUID' })).max(50);
const Emails = z.array(Email).max(50);

/** A follow-up action agreed at the touchpoint: it becomes a task on the account, assigned to its manager. */
export const FollowUpAction = z.strictObject({
  title: z.string().trim().min(1, { message: 'is required' }).max(200),
  dueAt: IsoDate,
});

/**
 * A new touchpoint. People present may be given by id or, for a calendar or CRM integration, by email
 * (`contactEmails` among the account's contacts, `userEmails` among our users); both lists are merged.
 */
export const CreateTouchpoint = z.strictObject({
  occurredOn: IsoDate,
  kind: TouchpointKind,
  notes: Notes.optional(),
  contactIds: Ids.default([]),
  userIds: Ids.default([]),
  contactEmails: Emails.default([]),
  userEmails: Emails.default([]),
  followUps: z.array(FollowUpAction).max(20).default([]),
});
export type CreateTouchpoint = z.input<typeof CreateTouchpoint>;

export const UpdateTouchpoint = z
  .strictObject({
    occurredOn: IsoDate,
    kind: TouchpointKind,
    notes: Notes.nullable(),
    contactIds: Ids,
    userIds: Ids,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });
export type UpdateTouchpoint = z.input<typeof UpdateTouchpoint>;

export const Touchpoint = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  occurredOn: z.string(),
  kind: TouchpointKind,
  notes: z.string().nullable(),
  contactIds: z.array(z.uuid()),
  userIds: z.array(z.uuid()),
  createdBy: z.uuid().nullable(),
  /** Tasks created from `followUps` (only in the answer to the POST that created them). */
  taskIds: z.array(z.uuid()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Touchpoint = z.infer<typeof Touchpoint>;
export const TouchpointPage = pageOf(Touchpoint);
export const TouchpointListQuery = PageQuery;

/** green: touched within the fresh window; amber: within the stale window; red: beyond, or never. */
export const Freshness = z.enum(['green', 'amber', 'red']);
export type Freshness = z.infer<typeof Freshness>;

/** One contact on the people map, seen through the touchpoints: when we last met, who holds the relationship. */
export const ContactFreshness = z.object({
  contactId: z.uuid(),
  lastTouchOn: z.string().nullable(),
  daysSinceTouch: z.number().int().nullable(),
  /** The colleague most often present with them (ties: the most recent); null when never touched. */
  holder: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  touches: z.number().int(),
  freshness: Freshness,
});
export type ContactFreshness = z.infer<typeof ContactFreshness>;

export const PeopleFreshness = z.object({
  /** Days: green below `amberAfterDays`, amber below `redAfterDays`, red beyond. */
  amberAfterDays: z.number().int(),
  redAfterDays: z.number().int(),
  contacts: z.array(ContactFreshness),
});
export type PeopleFreshness = z.infer<typeof PeopleFreshness>;
