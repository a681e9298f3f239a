import * as z from 'zod';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used
import { PageQuery, pageOf } from './common.js';

/*
 * Outgoing webhooks (issue 15): endpoints an admin registers, the events they hear, and the delivery log. Each event is
 * sent as a Standard Webhooks message — `{ type, timestamp, data }` signed with the endpoint's `whsec_` secret — and
 * its `data` follows the versioned payload schemas below (documented in the OpenAPI document's `webhooks` section).
 */

/** The events webhook receivers can subscribe to (integrations/events.ts takes its list from here). */
export const WebhookEventType = z.enum([
  'response.created',
  'response.completed',
  'task.created',
  'task.closed',
  'contact.unsubscribed',
  'account.risk_changed',
  'campaign.finished',
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export const WebhookUrl = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(2000)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'must be a web address starting with https://' },
  )
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return !url.username && !url.password;
      } catch {
        return true;
      }
    },
    { message: 'must not contain a user name or password' },
  );

const EventTypes = z
  .array(WebhookEventType)
  .min(1, { message: 'choose at least one event type' })
  .max(WebhookEventType.options.length)
  .transform((types) => [...new Set(types)]);

export const CreateWebhookEndpoint = z.strictObject({
  url: WebhookUrl,
  eventTypes: EventTypes,
  description: z.string().trim().max(200).default(''),
});
export type CreateWebhookEndpoint = z.input<typeof CreateWebhookEndpoint>;

export const UpdateWebhookEndpoint = z
  .strictObject({
    url: WebhookUrl.optional(),
    eventTypes: EventTypes.optional(),
    description: z.string().trim().max(200).optional(),
    /** Turning it back on clears its failing streak; turning it off cancels what it still had to send. */
    enabled: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'change at least one field' });
export type UpdateWebhookEndpoint = z.input<typeof UpdateWebhookEndpoint>;

export const WebhookEndpoint = z.object({
  id: z.uuid(),
  /** Scheme, host and the end of the path; the full URL is never shown again (it may hold a credential). */
  urlHint: z.string(),
  description: z.string(),
  eventTypes: z.array(WebhookEventType),
  enabled: z.boolean(),
  /** `failing` (switched off after failing for days), `gone` (the receiver answered 410) or `manual`. */
  disabledReason: z.string().nullable(),
  disabledAt: z.string().nullable(),
  failingSince: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  /** Until when the previous secret still signs (after a rotation). */
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** Shown once, at creation or rotation: `whsec_` + base64 of 24 random bytes. */
export const WebhookEndpointWithSecret = WebhookEndpoint.extend({ secret: z.string() });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecret>;

export const WebhookAttempt = z.object({
  id: z.uuid(),
  trigger: z.enum(['scheduled', 'replay', 'test']),
  attemptedAt: z.string(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
});
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

export const WebhookDelivery = z.object({
  id: z.uuid(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed', 'cancelled']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  createdAt: z.string(),
  attemptLog: z.array(WebhookAttempt),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export const WebhookDeliveryPage = pageOf(WebhookDelivery);
export const WebhookDeliveryQuery = PageQuery;

export const WebhookDeliveryParams = z.object({
  id: z.uuid({ message: 'must be a UUID' }),
  deliveryId: z.uuid({ message: 'must be a UUID' }),
});

/* ---- Payloads (version v1): the `data` of each event ---- */

const Ref = z.object({ id: z.uuid(), name: z.string() });
const ContactRef = z.object({ id: z.uuid(), name: z.string(), email: z.string() });
const Version = z.literal('v1').describe('Payload version; a breaking change gets a new version');

const ResponsePayload = z.object({
  version: Version,
  response: z.object({
    id: z.uuid(),
    campaignId: z.uuid().nullable(),
    score: z.number().int().min(0).max(10).nullable().describe('The NPS answer (0–10), when given'),
    comment: z.string().nullable().describe("The respondent's own words, when they wrote any"),
    completed: z.boolean(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  }),
  account: Ref,
  contact: ContactRef.nullable(),
  links: z.object({ response: z.string().url(), account: z.string().url() }),
});

const TaskPayload = z.object({
  version: Version,
  task: z.object({
    id: z.uuid(),
    title: z.string(),
    priority: z.string(),
    status: z.string().describe('open on task.created; done or dismissed on task.closed'),
    dueAt: z.string().nullable(),
    responseId: z.uuid().nullable(),
    closedAt: z.string().nullable(),
  }),
  account: Ref,
  contact: ContactRef.nullable(),
  links: z.object({ task: z.string().url(), account: z.string().url() }),
});

/** Each event's payload schema, by type: the OpenAPI `webhooks` section is built from these. */
export const WebhookPayloads = {
  'response.created': ResponsePayload.describe('A respondent saved their first answer'),
  'response.completed': ResponsePayload.describe('A respondent finished the survey'),
  'task.created': TaskPayload.describe('A follow-up task was created'),
  'task.closed': TaskPayload.describe('A follow-up task was done or dismissed'),
  'contact.unsubscribed': z
    .object({
      version: Version,
      contact: ContactRef,
      account: Ref,
      unsubscribedAt: z.string(),
      links: z.object({ account: z.string().url() }),
    })
    .describe('A contact unsubscribed from surveys'),
  'account.risk_changed': z
    .object({
      version: Version,
      account: Ref,
      level: z.object({ from: z.enum(['green', 'amber', 'red']), to: z.enum(['green', 'amber', 'red']) }),
      reasons: z.array(z.object({ code: z.string(), text: z.string() })).describe('Why, most serious first (as in the risk report)'),
      week: z.string().describe('The weekly risk run that saw the change (ISO week, e.g. 2026-W10)'),
      links: z.object({ account: z.string().url() }),
    })
    .describe("An account's risk level differs from the previous weekly risk run's"),
  'campaign.finished': z
    .object({
      version: Version,
      campaign: z.object({
        id: z.uuid(),
        name: z.string(),
        finishedAt: z.string(),
        invited: z.number().int(),
        responded: z.number().int(),
      }),
      links: z.object({ campaign: z.string().url() }),
    })
    .describe('Every invitation of a campaign (its last wave) was answered or expired'),
} satisfies Record<WebhookEventType, z.ZodType>;
