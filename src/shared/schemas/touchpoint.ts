import * as z from 'zod';
import { Email, IsoDate, PageQuery, QueryBoolean, pageOf } from './common.js';

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
const Named = z.object({ id: z.uuid(), name: z.string() });
/** A touchpoint in the account's list: who was there by name, and the follow-up tasks agreed there. */
export const TouchpointListItem = Touchpoint.extend({
  contacts: z.array(Named),
  users: z.array(Named),
  followUps: z.array(z.object({ id: z.uuid(), title: z.string(), status: z.string(), dueAt: z.string() })),
});
export type TouchpointListItem = z.infer<typeof TouchpointListItem>;
export const TouchpointPage = pageOf(TouchpointListItem);
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

// ------------------------------------------------------------------------------------------------ CSV import

const kindWords = 'meeting, call, visit, QBR, social event, email thread';
/** A list of addresses in one cell, separated by ";" (or ","): each checked, duplicates dropped. */
const EmailList = z
  .string()
  .trim()
  .transform((cell) => cell.split(/[;,]/).map((e) => e.trim()).filter(Boolean))
  .pipe(z.array(Email).max(50, { message: 'at most 50 people' }))
  .transform((list) => [...new Set(list)]);

/**
 * One row of a touchpoint import, as written in a spreadsheet: account (name or id), date, kind ("QBR",
 * "Social event" and "email thread" are fine), their people and our people (email addresses separated by ";"), notes.
 */
export const TouchpointCsvRow = z.object({
  account: z.string().trim().min(1, { message: 'is required' }).max(200),
  date: z.string().trim().pipe(IsoDate),
  kind: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => v.replace(/[\s-]+/g, '_'))
    .transform((v) => (v === 'email' ? 'email_thread' : v))
    .pipe(z.enum(TouchpointKind.options, { message: `must be one of ${kindWords}` })),
  theirPeople: EmailList,
  ourPeople: EmailList,
  notes: z.string().trim().max(10_000).transform((v) => v || null),
});
export type TouchpointCsvRow = z.infer<typeof TouchpointCsvRow>;

export const TouchpointImportQuery = z.object({ dryRun: QueryBoolean.default(false) });

/** created: written (or, in a dry run, would be); skipped: the same touchpoint is already logged; error: see errors. */
export const TouchpointImportRow = z.object({
  line: z.number().int(),
  status: z.enum(['created', 'skipped', 'error']),
  account: z.string().nullable(),
  accountId: z.uuid().nullable(),
  occurredOn: z.string().nullable(),
  kind: TouchpointKind.nullable(),
  /** The touchpoint written, or the one already logged that made the row a skip; null in a dry run's "created". */
  touchpointId: z.uuid().nullable(),
  errors: z.array(z.object({ column: z.string(), message: z.string() })),
  /** Why a row was skipped, in words; null otherwise. */
  note: z.string().nullable(),
});
export type TouchpointImportRow = z.infer<typeof TouchpointImportRow>;

export const TouchpointImportResult = z.object({
  dryRun: z.boolean(),
  created: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  rows: z.array(TouchpointImportRow),
});
export type TouchpointImportResult = z.infer<typeof TouchpointImportResult>;
