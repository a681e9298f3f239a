import { Hono } from 'hono';
import { z } from 'zod';
import { and, eq, inArray } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { describe } from '../http/validate.js';
import { verifySvixSignature } from '../email/webhook-signature.js';
import { contacts, invitations, messages, webhookEvents } from '../db/schema/index.js';
import type { Db } from '../db/client.js';

const ResendEvent = z.object({
  type: z.string().max(100),
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

async function applyEvent(tx: Db, type: string, providerId: string, now: Date): Promise<void> {
  const transition = transitions[type];
  if (!transition) return;
  const [message] = await tx
    .update(messages)
    .set({ status: transition.to, updatedAt: now })
    .where(and(eq(messages.providerId, providerId), inArray(messages.status, transition.from)))
    .returning({ invitationId: messages.invitationId });
  if (!message?.invitationId || (type !== 'email.bounced' && type !== 'email.complained')) return;
  const [invitation] = await tx
    .select({ contactId: invitations.contactId })
    .from(invitations)
    .where(eq(invitations.id, message.invitationId));
  if (!invitation) return;
  // A hard bounce means the address is dead; a complaint means "stop": neither contact is mailed again.
  await tx
    .update(contacts)
    .set(type === 'email.bounced' ? { bounced: true, updatedAt: now } : { unsubscribed: true, updatedAt: now })
    .where(eq(contacts.id, invitation.contactId));
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
    const duplicate = await db.transaction(async (tx) => {
      const [fresh] = await tx
        .insert(webhookEvents)
        .values({ id, type: event.type, receivedAt: now })
        .onConflictDoNothing()
        .returning();
      if (!fresh) return true;
      await applyEvent(tx, event.type, event.data.email_id, now);
      return false;
    });
    return c.json({ received: true as const, duplicate });
  },
);
