import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, lt, notExists, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, campaigns, contacts, invitations, messages, surveys, surveyVersions, users } from '../schema/index.js';
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

/** Pending invitations of a wave that have no invitation email yet. */
export async function invitationsAwaitingEmail(db: Db, campaignId: string, wave: number) {
  return db
    .select({ invitationId: invitations.id, campaignId: invitations.campaignId, toAddress: invitations.email })
    .from(invitations)
    .where(
      and(
        eq(invitations.campaignId, campaignId),
        eq(invitations.wave, wave),
        eq(invitations.status, 'pending'),
        notExists(
          db
            .select({ one: sql`1` })
            .from(messages)
            .where(and(eq(messages.invitationId, invitations.id), eq(messages.sequence, 0))),
        ),
      ),
    )
    .orderBy(asc(invitations.id));
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

export async function markAttempted(db: Db, ids: string[], now: Date): Promise<void> {
  if (ids.length) {
    await db
      .update(messages)
      .set({ attempts: sql`${messages.attempts} + 1`, updatedAt: now })
      .where(inArray(messages.id, ids));
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

/** Records a provider's acceptance: the message is sent, its invitation too. One transaction for the batch. */
export async function recordSent(db: Db, transport: string, sent: SentRecord[], failed: { messageId: string; error: string }[], now: Date) {
  await db.transaction(async (tx) => {
    for (const s of sent) {
      await tx
        .update(messages)
        .set({ status: 'sent', transport, providerId: s.providerId, subject: s.subject, html: s.html, text: s.text, sentAt: now, updatedAt: now, error: null })
        .where(and(eq(messages.id, s.messageId), eq(messages.status, 'queued')));
      await tx
        .update(invitations)
        .set({
          status: 'sent',
          sentAt: sql`coalesce(${invitations.sentAt}, ${now.toISOString()}::timestamptz)`,
          lastSentAt: now,
          remindersSent: sql`greatest(${invitations.remindersSent}, ${s.sequence})`,
        })
        .where(eq(invitations.id, s.invitationId));
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
): Promise<Page<MessageRow>> {
  const conditions: SQL[] = [];
  if (query.campaignId) conditions.push(eq(messages.campaignId, query.campaignId));
  if (query.status) conditions.push(eq(messages.status, query.status));
  if (query.to) conditions.push(sql`lower(${messages.toAddress}) = ${query.to.toLowerCase()}`);
  if (ownerScope) {
    conditions.push(sql`exists (select 1 from ${invitations} i join ${accounts} a on a.id = i.account_id
      where i.id = ${messages.invitationId} and a.owner_id = ${ownerScope})`);
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
  return row?.ownerId ?? null;
}
