import * as z from 'zod';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/*
 * Slack and Microsoft Teams channels (issue 15): an incoming-webhook URL that hears detractor alerts and the Monday
 * risk report's summary. Installation channels (admins) hear every account; a person's own channel hears only the
 * accounts they own.
 */

/** The events a chat channel can hear (integrations/events.ts takes its list from here). */
export const ChatEventType = z.enum(['detractor.alert', 'risk.summary']);
export type ChatEventType = z.infer<typeof ChatEventType>;

export const ChatFormat = z.enum(['slack', 'teams']);
export type ChatFormat = z.infer<typeof ChatFormat>;

export const ChatScope = z.enum(['installation', 'mine']);
export type ChatScope = z.infer<typeof ChatScope>;

/**
 * The incoming-webhook URL. Only its form is checked here (the browser checks the same); whether plain http is
 * allowed for its host (a self-hosted receiver on the private network) is decided by the server's SSRF setting.
 */
export const ChatWebhookUrl = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && url.hostname !== '';
    } catch {
      return false;
    }
  }, { message: 'must be a web address starting with https://' });

const Events = z
  .array(ChatEventType)
  .min(1, { message: 'choose at least one kind of message' })
  .max(ChatEventType.options.length)
  .transform((events) => [...new Set(events)]);

export const CreateChatChannel = z.strictObject({
  format: ChatFormat,
  url: ChatWebhookUrl,
  events: Events,
  /** `installation`: hears every account (admins only). `mine`: hears only the accounts you own. */
  scope: ChatScope.default('mine'),
  description: z.string().trim().max(200).default(''),
});
export type CreateChatChannel = z.input<typeof CreateChatChannel>;

export const UpdateChatChannel = z
  .strictObject({
    events: Events.optional(),
    enabled: z.boolean().optional(),
    description: z.string().trim().max(200).optional(),
  })
  .refine((v) => v.events !== undefined || v.enabled !== undefined || v.description !== undefined, {
    message: 'nothing to change: give events, enabled or description',
  });
export type UpdateChatChannel = z.input<typeof UpdateChatChannel>;

export const ChatChannel = z.object({
  id: z.uuid(),
  format: ChatFormat,
  scope: ChatScope,
  /** Scheme, host and the end of the path: the URL itself is a credential and is never shown again. */
  urlHint: z.string(),
  description: z.string(),
  events: z.array(ChatEventType),
  enabled: z.boolean(),
  /** `failing` (switched off by the delivery engine after failing for days) or `manual`. */
  disabledReason: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  failingSince: z.string().nullable(),
  /** The owner of a personal channel; null for an installation channel. */
  userId: z.uuid().nullable(),
  createdAt: z.string(),
});
export type ChatChannel = z.infer<typeof ChatChannel>;

export const ChatChannelList = z.object({ data: z.array(ChatChannel) });

export const ChatChannelTestSent = z.object({
  /** The test message's event id (`msg_…`): it goes through the delivery queue like any other. */
  eventId: z.string(),
});

/*
 * What the events carry (frozen into outgoing_events when they happen; the senders render them).
 */

export const DetractorAlertPayload = z.object({
  account: z.object({ id: z.uuid(), name: z.string() }),
  contact: z.object({ id: z.uuid(), name: z.string() }),
  score: z.number().int().min(0).max(10),
  /** The customer's own words (text answers of the response), or null when they wrote nothing. */
  comment: z.string().nullable(),
  taskId: z.uuid().nullable(),
  /** The follow-up task in the app. */
  taskUrl: z.string(),
  responseId: z.uuid().nullable(),
  /** A sample sent by "Send test": rendered with a note saying so. */
  test: z.boolean().optional(),
});
export type DetractorAlertPayload = z.infer<typeof DetractorAlertPayload>;

export const RiskSummaryAccount = z.object({
  accountId: z.uuid(),
  name: z.string(),
  level: z.enum(['red', 'amber', 'green']),
  ownerName: z.string(),
  /** The most serious reasons, in words (at most three). */
  reasons: z.array(z.string()),
  url: z.string(),
});

export const RiskSummaryPayload = z.object({
  /** `2026-W10` for the Monday edition; another key for a report sent on request. */
  edition: z.string(),
  /** The local Monday of the edition (YYYY-MM-DD), null when sent on request. */
  weekOf: z.string().nullable(),
  /** `portfolio`: every account (installation channels); `own`: one person's accounts (their channel). */
  scope: z.enum(['portfolio', 'own']),
  /** Whose accounts, for `own`. */
  ownerName: z.string().nullable(),
  counts: z.object({ red: z.number().int(), amber: z.number().int(), green: z.number().int(), total: z.number().int() }),
  /** The most at-risk accounts (red and amber only, most at risk first, at most five). */
  top: z.array(RiskSummaryAccount),
  reportUrl: z.string(),
});
export type RiskSummaryPayload = z.infer<typeof RiskSummaryPayload>;
