import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { executePrepared } from '../db/prepared.js';
import type { WebhookEventType } from '../../shared/schemas/webhooks.js';
import type { ChatEventType } from '../../shared/schemas/chat-channels.js';

/**
 * Events other systems hear about (issue 15). Written with the change that causes them — pass the transaction —
 * and fanned out at once to every enabled endpoint subscribed to the type, as one `webhook_deliveries` row each.
 * The delivery engine (integrations/webhooks/…) sends them from the queue: never from the request.
 */

/**
 * Webhook receivers hear WebhookEventType (payloads in the OpenAPI document's webhooks section); Slack and Teams
 * channels hear ChatEventType, rendered as Block Kit or an Adaptive Card.
 */
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
 * Writes the event and one delivery per listening endpoint (installation-wide ones, unless `ownerChannelsOnly`, and
 * the account owner's own) in one statement, and nothing at all when no enabled endpoint listens to its type. `source`
 * selects at most one row: `payload` (jsonb, as sent), `owner_id` and `contact_id`. Returns the event id, or null when
 * nobody listens or the dedupe key was seen before.
 *
 * `gate` first: when no endpoint listens (the usual case, and the answer path's), PostgreSQL skips reading and building
 * the payload altogether (a one-time filter), so the statement costs one lookup in a tiny table. Prepared on
 * PostgreSQL: its text depends only on the kind of source.
 */
export async function insertEvent(
  db: Db,
  event: { type: EventType; dedupeKey: string | null; source: SQL; ownerChannelsOnly?: boolean },
  now: Date,
): Promise<string | null> {
  const at = now.toISOString();
  const rows = await executePrepared<{ id: string }>(db, sql`
    with gate as (
      select 1 from webhook_endpoints where enabled and ${event.type} = any(event_types) limit 1
    ), src as (
      select * from (${event.source}) s where exists (select 1 from gate) limit 1
    ), listeners as (
      select e.id from webhook_endpoints e, src
      where e.enabled and ${event.type} = any(e.event_types)
        and ((e.user_id is null and not ${event.ownerChannelsOnly ?? false}::boolean) or e.user_id = src.owner_id)
    ), inserted as (
      insert into outgoing_events (id, type, version, payload, account_owner_id, contact_id, dedupe_key, created_at)
      select ${newEventId()}, ${event.type}, 'v1', src.payload, src.owner_id, src.contact_id, ${event.dedupeKey}, ${at}::timestamptz
      from src
      where exists (select 1 from listeners)
      on conflict (dedupe_key) where dedupe_key is not null do nothing
      returning id
    ), deliveries as (
      insert into webhook_deliveries (endpoint_id, event_id, next_attempt_at, created_at)
      select listeners.id, inserted.id, ${at}::timestamptz, ${at}::timestamptz from listeners, inserted
      returning event_id
    )
    select id from inserted`);
  return rows[0]?.id ?? null;
}

/** An event whose payload the caller built (Slack and Teams messages). */
export function recordEvent(db: Db, event: NewEvent, now: Date): Promise<string | null> {
  return insertEvent(
    db,
    {
      type: event.type,
      dedupeKey: event.dedupeKey ?? null,
      ownerChannelsOnly: event.ownerChannelsOnly,
      source: sql`select ${JSON.stringify(event.payload)}::jsonb as payload, ${event.accountOwnerId ?? null}::uuid as owner_id, ${event.contactId ?? null}::uuid as contact_id`,
    },
    now,
  );
}
