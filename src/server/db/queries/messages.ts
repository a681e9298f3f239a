import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, campaigns, contacts, invitations, messages, surveys, surveyVersions, tasks, users } from '../schema/index.js';
import type { Page, PageQuery } from '../../../shared/schemas/common.js';

export type MessageRow = typeof messages.$inferSelect;
const BATCH = 100;

/**
 * Queues one email per invitation (sequence 0 = the invitation, n = the n-th reminder), grouped into
 * batches of ≤ 100 with a batch key each. The unique (invitation, sequence) makes this safe to repeat.
 */
export async function queueMessages(
  db: Db,
  items: { invitationId: string; campaignId: string; toAddress: string }[],
  kind: 'invitation' | 'reminder',
  sequenceOf: (invitationId: string) => number,
  now: Date,
): Promise<string[]> {
  const batchKeys: string[] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    const batchKey = randomUUID();
    const inserted = await db
      .insert(messages)
      .values(
        items.slice(i, i + BATCH).map((item) => ({
          kind,
          invitationId: item.invitationId,
          campaignId: item.campaignId,
          sequence: sequenceOf(item.invitationId),
          toAddress: item.toAddress,
          batchKey,
          status: 'queued' as const,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: messages.id });
    if (inserted.length) batchKeys.push(batchKey);
  }
  return batchKeys;
}

/**
 * Queues the invitation email of every pending invitation of a wave that has none yet, in one statement,
 * numbered into batches of ≤ 100 under a fresh run id (a re-run never adds to a batch that was already tried).
 * Returns the new batch keys.
 */
export async function queueInvitationEmails(db: Db, campaignId: string, wave: number, now: Date): Promise<string[]> {
  const run = randomUUID();
  const stamp = now.toISOString();
  const result = await db.execute<{ batch_key: string }>(sql`
    with awaiting as (
      select i.id, i.campaign_id, i.email, (row_number() over (order by i.id) - 1) / ${BATCH} as batch_no
      from ${invitations} i
      where i.campaign_id = ${campaignId} and i.wave = ${wave} and i.status = 'pending'
        and not exists (select 1 from ${messages} m where m.invitation_id = i.id and m.sequence = 0)
    )
    insert into ${messages} (kind, invitation_id, campaign_id, sequence, to_address, batch_key, status, created_at, updated_at)
    select 'invitation', id, campaign_id, 0, email, ${run} || ':' || batch_no, 'queued', ${stamp}::timestamptz, ${stamp}::timestamptz
    from awaiting
    on conflict do nothing
    returning batch_key`);
  const rows = (result as unknown as { rows?: { batch_key: string }[] }).rows ?? (result as unknown as { batch_key: string }[]);
  return [...new Set(rows.map((r) => r.batch_key))];
}

/** Everything needed to render and send the queued messages of a batch. */
export async function loadQueuedBatch(db: Db, batchKey: string) {
  return db
    .select({
      message: messages,
      invitation: invitations,
      contact: { name: contacts.name, unsubscribed: contacts.unsubscribed, bounced: contacts.bounced },
      owner: { name: users.name, email: users.email },
      campaign: { status: campaigns.status },
      survey: { kind: surveys.kind, definition: surveyVersions.definition },
    })
    .from(messages)
    .innerJoin(invitations, eq(invitations.id, messages.invitationId))
    .innerJoin(contacts, eq(contacts.id, invitations.contactId))
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
    .innerJoin(surveyVersions, eq(surveyVersions.id, campaigns.surveyVersionId))
    .innerJoin(surveys, eq(surveys.id, campaigns.surveyId))
    .where(and(eq(messages.batchKey, batchKey), eq(messages.status, 'queued')))
    .orderBy(asc(messages.id));
}

class ClaimLost extends Error {}

/**
 * Claims a batch for one send attempt: counts the attempt on every message, but only if each is still queued with the
 * `attempts` it was read with. False (and nothing changed) when another run got there first — a job whose lease ran
 * out while its worker still worked, retried by pg-boss next to it. That run must then not send: had the two read the
 * batch apart (an address unsubscribed in between, so one of them dropped it), they would send two different batches
 * under two idempotency keys, and the provider would deliver both.
 */
export async function claimAttempt(db: Db, read: { id: string; attempts: number }[], now: Date): Promise<boolean> {
  if (!read.length) return true;
  const expected = sql.join(
    read.map((m) => sql`(${m.id}::uuid, ${m.attempts}::smallint)`),
    sql`, `,
  );
  try {
    await db.transaction(async (tx) => {
      const claimed = await tx
        .update(messages)
        .set({ attempts: sql`${messages.attempts} + 1`, updatedAt: now })
        .where(and(inArray(messages.id, read.map((m) => m.id)), eq(messages.status, 'queued'), sql`(${messages.id}, ${messages.attempts}) in (${expected})`))
        .returning({ id: messages.id });
      if (claimed.length !== read.length) throw new ClaimLost();
    });
    return true;
  } catch (error) {
    if (error instanceof ClaimLost) return false;
    throw error;
  }
}

export async function cancelMessages(db: Db, ids: string[], reason: string, now: Date): Promise<void> {
  if (ids.length) {
    await db
      .update(messages)
      .set({ status: 'cancelled', error: reason, updatedAt: now })
      .where(and(inArray(messages.id, ids), eq(messages.status, 'queued')));
  }
}

export interface SentRecord {
  messageId: string;
  invitationId: string;
  sequence: number;
  providerId: string;
  subject: string;
  html: string | null;
  text: string | null;
}

/**
 * Records a provider's answer for a batch in one transaction and a handful of statements (not one per
 * message): the messages become sent or failed, their invitations sent.
 */
export async function recordSent(db: Db, transport: string, sent: SentRecord[], failed: { messageId: string; error: string }[], now: Date) {
  const stamp = now.toISOString();
  await db.transaction(async (tx) => {
    if (sent.length) {
      const rows = sql.join(
        sent.map((s) => sql`(${s.messageId}::uuid, ${s.providerId}, ${s.subject}, ${s.html}, ${s.text}, ${s.invitationId}::uuid, ${s.sequence}::int)`),
        sql`, `,
      );
      await tx.execute(sql`
        update ${messages} m set status = 'sent', transport = ${transport}, provider_id = v.provider_id, subject = v.subject,
          html = v.html, text = v.text, sent_at = ${stamp}::timestamptz, updated_at = ${stamp}::timestamptz, error = null
        from (values ${rows}) as v(id, provider_id, subject, html, text, invitation_id, sequence)
        where m.id = v.id and m.status = 'queued'`);
      await tx.execute(sql`
        update ${invitations} i set status = 'sent', sent_at = coalesce(i.sent_at, ${stamp}::timestamptz),
          last_sent_at = ${stamp}::timestamptz, reminders_sent = greatest(i.reminders_sent, v.sequence)
        from (values ${rows}) as v(id, provider_id, subject, html, text, invitation_id, sequence)
        where i.id = v.invitation_id`);
    }
    for (const f of failed) {
      await tx
        .update(messages)
        .set({ status: 'failed', transport, error: f.error.slice(0, 1000), updatedAt: now })
        .where(and(eq(messages.id, f.messageId), eq(messages.status, 'queued')));
    }
  });
}

/** Batches still queued long after they were created: their job was lost or gave up. */
export async function staleBatchKeys(db: Db, olderThan: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ batchKey: messages.batchKey })
    .from(messages)
    .where(and(eq(messages.status, 'queued'), lt(messages.updatedAt, olderThan)))
    .limit(1000);
  return rows.map((r) => r.batchKey).filter((k): k is string => k !== null);
}

export async function findMessageByProviderId(db: Db, providerId: string) {
  const [row] = await db.select().from(messages).where(eq(messages.providerId, providerId));
  return row;
}

export async function setMessageStatus(db: Db, id: string, status: MessageRow['status'], now: Date, error?: string) {
  await db.update(messages).set({ status, updatedAt: now, ...(error ? { error } : {}) }).where(eq(messages.id, id));
}

export async function listMessages(
  db: Db,
  query: PageQuery & { campaignId?: string; status?: MessageRow['status']; to?: string },
  ownerScope: string | null,
  options: { passwordLinks?: boolean } = {},
): Promise<Page<MessageRow>> {
  const conditions: SQL[] = [];
  // Emails with a password link are for their recipient; in the log only admins (who may send them anyway) see them.
  if (!options.passwordLinks) conditions.push(sql`${messages.purpose} is distinct from 'password_reset'`);
  if (query.campaignId) conditions.push(eq(messages.campaignId, query.campaignId));
  if (query.status) conditions.push(eq(messages.status, query.status));
  if (query.to) conditions.push(sql`lower(${messages.toAddress}) = ${query.to.toLowerCase()}`);
  if (ownerScope) {
    // Survey emails of their accounts' invitations, and the task emails of their accounts (the customer's
    // "what we did" and the assignments; executives' escalations stay theirs).
    conditions.push(sql`(exists (select 1 from ${invitations} i join ${accounts} a on a.id = i.account_id
      where i.id = ${messages.invitationId} and a.owner_id = ${ownerScope})
      or (${messages.purpose} in ('loop_closed', 'task_assigned') and exists (select 1 from ${tasks} t join ${accounts} a on a.id = t.account_id
      where t.id = ${messages.taskId} and a.owner_id = ${ownerScope})))`);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(messages)
      .where(where)
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(messages).where(where),
  ]);
  return { data: rows, page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

export async function getMessage(db: Db, id: string) {
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  return row;
}



/** The owner of the account a message was sent for (null for messages not tied to an account). */
export async function messageAccountOwner(db: Db, messageId: string): Promise<string | null> {
  const [row] = await db
    .select({ ownerId: accounts.ownerId })
    .from(messages)
    .innerJoin(invitations, eq(invitations.id, messages.invitationId))
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(eq(messages.id, messageId));
  if (row) return row.ownerId;
  // A task email on the account (the same ones the list shows a manager).
  const [task] = await db
    .select({ ownerId: accounts.ownerId })
    .from(messages)
    .innerJoin(tasks, eq(tasks.id, messages.taskId))
    .innerJoin(accounts, eq(accounts.id, tasks.accountId))
    .where(and(eq(messages.id, messageId), inArray(messages.purpose, ['loop_closed', 'task_assigned'])));
  return task?.ownerId ?? null;
}

export interface NewNotification {
  to: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  taskId: string;
  /** What the email is for; with the task id, unique. Escalations carry the executive: `task_escalated:<id>`. */
  purpose: 'loop_closed' | 'task_assigned' | `task_escalated:${string}`;
}

/**
 * Queues a notification email about a task, rendered now and stored; (task, purpose) is unique, so asking
 * twice queues it once. Returns the batch key to hand to the sender, or null when it was already queued.
 */
export async function queueNotification(db: Db, n: NewNotification, now: Date): Promise<string | null> {
  const batchKey = randomUUID();
  const [row] = await db
    .insert(messages)
    .values(storedNotification({ ...n, batchKey }, now))
    .onConflictDoNothing()
    .returning({ id: messages.id });
  return row ? batchKey : null;
}

/** The row of a notification email rendered now and sent later exactly as stored (tasks, reports). */
export function storedNotification(
  n: { to: string; replyTo?: string | null; subject: string; html: string; text: string; purpose: string; batchKey: string; taskId?: string; reportKey?: string },
  now: Date,
) {
  return {
    kind: 'notification' as const,
    toAddress: n.to,
    replyTo: n.replyTo ?? null,
    subject: n.subject,
    html: n.html,
    text: n.text,
    taskId: n.taskId ?? null,
    reportKey: n.reportKey ?? null,
    purpose: n.purpose,
    batchKey: n.batchKey,
    status: 'queued' as const,
    createdAt: now,
    updatedAt: now,
  };
}

/** Queued notifications of a batch: sent exactly as stored. */
export async function loadQueuedNotifications(db: Db, batchKey: string) {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.batchKey, batchKey), eq(messages.status, 'queued'), eq(messages.kind, 'notification')));
}
