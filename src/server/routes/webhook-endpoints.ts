import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { and, eq } from 'drizzle-orm';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { invalid, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { webhookEndpoints } from '../db/schema/index.js';
import { getDelivery, getStandardEndpoint, listDeliveries, listStandardEndpoints, type WebhookEndpointRow } from '../db/queries/webhooks.js';
import { ROTATION_OVERLAP_MS } from '../domain/webhook-retry.js';
import { cancelPendingDeliveries, DELIVER_WEBHOOKS, guardFor, sendToOneEndpoint, TEST_EVENT_TYPE } from '../integrations/delivery/engine.js';
import { checkWebhookUrl } from '../integrations/delivery/ssrf.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  CreateWebhookEndpoint,
  UpdateWebhookEndpoint,
  WebhookDeliveryPage,
  WebhookDeliveryParams,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEventType,
} from '../../shared/schemas/webhooks.js';

/*
 * Outgoing webhook endpoints (issue 15), installation-wide, for admins only (an admin's API key needs the admin
 * scope). Deliveries happen in the queue (integrations/delivery/engine.ts); these routes only register endpoints,
 * show the delivery log and ask for a replay or a test event.
 */

/** `whsec_` + base64 of 192 random bits, the Standard Webhooks secret format. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** What may be shown of a URL: scheme, host and the last four characters of the path (the rest may be a credential). */
export function urlHint(raw: string): string {
  const url = new URL(raw);
  const rest = `${url.pathname}${url.search}`.replace(/^\/$/, '');
  if (!rest) return `${url.protocol}//${url.host}`;
  return rest.length <= 4 ? `${url.protocol}//${url.host}${rest}` : `${url.protocol}//${url.host}/…${rest.slice(-4)}`;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    urlHint: row.urlHint,
    description: row.description,
    eventTypes: row.eventTypes as WebhookEventType[],
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    lastSuccessAt: iso(row.lastSuccessAt),
    previousSecretExpiresAt: iso(row.previousSecretExpiresAt),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Refuses a URL that points to a private network (unless allowed), with a 400 saying so. */
async function assertAllowedUrl(deps: AppEnv['Variables']['deps'], url: string) {
  const problem = await checkWebhookUrl(url, guardFor(deps).allow);
  if (problem) throw invalid('url', problem);
}

async function loadEndpoint(c: { var: AppEnv['Variables'] }, id: string) {
  const row = await getStandardEndpoint(c.var.deps.db, id);
  if (!row) throw notFound('webhook endpoint');
  return row;
}

const tags = ['Webhooks'];

export const webhookEndpointRoutes = new Hono<AppEnv>()
  .get('/', describe({ summary: 'List webhook endpoints (admins)', tags, responses: { 200: z.object({ data: z.array(WebhookEndpoint) }) } }), async (c) => {
    requireRole(c, 'admin');
    const rows = await listStandardEndpoints(c.var.deps.db);
    return c.json({ data: rows.map(toEndpoint) });
  })
  .post(
    '/',
    describe({
      summary: 'Register a webhook endpoint (admins). Its signing secret is shown only in this response.',
      description:
        'Deliveries are signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, ' +
        '`webhook-signature`). URLs that resolve to loopback, link-local or private addresses are refused unless ' +
        'KEYPULSE_WEBHOOK_ALLOW_PRIVATE allows them.',
      tags,
      responses: { 201: WebhookEndpointWithSecret },
    }),
    valid('json', CreateWebhookEndpoint),
    async (c) => {
      const auth = requireRole(c, 'admin');
      const { db, clock, secrets } = c.var.deps;
      const body = c.req.valid('json');
      await assertAllowedUrl(c.var.deps, body.url);
      const secret = newWebhookSecret();
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(webhookEndpoints)
          .values({
            format: 'standard',
            urlSealed: secrets.seal(body.url),
            urlHint: urlHint(body.url),
            description: body.description,
            eventTypes: body.eventTypes,
            secretSealed: secrets.seal(secret),
            createdBy: auth.user.id,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await audit(c, 'webhook.created', { type: 'webhook_endpoint', id: inserted!.id }, { urlHint: inserted!.urlHint, eventTypes: body.eventTypes }, { db: tx });
        return inserted!;
      });
      return c.json({ ...toEndpoint(row), secret }, 201);
    },
  )
  .get('/:id', describe({ summary: 'One webhook endpoint (admins)', tags, responses: { 200: WebhookEndpoint } }), valid('param', IdParams), async (c) => {
    requireRole(c, 'admin');
    return c.json(toEndpoint(await loadEndpoint(c, c.req.valid('param').id)));
  })
  .patch(
    '/:id',
    describe({
      summary: 'Change a webhook endpoint (admins): URL, event types, description, on or off',
      description: 'Turning an endpoint back on clears its failing streak; turning it off cancels deliveries still pending.',
      tags,
      responses: { 200: WebhookEndpoint },
    }),
    valid('param', IdParams),
    valid('json', UpdateWebhookEndpoint),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock, secrets } = c.var.deps;
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const before = await loadEndpoint(c, id);
      if (body.url !== undefined) await assertAllowedUrl(c.var.deps, body.url);
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const changes: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: now };
        if (body.url !== undefined) Object.assign(changes, { urlSealed: secrets.seal(body.url), urlHint: urlHint(body.url) });
        if (body.eventTypes !== undefined) changes.eventTypes = body.eventTypes;
        if (body.description !== undefined) changes.description = body.description;
        if (body.enabled === true && !before.enabled) {
          Object.assign(changes, { enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
        } else if (body.enabled === false && before.enabled) {
          Object.assign(changes, { enabled: false, disabledReason: 'manual', disabledAt: now });
        }
        const [updated] = await tx.update(webhookEndpoints).set(changes).where(eq(webhookEndpoints.id, id)).returning();
        if (!updated) throw notFound('webhook endpoint');
        if (updated.enabled !== before.enabled) {
          if (!updated.enabled) await cancelPendingDeliveries(tx, id);
          await audit(c, updated.enabled ? 'webhook.enabled' : 'webhook.disabled', { type: 'webhook_endpoint', id }, { urlHint: updated.urlHint }, { db: tx });
        }
        return updated;
      });
      return c.json(toEndpoint(row));
    },
  )
  .delete('/:id', describe({ summary: 'Delete a webhook endpoint and its delivery log (admins)', tags, responses: { 200: WebhookEndpoint } }), valid('param', IdParams), async (c) => {
    requireRole(c, 'admin');
    const { id } = c.req.valid('param');
    const row = await c.var.deps.db.transaction(async (tx) => {
      const [deleted] = await tx
        .delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.format, 'standard')))
        .returning();
      if (deleted) await audit(c, 'webhook.deleted', { type: 'webhook_endpoint', id }, { urlHint: deleted.urlHint }, { db: tx });
      return deleted;
    });
    if (!row || row.userId) throw notFound('webhook endpoint');
    return c.json(toEndpoint(row));
  })
  .post(
    '/:id/rotate-secret',
    describe({
      summary: "Rotate an endpoint's signing secret (admins). The new secret is shown only in this response.",
      description: 'For 24 hours deliveries carry a signature with the previous secret too, so receivers can switch without losing any.',
      tags,
      responses: { 200: WebhookEndpointWithSecret },
    }),
    valid('param', IdParams),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock, secrets } = c.var.deps;
      const { id } = c.req.valid('param');
      const before = await loadEndpoint(c, id);
      const secret = newWebhookSecret();
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(webhookEndpoints)
          .set({
            secretSealed: secrets.seal(secret),
            previousSecretSealed: before.secretSealed,
            previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
            updatedAt: now,
          })
          .where(eq(webhookEndpoints.id, id))
          .returning();
        await audit(c, 'webhook.secret_rotated', { type: 'webhook_endpoint', id }, { urlHint: before.urlHint }, { db: tx });
        return updated!;
      });
      return c.json({ ...toEndpoint(row), secret });
    },
  )
  .get(
    '/:id/deliveries',
    describe({ summary: "An endpoint's delivery log, newest first, with every attempt (admins)", tags, responses: { 200: WebhookDeliveryPage } }),
    valid('param', IdParams),
    valid('query', WebhookDeliveryQuery),
    async (c) => {
      requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      const { page, pageSize } = c.req.valid('query');
      await loadEndpoint(c, id);
      const { total, rows } = await listDeliveries(c.var.deps.db, id, page, pageSize);
      return c.json({
        data: rows.map((r) => ({
          id: r.delivery.id,
          eventId: r.delivery.eventId,
          eventType: r.eventType,
          status: r.delivery.status,
          attempts: r.delivery.attempts,
          nextAttemptAt: iso(r.delivery.nextAttemptAt),
          lastStatusCode: r.delivery.lastStatusCode,
          createdAt: r.delivery.createdAt.toISOString(),
          attemptLog: r.attempts.map((a) => ({
            id: a.id,
            trigger: a.trigger as 'scheduled' | 'replay' | 'test',
            attemptedAt: a.attemptedAt.toISOString(),
            statusCode: a.statusCode,
            durationMs: a.durationMs,
            responseExcerpt: a.responseExcerpt,
            error: a.error,
          })),
        })),
        page,
        pageSize,
        total,
      });
    },
  )
  .post(
    '/:id/deliveries/:deliveryId/replay',
    describe({
      summary: 'Send one delivery again now, with the same webhook-id and body (admins)',
      description: 'Queued at once; the attempt appears in the log with trigger `replay`. No new event is created.',
      tags,
      responses: { 202: z.object({ queued: z.literal(true) }) },
    }),
    valid('param', WebhookDeliveryParams),
    async (c) => {
      requireRole(c, 'admin');
      const { id, deliveryId } = c.req.valid('param');
      await loadEndpoint(c, id);
      if (!(await getDelivery(c.var.deps.db, id, deliveryId))) throw notFound('delivery');
      await c.var.deps.jobs.enqueue(DELIVER_WEBHOOKS, { replayDeliveryId: deliveryId }, { singletonKey: `replay:${deliveryId}` });
      return c.json({ queued: true as const }, 202);
    },
  )
  .post(
    '/:id/test',
    describe({
      summary: 'Send a `webhook.test` event to this endpoint only (admins)',
      tags,
      responses: { 202: z.object({ eventId: z.string(), deliveryId: z.uuid() }) },
    }),
    valid('param', IdParams),
    async (c) => {
      requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      const endpoint = await loadEndpoint(c, id);
      const { eventId, deliveryId } = await sendToOneEndpoint(c.var.deps, id, {
        type: TEST_EVENT_TYPE,
        payload: { message: 'A test event from Keypulse: your endpoint receives and verifies our deliveries.', endpoint: { id: endpoint.id } },
      });
      return c.json({ eventId, deliveryId }, 202);
    },
  );
