import * as z from 'zod';
import { PageQuery } from './common.js';

export const MessageStatus = z.enum(['queued', 'sent', 'delivered', 'delayed', 'bounced', 'complained', 'failed', 'cancelled']);

export const Message = z.object({
  id: z.uuid(),
  kind: z.enum(['invitation', 'reminder', 'notification']),
  campaignId: z.uuid().nullable(),
  invitationId: z.uuid().nullable(),
  to: z.string(),
  subject: z.string().nullable(),
  status: MessageStatus,
  transport: z.string().nullable(),
  providerId: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  /** Kept only by the local outbox transport. */
  html: z.string().nullable(),
  text: z.string().nullable(),
});
export type Message = z.infer<typeof Message>;

export const MessageListQuery = PageQuery.extend({
  campaignId: z.uuid().optional(),
  status: MessageStatus.optional(),
  to: z.string().trim().max(254).optional(),
});
