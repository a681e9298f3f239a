import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { WebhookEventType } from '../../shared/schemas/webhooks.js';
import { ChatEventType } from '../../shared/schemas/chat-channels.js';

/**
 * Events other systems hear about (issue 15). Written with the change that causes them — pass the transaction —
 * and fanned out at once to every enabled endpoint subscribed to the type, as one `webhook_deliveries` row each.
 * The delivery engine (integrations/webhooks/…) sends them from the queue: never from the request.
 */

/** Sent to Standard Webhooks receivers; payloads documented in the OpenAPI document's webhooks section. */
export const WEBHOOK_EVENT_TYPES = WebhookEventType.options;
/** Sent to Slack and Teams channels, rendered as Block Kit or an Adaptive Card. */
export const CHAT_EVENT_TYPES = ChatEventType.options;

export type { WebhookEventType, ChatEventType };
export type EventType = WebhookEventType | ChatEventType;

export interface NewEvent {
  type: EventType;
  payload: Record<string, unknown>;
  /** The owner of the account the event is about: their own channels hear it too. */
  accountOwnerId?: string | null;
  /** The contact whose name, email or words the payload holds: erasing them deletes the event. */
  contactId?: string | null;
  /** The same happening announced twice (a retried request, two sweeps) writes one event: `task.closed:<id>`. */
  dedupeKey?: string | null;
  /**
   * Only the owner's own channels hear it, not the installation-wide ones: a summary of one manager's accounts,
   * where installation channels get the portfolio's own event.
   */
  ownerChannelsOnly?: boolean;
}

/** `msg_` + 128 random bits, the `webhook-id` receivers deduplicate on. */
export function newEventId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/**
 * Writes the event and its deliveries in one statement, and only when some enabled endpoint listens to its type —
 * so the answer path pays one round trip and no row when no integration is set up. Returns the event id, or null
 * when nobody listens or the dedupe key was seen before.
 */
export async function recordEvent(db: Db, event: NewEvent, now: Date): Promise<string | null> {
  const id = newEventId();
  const rows = await db.execute(sql`
    with listeners as (
      select id from webhook_endpoints
      where enabled and ${event.type} = any(event_types)
        and ((user_id is null and not ${event.ownerChannelsOnly ?? false}::boolean) or user_id = ${event.accountOwnerId ?? null}::uuid)
    ), inserted as (
      insert into outgoing_events (id, type, version, payload, account_owner_id, contact_id, dedupe_key, created_at)
      select ${id}, ${event.type}, 'v1', ${JSON.stringify(event.payload)}::jsonb, ${event.accountOwnerId ?? null}::uuid,
        ${event.contactId ?? null}::uuid, ${event.dedupeKey ?? null}, ${now.toISOString()}::timestamptz
      where exists (select 1 from listeners)
      on conflict (dedupe_key) where dedupe_key is not null do nothing
      returning id
    ), deliveries as (
      insert into webhook_deliveries (endpoint_id, event_id, next_attempt_at, created_at)
      select listeners.id, inserted.id, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      from listeners, inserted
      returning event_id
    )
    select id from inserted`);
  return rowsOf<{ id: string }>(rows)[0]?.id ?? null;
}
