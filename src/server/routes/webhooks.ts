import { Hono } from 'hono';
import * as z from 'zod';
import { and, eq, sql, TransactionRollbackError } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { describe } from '../http/validate.js';
import { verifySvixSignature } from '../email/webhook-signature.js';
import { contacts, messages, webhookEvents } from '../db/schema/index.js';
import type { Db } from '../db/client.js';
import { recordContactUnsubscribed } from '../integrations/webhook-events.js';
import { nudgeDeliveries } from '../integrations/delivery/engine.js';

const ResendEvent = z.object({
  type: z.string().max(100),
  created_at: z.string().max(64).optional(),
  data: z.object({ email_id: z.string().max(200) }).passthrough(),
});

type MessageStatus = (typeof messages.$inferSelect)['status'];
/** Each event moves a message forward only: a late "delivered" never hides a bounce. */
const transitions: Record<string, { to: MessageStatus; from: MessageStatus[] }> = {
  'email.delivered': { to: 'delivered', from: ['sent', 'delayed'] },
  'email.delivery_delayed': { to: 'delayed', from: ['sent'] },
  'email.bounced': { to: 'bounced', from: ['sent', 'delayed', 'delivered'] },
  'email.complained': { to: 'complained', from: ['sent', 'delayed', 'delivered'] },
};

/** Events about an email we have not recorded yet are refused this long, so that Svix delivers them again. */
const UNKNOWN_EMAIL_RETRY_SECONDS = 15 * 60;

/**
 * Applies an event. Returns false when the email is unknown: the send may still be being recorded
 * (a webhook can overtake the worker), so the caller asks for a redelivery instead of dropping it.
 */
async function applyEvent(tx: Db, type: string, providerId: string, now: Date, publicUrl: string): Promise<{ applied: boolean; announced: number }> {
  const transition = transitions[type];
  if (!transition) return { applied: true, announced: 0 };
  const [message] = await tx
    .select({ id: messages.id, status: messages.status, invitationId: messages.invitationId, to: messages.toAddress })
    .from(messages)
    .where(eq(messages.providerId, providerId));
  if (!message) return { applied: false, announced: 0 };
  if (transition.from.includes(message.status)) {
    await tx.update(messages).set({ status: transition.to, updatedAt: now }).where(eq(messages.id, message.id));
  }
  // An email to an erased contact has no address left: there is nobody to mark.
  if (message.to && (type === 'email.bounced' || type === 'email.complained')) {
    // The address is dead (bounce) or the person said stop (complaint): no contact record with this
    // address is mailed again, in whichever account it appears.
    const sameAddress = sql`lower(${contacts.email}) = ${message.to.toLowerCase()}`;
    if (type === 'email.bounced') {
      await tx.update(contacts).set({ bounced: true, updatedAt: now }).where(sameAddress);
    } else {
      const changed = await tx
        .update(contacts)
        .set({ unsubscribed: true, updatedAt: now })
        .where(and(sameAddress, eq(contacts.unsubscribed, false)))
        .returning({ id: contacts.id });
      // A complaint unsubscribes as the unsubscribe link does, and webhooks hear it the same way.
      let announced = 0;
      for (const c of changed) if (await recordContactUnsubscribed(tx, c.id, publicUrl, now)) announced++;
      return { applied: true, announced };
    }
  }
  return { applied: true, announced: 0 };
}

export const webhookRoutes = new Hono<AppEnv>().post(
  '/resend',
  describe({
    summary:
      'Resend delivery events (Svix-signed): delivered, delivery_delayed, bounced (contact marked bounced), ' +
      'complained (contact unsubscribed). Redeliveries of the same svix-id change nothing.',
    tags: ['Webhooks'],
    public: true,
    responses: { 200: z.object({ received: z.literal(true), duplicate: z.boolean() }) },
  }),
  async (c) => {
    const { db, clock, config } = c.var.deps;
    const secret = config.email.webhookSecret;
    if (!secret) throw new AppError('not_found', 'webhooks are not configured: set RESEND_WEBHOOK_SECRET');
    const body = await c.req.text();
    const id = c.req.header('svix-id') ?? '';
    const valid = verifySvixSignature({
      secret,
      id,
      timestamp: c.req.header('svix-timestamp') ?? '',
      signatureHeader: c.req.header('svix-signature') ?? '',
      body,
      now: clock.now(),
    });
    if (!valid) throw new AppError('unauthorized', 'invalid webhook signature');

    let event: z.infer<typeof ResendEvent>;
    try {
      event = ResendEvent.parse(JSON.parse(body));
    } catch {
      throw new AppError('bad_request', 'the webhook body is not a Resend event');
    }
    const now = clock.now();
    // Svix re-signs every redelivery, so the event's age comes from Resend's own created_at.
    const createdAt = Date.parse(event.created_at ?? '') || now.getTime();
    const outcome = await db.transaction(async (tx) => {
      const [fresh] = await tx
        .insert(webhookEvents)
        .values({ id, type: event.type, receivedAt: now })
        .onConflictDoNothing()
        .returning();
      if (!fresh) return 'duplicate' as const;
      const { applied, announced } = await applyEvent(tx, event.type, event.data.email_id, now, config.publicUrl);
      if (!applied && now.getTime() - createdAt < UNKNOWN_EMAIL_RETRY_SECONDS * 1000) {
        tx.rollback(); // not recorded: the redelivery will be handled
      }
      return announced ? ('announced' as const) : ('applied' as const);
    }).catch((error: unknown) => {
      if (error instanceof TransactionRollbackError) return 'retry' as const;
      throw error;
    });
    if (outcome === 'retry') throw new AppError('conflict', 'unknown email id: deliver this event again later');
    if (outcome === 'announced') await nudgeDeliveries(c.var.deps);
    return c.json({ received: true as const, duplicate: outcome === 'duplicate' });
  },
);
