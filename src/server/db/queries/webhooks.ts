import { and, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../rows.js';
import { outgoingEvents, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../schema/index.js';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;

/** How long a worker holds a claimed delivery: a crashed worker's claim runs out after this. */
export const DELIVERY_LEASE_MS = 60_000;

/** Installation-wide Standard Webhooks endpoints (admins' list; Slack and Teams channels are listed elsewhere). */
export async function listStandardEndpoints(db: Db) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.format, 'standard'), isNull(webhookEndpoints.userId)))
    .orderBy(desc(webhookEndpoints.createdAt));
}

export async function getStandardEndpoint(db: Db, id: string) {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.format, 'standard'), isNull(webhookEndpoints.userId)));
  return row ?? null;
}

/**
 * Claims up to `limit` due pending deliveries for this worker: `for update skip locked` keeps two workers off the
 * same rows, and the lease keeps them off until it runs out (a crash) or the attempt is recorded.
 */
export async function claimDueDeliveries(db: Db, now: Date, limit: number): Promise<{ id: string; leaseUntil: Date }[]> {
  const leaseUntil = new Date(now.getTime() + DELIVERY_LEASE_MS);
  const rows = await db.execute(sql`
    update webhook_deliveries set lease_until = ${leaseUntil.toISOString()}::timestamptz
    where id in (
      select id from webhook_deliveries
      where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
        and (lease_until is null or lease_until < ${now.toISOString()}::timestamptz)
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    returning id`);
  return rowsOf<{ id: string }>(rows).map((r) => ({ id: r.id, leaseUntil }));
}

/**
 * Takes the endpoint's next send slot (Slack and Teams pacing): when the endpoint is free, marks it busy for
 * `intervalMs` and answers null (send now); when another send holds it, answers when it frees up. The row lock
 * makes every worker and process take turns.
 */
export async function takeSendSlot(db: Db, endpointId: string, now: Date, intervalMs: number): Promise<Date | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ pacedUntil: webhookEndpoints.pacedUntil })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpointId))
      .for('update');
    if (row?.pacedUntil && row.pacedUntil > now) return row.pacedUntil;
    await tx
      .update(webhookEndpoints)
      .set({ pacedUntil: new Date(now.getTime() + intervalMs) })
      .where(eq(webhookEndpoints.id, endpointId));
    return null;
  });
}

/** Puts a claimed delivery back, due at `at`, without counting an attempt (it waits for its endpoint's turn). */
export async function deferDelivery(db: Db, id: string, leaseUntil: Date, at: Date): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: at, leaseUntil: null })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.leaseUntil, leaseUntil), eq(webhookDeliveries.status, 'pending')));
}

/** Claims one delivery whatever its status (a replay): only when no worker holds it. */
export async function claimDelivery(db: Db, id: string, now: Date): Promise<Date | null> {
  const leaseUntil = new Date(now.getTime() + DELIVERY_LEASE_MS);
  const [row] = await db
    .update(webhookDeliveries)
    .set({ leaseUntil })
    .where(and(eq(webhookDeliveries.id, id), or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, now))))
    .returning({ id: webhookDeliveries.id });
  return row ? leaseUntil : null;
}

export async function loadDeliveryForSending(db: Db, id: string) {
  const [row] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, event: outgoingEvents })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .innerJoin(outgoingEvents, eq(outgoingEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, id));
  return row ?? null;
}

/** Whether any delivery is due (the scheduler tick queues the job only then). */
export async function hasDueDeliveries(db: Db, now: Date): Promise<boolean> {
  const rows = await db.execute(sql`
    select 1 as due from webhook_deliveries
    where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
      and (lease_until is null or lease_until < ${now.toISOString()}::timestamptz)
    limit 1`);
  return rowsOf(rows).length > 0;
}

/** Cancels what an endpoint still had to send (it was switched off or deleted). */
export async function cancelPendingDeliveries(db: Db, endpointId: string) {
  await db
    .update(webhookDeliveries)
    .set({ status: 'cancelled', nextAttemptAt: null, leaseUntil: null })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
}

export async function insertAttempt(db: Db, attempt: typeof webhookAttempts.$inferInsert) {
  await db.insert(webhookAttempts).values(attempt);
}

/** An endpoint's deliveries, newest first, with their attempts (newest first too). */
export async function listDeliveries(db: Db, endpointId: string, page: number, pageSize: number) {
  const [total] = await db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
  const rows = await db
    .select({ delivery: webhookDeliveries, eventType: outgoingEvents.type, eventCreatedAt: outgoingEvents.createdAt })
    .from(webhookDeliveries)
    .innerJoin(outgoingEvents, eq(outgoingEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const ids = rows.map((r) => r.delivery.id);
  const attempts = ids.length
    ? await db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, ids)).orderBy(desc(webhookAttempts.attemptedAt))
    : [];
  return {
    total: total?.n ?? 0,
    rows: rows.map((r) => ({ ...r, attempts: attempts.filter((a) => a.deliveryId === r.delivery.id) })),
  };
}

export async function getDelivery(db: Db, endpointId: string, deliveryId: string) {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)));
  return row ?? null;
}

/** Erasure: events holding the contact's data go, and with them their deliveries and attempts (cascade). */
export async function deleteContactEvents(db: Db, contactId: string) {
  await db.delete(outgoingEvents).where(eq(outgoingEvents.contactId, contactId));
}
