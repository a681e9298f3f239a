import * as z from 'zod';
import { SkipReason } from './campaign.js';
import { BuyingRole, Level } from './contact.js';
import { MessageStatus } from './message.js';
import { AnswerValue } from './survey.js';
import { Priority, TaskStatus } from './task.js';
import { TouchpointKind } from './touchpoint.js';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/** What `POST /api/contacts/:id/erase` answers, the same every time it is asked. */
export const ContactErasure = z.object({
  contactId: z.uuid(),
  erasedAt: z.string(),
});
export type ContactErasure = z.infer<typeof ContactErasure>;

/**
 * Everything Keypulse holds about one contact (GDPR art. 15), as `GET /api/contacts/:id/export` downloads it.
 * After an erasure it still answers, with what is left: no name, address or words, only anonymous numbers.
 */
export const PersonalDataExport = z.object({
  exportedAt: z.string(),
  contact: z.object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    title: z.string().nullable(),
    language: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** When the contact was removed from the account's list (their answers were kept). */
    removedAt: z.string().nullable(),
    /** When their personal data was erased on request. */
    erasedAt: z.string().nullable(),
  }),
  account: z.object({ id: z.uuid(), name: z.string() }),
  /** Where the team placed the person on the account's people map. */
  peopleMap: z.object({
    level: Level,
    buyingRole: BuyingRole,
    relationshipStrength: z.number().int(),
    counterpart: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    pairs: z.array(z.object({ function: z.string(), colleague: z.string(), notes: z.string().nullable(), createdAt: z.string() })),
  }),
  mailing: z.object({
    unsubscribed: z.boolean(),
    bounced: z.boolean(),
    /** The address is on the list of erased addresses: it is never surveyed again. */
    addressSuppressed: z.boolean(),
  }),
  invitations: z.array(
    z.object({
      id: z.uuid(),
      campaignId: z.uuid(),
      campaignName: z.string(),
      wave: z.number().int(),
      email: z.string(),
      language: z.string(),
      status: z.enum(['skipped', 'pending', 'sent', 'cancelled']),
      skipReason: SkipReason.nullable(),
      createdAt: z.string(),
      sentAt: z.string().nullable(),
      lastSentAt: z.string().nullable(),
      remindersSent: z.number().int(),
      expiresAt: z.string().nullable(),
      respondedAt: z.string().nullable(),
    }),
  ),
  responses: z.array(
    z.object({
      id: z.uuid(),
      invitationId: z.uuid(),
      campaignName: z.string(),
      surveyName: z.string(),
      language: z.string(),
      npsScore: z.number().int().nullable(),
      startedAt: z.string(),
      updatedAt: z.string(),
      completedAt: z.string().nullable(),
      /** In the survey's question order, each with the question as it was asked (English). */
      answers: z.array(z.object({ questionKey: z.string(), question: z.string(), answer: AnswerValue.nullable() })),
    }),
  ),
  /** Meetings, calls, visits and events the person was at, with the notes our team wrote. */
  touchpoints: z.array(z.object({ id: z.uuid(), occurredOn: z.string(), kind: TouchpointKind, notes: z.string().nullable() })),
  /** The account plan shared with them: their personal links, and the comments they wrote on it (their words). */
  sharedPlan: z.object({
    links: z.array(z.object({ id: z.uuid(), createdAt: z.string(), expiresAt: z.string(), revokedAt: z.string().nullable(), lastViewedAt: z.string().nullable() })),
    comments: z.array(z.object({ id: z.uuid(), actionId: z.uuid().nullable(), body: z.string(), createdAt: z.string() })),
  }),
  /** Emails sent (or queued) to the person, with their content where it is still stored. */
  emails: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['invitation', 'reminder', 'notification']),
      to: z.string(),
      subject: z.string().nullable(),
      text: z.string().nullable(),
      html: z.string().nullable(),
      status: MessageStatus,
      createdAt: z.string(),
      sentAt: z.string().nullable(),
      updatedAt: z.string(),
    }),
  ),
  /** Follow-up tasks raised from their answers or about them, with the team's comments. */
  tasks: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      description: z.string().nullable(),
      priority: Priority,
      status: TaskStatus,
      resolution: z.string().nullable(),
      createdAt: z.string(),
      dueAt: z.string(),
      closedAt: z.string().nullable(),
      comments: z.array(z.object({ body: z.string(), createdAt: z.string() })),
    }),
  ),
});
export type PersonalDataExport = z.infer<typeof PersonalDataExport>;
