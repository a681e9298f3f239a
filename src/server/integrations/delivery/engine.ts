import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { AppDeps } from '../../http/context.js';
import type { Db } from '../../db/client.js';
import { messages, outgoingEvents, users, webhookDeliveries, webhookEndpoints } from '../../db/schema/index.js';
import { newEventId } from '../events.js';
import {
  cancelPendingDeliveries,
  claimDelivery,
  claimDueDeliveries,
  deferDelivery,
  insertAttempt,
  loadDeliveryForSending,
  takeSendSlot,
} from '../../db/queries/webhooks.js';
import { storedNotification } from '../../db/queries/messages.js';
import { MIN_SEND_INTERVAL_MS, nextRetryDelayMs, shouldSwitchOff, SWITCH_OFF_AFTER_MS } from '../../domain/webhook-retry.js';
import { renderWebhookDisabled } from '../../email/webhook-disabled-template.js';
import { SEND_EMAILS } from '../../jobs/send-emails.js';
import { createGuard } from './ssrf.js';
import { senderFor } from './senders.js';
import { describeFetchError } from './standard.js';
import type { AttemptResult, DeliveryTarget, EventToSend, SendContext } from './types.js';

/*
 * The delivery engine (issue 15): sends pending deliveries from the queue — never from a request — one attempt at a
 * time per delivery, logs every attempt, retries on the schedule in domain/webhook-retry.ts and switches off an
 * endpoint that keeps failing. It is the same for every format; only the sender differs (senders.ts).
 *
 * Nothing twice: a delivery is claimed with a lease (`claimDueDeliveries`), and the attempt's outcome is written only
 * while the delivery is still `pending` — once a 2xx is recorded the row is `succeeded` and no claim picks it again.
 * A worker that dies mid-send loses its lease after 60 s and another worker tries again (an at-least-once send
 * receivers deduplicate by `webhook-id`, as the spec asks).
 */

export const DELIVER_WEBHOOKS = 'deliver-webhooks';
/** One job drains what is due in rounds of this many; the next due ones are picked up by the next round. */
const CLAIM_BATCH = 20;
/**
 * A job stops after this many rounds and queues the next job, so a backlog never holds one worker for long: each round
 * lasts at most one attempt's timeout (10 s, the claims run side by side), so a job stays well inside pg-boss's
 * 60-second job lease (queue.ts JOB_LEASE_SECONDS) and is not handed to a second worker while it runs.
 */
const MAX_ROUNDS = 4;
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** The test event's type: delivered to one endpoint only, logged with trigger `test`. */
export const TEST_EVENT_TYPE = 'webhook.test';

const guards = new Map<string, ReturnType<typeof createGuard>>();
/** The guarded agents for this installation's allow list (built once per process; they hold no state of ours). */
export function guardFor(deps: Pick<AppDeps, 'config'>) {
  const key = deps.config.webhookAllowPrivate.join(',');
  let guard = guards.get(key);
  if (!guard) guards.set(key, (guard = createGuard(deps.config.webhookAllowPrivate)));
  return guard;
}

/**
 * Queues the delivery job, once (singleton key). Call it after the transaction that recorded events commits; if it is
 * lost, the scheduler tick queues the job anyway when deliveries are due.
 */
export async function nudgeDeliveries(deps: Pick<AppDeps, 'jobs' | 'logger'>, startAfter?: Date): Promise<void> {
  try {
    await deps.jobs.enqueue(DELIVER_WEBHOOKS, {}, { singletonKey: DELIVER_WEBHOOKS, ...(startAfter ? { startAfter } : {}) });
  } catch (error) {
    deps.logger.warn('could not queue webhook deliveries; the scheduler will', { error: String(error) });
  }
}

/**
 * An event for one endpoint only (a test message), not fanned out to the others listening to its type: the event and
 * its one delivery, then the job. Goes through the queue, retries and the log like any delivery.
 */
export async function sendToOneEndpoint(
  deps: Pick<AppDeps, 'db' | 'clock' | 'jobs' | 'logger'>,
  endpointId: string,
  event: { type: string; payload: Record<string, unknown> },
): Promise<{ eventId: string; deliveryId: string }> {
  const now = deps.clock.now();
  const eventId = newEventId();
  const deliveryId = await deps.db.transaction(async (tx) => {
    await tx.insert(outgoingEvents).values({ id: eventId, type: event.type, version: 'v1', payload: event.payload, createdAt: now });
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ endpointId, eventId, nextAttemptAt: now, createdAt: now })
      .returning({ id: webhookDeliveries.id });
    return delivery!.id;
  });
  await nudgeDeliveries(deps);
  return { eventId, deliveryId };
}

export interface DeliverJob {
  /** A replay an admin asked for: this one delivery, once, whatever its status. */
  replayDeliveryId?: string;
}

export async function deliverWebhooks(deps: AppDeps, data: DeliverJob = {}): Promise<void> {
  if (data.replayDeliveryId) {
    await replayDelivery(deps, data.replayDeliveryId);
    return;
  }
  let waitingUntil: Date | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const claimed = await claimDueDeliveries(deps.db, deps.clock.now(), CLAIM_BATCH);
    if (claimed.length === 0) break;
    // One at a time per claim, several claims in parallel: a slow receiver holds only its own delivery.
    const deferred = await Promise.all(claimed.map((c) => attemptDelivery(deps, c.id, c.leaseUntil, 'scheduled')));
    for (const at of deferred) if (at && (!waitingUntil || at < waitingUntil)) waitingUntil = at;
    if (round === MAX_ROUNDS - 1) return nudgeDeliveries(deps);
  }
  // Deliveries put back to wait for their channel's turn: a job for when the first of them is due.
  if (waitingUntil) await nudgeDeliveries(deps, waitingUntil);
}

async function replayDelivery(deps: AppDeps, deliveryId: string) {
  const leaseUntil = await claimDelivery(deps.db, deliveryId, deps.clock.now());
  // Held by a worker right now: it is being sent anyway; pg-boss retries this job if the claim lingers.
  if (!leaseUntil) throw new Error('delivery is being sent by another worker; retrying the replay');
  await attemptDelivery(deps, deliveryId, leaseUntil, 'replay');
}

type Trigger = 'scheduled' | 'replay' | 'test';

/** Sends one claimed delivery; answers when it was put back to wait for its endpoint's turn (pacing), else null. */
async function attemptDelivery(deps: AppDeps, deliveryId: string, leaseUntil: Date, trigger: Trigger): Promise<Date | null> {
  const { db, clock, secrets } = deps;
  const row = await loadDeliveryForSending(db, deliveryId);
  if (!row) return null;
  const { delivery, endpoint, event } = row;
  const isTest = event.type === TEST_EVENT_TYPE;
  // A switched-off endpoint gets nothing automatic; an admin's replay or test event still goes (to check a fix).
  if (!endpoint.enabled && trigger === 'scheduled' && !isTest) {
    await db
      .update(webhookDeliveries)
      .set({ status: 'cancelled', nextAttemptAt: null, leaseUntil: null })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
    return null;
  }
  const now = clock.now();
  // Slack and Teams take about one message a second per channel: the endpoint's row says when the next may go.
  const interval = MIN_SEND_INTERVAL_MS[endpoint.format];
  if (interval > 0 && trigger === 'scheduled') {
    const busyUntil = await takeSendSlot(db, endpoint.id, now, interval);
    if (busyUntil) {
      await deferDelivery(db, deliveryId, leaseUntil, busyUntil);
      return busyUntil;
    }
  }
  const guard = guardFor(deps);
  let target: DeliveryTarget;
  try {
    target = {
      endpointId: endpoint.id,
      format: endpoint.format,
      url: secrets.unseal(endpoint.urlSealed),
      secrets: [
        ...(endpoint.secretSealed ? [secrets.unseal(endpoint.secretSealed)] : []),
        ...(endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now
          ? [secrets.unseal(endpoint.previousSecretSealed)]
          : []),
      ],
    };
  } catch {
    // Sealed under another server secret: nothing to send with; logged like any failed attempt.
    await recordOutcome(deps, delivery.endpointId, delivery.id, leaseUntil, trigger === 'scheduled' && isTest ? 'test' : trigger, now, 0, {
      ok: false,
      statusCode: null,
      responseExcerpt: null,
      error: 'stored URL or secret cannot be unsealed (was the server secret changed?)',
    });
    return null;
  }
  const toSend: EventToSend = { id: event.id, type: event.type, version: event.version, payload: event.payload, createdAt: event.createdAt };
  const sender = senderFor(endpoint.format);
  const started = performance.now();
  let result: AttemptResult;
  if (!sender) {
    result = { ok: false, statusCode: null, responseExcerpt: null, error: `no sender for the ${endpoint.format} format` };
  } else {
    const context: SendContext = {
      now,
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      agent: guard.agents.for(target.url),
      guardedFetch: guard.guardedFetch,
    };
    try {
      result = await sender(target, toSend, context);
    } catch (error) {
      result = { ok: false, statusCode: null, responseExcerpt: null, error: describeFetchError(error) };
    }
  }
  const duration = Math.round(performance.now() - started);
  await recordOutcome(deps, delivery.endpointId, delivery.id, leaseUntil, trigger === 'scheduled' && isTest ? 'test' : trigger, now, duration, result);
  return null;
}

/**
 * Writes the attempt and what follows from it, in one transaction, only while this worker's lease holds (a worker
 * whose lease ran out and was overtaken records nothing, so a success is never overwritten or recorded twice).
 */
async function recordOutcome(
  deps: AppDeps,
  endpointId: string,
  deliveryId: string,
  leaseUntil: Date,
  trigger: Trigger,
  now: Date,
  durationMs: number,
  result: AttemptResult,
) {
  const switchedOff = await deps.db.transaction(async (tx) => {
    // The endpoint's row first, then the delivery's: attempts recorded at once for one endpoint (and a switch-off,
    // which cancels the endpoint's other deliveries) take their locks in the same order, so they cannot deadlock.
    await tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).for('update');
    const [current] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.leaseUntil, leaseUntil)))
      .for('update');
    if (!current) return null;
    await insertAttempt(tx, {
      deliveryId,
      trigger,
      attemptedAt: now,
      statusCode: result.statusCode,
      durationMs,
      responseExcerpt: result.responseExcerpt?.slice(0, 500) ?? null,
      error: result.error?.slice(0, 500) ?? null,
    });
    const replay = trigger === 'replay';
    // A replay of a delivery that already ended is logged and leaves its outcome (and the attempt count) alone.
    const counts = current.status === 'pending' || !replay;
    const attempts = counts ? current.attempts + 1 : current.attempts;
    const base = { leaseUntil: null, lastAttemptAt: now, lastStatusCode: result.statusCode, attempts };
    if (result.ok) {
      await tx
        .update(webhookDeliveries)
        .set({ ...base, status: 'succeeded', succeededAt: now, nextAttemptAt: null })
        .where(eq(webhookDeliveries.id, deliveryId));
      await tx.update(webhookEndpoints).set({ lastSuccessAt: now, failingSince: null, updatedAt: now }).where(eq(webhookEndpoints.id, current.endpointId));
      return null;
    }
    if (current.status !== 'pending') {
      await tx.update(webhookDeliveries).set({ leaseUntil: null }).where(eq(webhookDeliveries.id, deliveryId));
    } else if (result.statusCode === 410) {
      await tx.update(webhookDeliveries).set({ ...base, status: 'failed', nextAttemptAt: null }).where(eq(webhookDeliveries.id, deliveryId));
    } else {
      const delay = nextRetryDelayMs(attempts, result.retryAfterSeconds);
      await tx
        .update(webhookDeliveries)
        .set(delay === null ? { ...base, status: 'failed', nextAttemptAt: null } : { ...base, nextAttemptAt: new Date(now.getTime() + delay) })
        .where(eq(webhookDeliveries.id, deliveryId));
    }
    // 410 Gone: the receiver says the endpoint no longer exists — off at once, nothing more sent.
    if (result.statusCode === 410) {
      const [gone] = await tx
        .update(webhookEndpoints)
        .set({ enabled: false, disabledReason: 'gone', disabledAt: now, updatedAt: now })
        .where(and(eq(webhookEndpoints.id, current.endpointId), eq(webhookEndpoints.enabled, true)))
        .returning({ id: webhookEndpoints.id });
      if (gone) await cancelPendingDeliveries(tx, current.endpointId);
      return null;
    }
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
      .where(eq(webhookEndpoints.id, current.endpointId))
      .returning();
    if (!endpoint || !endpoint.enabled || !shouldSwitchOff(endpoint.failingSince, now)) return null;
    if (endpoint.lastSuccessAt && endpoint.failingSince && endpoint.lastSuccessAt > endpoint.failingSince) return null;
    return switchOff(deps, tx, endpoint.id, now);
  });
  if (switchedOff) await deps.jobs.enqueueMany(SEND_EMAILS, [{ data: { batchKey: switchedOff }, singletonKey: switchedOff }]);
}

/**
 * Switches an endpoint off for failing, cancels what it still had to send and queues one email to its creator — once:
 * only the transaction that flips `enabled` queues it, and the email's report key is unique per switch-off.
 * Returns the email's batch key (to hand to the sender after commit), or null.
 */
async function switchOff(deps: AppDeps, tx: Db, endpointId: string, now: Date): Promise<string | null> {
  const [off] = await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: 'failing', disabledAt: now, updatedAt: now })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
    .returning();
  if (!off) return null;
  await cancelPendingDeliveries(tx, endpointId);
  deps.logger.warn('webhook endpoint switched off after failing for days', { endpointId });
  if (!off.createdBy) return null;
  const [creator] = await tx
    .select({ name: users.name, email: users.email, disabled: users.disabled })
    .from(users)
    .where(eq(users.id, off.createdBy));
  if (!creator || creator.disabled) return null;
  const content = renderWebhookDisabled({
    name: creator.name,
    urlHint: off.urlHint,
    failingSince: off.failingSince ?? now,
    days: Math.floor((now.getTime() - (off.failingSince ?? now).getTime()) / 86_400_000) || Math.round(SWITCH_OFF_AFTER_MS / 86_400_000),
    pageUrl: `${deps.config.publicUrl}/admin/webhooks`,
  });
  const batchKey = randomUUID();
  const [queued] = await tx
    .insert(messages)
    .values(
      storedNotification(
        { to: creator.email, ...content, purpose: 'webhook_disabled', batchKey, reportKey: `webhook_disabled:${endpointId}:${now.toISOString()}` },
        now,
      ),
    )
    .onConflictDoNothing()
    .returning({ id: messages.id });
  return queued ? batchKey : null;
}

/** For the scheduler tick: whether deliveries wait (kept here so the tick stays a one-liner). */
export { hasDueDeliveries } from '../../db/queries/webhooks.js';
// Re-exported for the routes: which deliveries an endpoint still owes is decided here, not there.
export { cancelPendingDeliveries };
