import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { executePrepared } from '../db/prepared.js';
import { insertEvent, type WebhookEventType } from './events.js';

/*
 * The seven Standard Webhooks events (issue 15), each written by one statement that reads what the payload needs,
 * builds it (shape: shared/schemas/webhooks.ts WebhookPayloads, version v1) and writes the event with one delivery
 * per listening endpoint — one round trip, and no row at all when no endpoint listens. Call them with the
 * transaction of the change, then `nudgeDeliveries` after it commits.
 *
 * Payloads hold ids, names and the contact's email and words: `contact_id` is set on every event that does, so
 * erasing the contact deletes the event and what was still to be sent of it.
 */

const contactJson = (alias: string) =>
  sql.raw(`case when ${alias}.id is null or ${alias}.erased_at is not null then null
    else jsonb_build_object('id', ${alias}.id, 'name', ${alias}.name, 'email', ${alias}.email) end`);

/** A webhook event whose payload `source` builds in SQL (with `owner_id` and `contact_id`); `version` goes into it. */
function recordEventFrom(db: Db, type: WebhookEventType, dedupeKey: string, source: SQL, now: Date): Promise<string | null> {
  const versioned = sql`select jsonb_build_object('version', 'v1') || s.payload as payload, s.owner_id, s.contact_id from (${source}) s`;
  return insertEvent(db, { type, dedupeKey, source: versioned }, now);
}

/**
 * Whether any enabled endpoint hears this type: a tiny prepared statement, for the answer path, which then pays the
 * event's statement only when somebody listens.
 */
export async function anyEndpointListens(db: Db, type: WebhookEventType): Promise<boolean> {
  const rows = await executePrepared<{ one: number }>(db, sql`select 1 as one from webhook_endpoints where enabled and ${type} = any(event_types) limit 1`);
  return rows.length > 0;
}

/** `response.created` (first save) or `response.completed`, once per response each (dedupe key). */
export function recordResponseEvent(db: Db, type: 'response.created' | 'response.completed', responseId: string, publicUrl: string, now: Date) {
  return recordEventFrom(
    db,
    type,
    `${type}:${responseId}`,
    sql`
      select jsonb_build_object(
          'response', jsonb_build_object(
            'id', r.id, 'campaignId', r.campaign_id, 'score', r.nps_score,
            'comment', case when c.erased_at is not null then null else (
              select nullif(string_agg(r.answers ->> (q ->> 'key'), E'\n\n'), '')
              from jsonb_array_elements(sv.definition -> 'questions') q
              where q ->> 'kind' = 'text' and jsonb_typeof(r.answers -> (q ->> 'key')) = 'string') end,
            'completed', r.completed_at is not null, 'createdAt', r.started_at, 'completedAt', r.completed_at),
          'account', jsonb_build_object('id', a.id, 'name', a.name),
          'contact', ${contactJson('c')},
          'links', jsonb_build_object('response', ${publicUrl} || '/accounts/' || a.id, 'account', ${publicUrl} || '/accounts/' || a.id)
        ) as payload, a.owner_id, r.contact_id
      from responses r
      join accounts a on a.id = r.account_id
      join survey_versions sv on sv.id = r.survey_version_id
      left join contacts c on c.id = r.contact_id
      where r.id = ${responseId} and r.imported_from is null
        and (${type} = 'response.created' or r.completed_at is not null)`,
    now,
  );
}

/** `task.created` or `task.closed` (done or dismissed), once per task each. */
export function recordTaskEvent(db: Db, type: 'task.created' | 'task.closed', taskId: string, publicUrl: string, now: Date) {
  return recordEventFrom(
    db,
    type,
    `${type}:${taskId}`,
    sql`
      select jsonb_build_object(
          'task', jsonb_build_object('id', t.id, 'title', t.title, 'priority', t.priority, 'status', t.status,
            'dueAt', t.due_at, 'responseId', t.response_id, 'closedAt', t.closed_at),
          'account', jsonb_build_object('id', a.id, 'name', a.name),
          'contact', ${contactJson('c')},
          'links', jsonb_build_object('task', ${publicUrl} || '/tasks/' || t.id, 'account', ${publicUrl} || '/accounts/' || a.id)
        ) as payload, a.owner_id, t.contact_id
      from tasks t
      join accounts a on a.id = t.account_id
      left join contacts c on c.id = t.contact_id
      where t.id = ${taskId} and (${type} = 'task.created' or t.status in ('done', 'dismissed'))`,
    now,
  );
}

/** `contact.unsubscribed`, once per contact record (a contact who subscribes again and leaves again is not re-announced). */
export function recordContactUnsubscribed(db: Db, contactId: string, publicUrl: string, now: Date) {
  return recordEventFrom(
    db,
    'contact.unsubscribed',
    `contact.unsubscribed:${contactId}`,
    sql`
      select jsonb_build_object(
          'contact', jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email),
          'account', jsonb_build_object('id', a.id, 'name', a.name),
          'unsubscribedAt', ${now.toISOString()}::timestamptz,
          'links', jsonb_build_object('account', ${publicUrl} || '/accounts/' || a.id)
        ) as payload, a.owner_id, c.id as contact_id
      from contacts c join accounts a on a.id = c.account_id
      where c.id = ${contactId} and c.unsubscribed and c.erased_at is null`,
    now,
  );
}

/** `account.risk_changed`: `dedupeKey` names the run that saw it (the same run twice announces it once). */
export function recordRiskChanged(
  db: Db,
  input: { accountId: string; from: string; to: string; reasons: { code: string; text: string }[]; week: string; dedupeKey: string },
  publicUrl: string,
  now: Date,
) {
  return recordEventFrom(
    db,
    'account.risk_changed',
    input.dedupeKey,
    sql`
      select jsonb_build_object(
          'account', jsonb_build_object('id', a.id, 'name', a.name),
          'level', jsonb_build_object('from', ${input.from}::text, 'to', ${input.to}::text),
          'reasons', ${JSON.stringify(input.reasons)}::jsonb,
          'week', ${input.week}::text,
          'links', jsonb_build_object('account', ${publicUrl} || '/accounts/' || a.id)
        ) as payload, a.owner_id, null::uuid as contact_id
      from accounts a where a.id = ${input.accountId}`,
    now,
  );
}

/** `campaign.finished`, once per campaign. */
export function recordCampaignFinished(db: Db, campaignId: string, publicUrl: string, now: Date) {
  return recordEventFrom(
    db,
    'campaign.finished',
    `campaign.finished:${campaignId}`,
    sql`
      select jsonb_build_object(
          'campaign', jsonb_build_object('id', c.id, 'name', c.name, 'finishedAt', ${now.toISOString()}::timestamptz,
            'invited', (select count(*) from invitations i where i.campaign_id = c.id),
            'responded', (select count(*) from invitations i where i.campaign_id = c.id and i.responded_at is not null)),
          'links', jsonb_build_object('campaign', ${publicUrl} || '/campaigns/' || c.id)
        ) as payload, null::uuid as owner_id, null::uuid as contact_id
      from campaigns c where c.id = ${campaignId}`,
    now,
  );
}
