import { Hono } from 'hono';
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import type { AppEnv, AuthContext } from '../http/context.js';
import { AppError, invalid, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { adminScopeNeeded, hasAdminPowers, requireAuth } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { webhookEndpoints } from '../db/schema/index.js';
import type { WebhookEndpointRow } from '../db/queries/webhooks.js';
import { cancelPendingDeliveries, guardFor } from '../integrations/delivery/engine.js';
import { checkWebhookUrl, type PrivateAllowList } from '../integrations/delivery/ssrf.js';
import { listChatChannels, sendChatTest } from '../services/chat-alerts.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  ChatChannel,
  ChatChannelList,
  ChatChannelTestSent,
  CreateChatChannel,
  UpdateChatChannel,
  type ChatEventType,
} from '../../shared/schemas/chat-channels.js';

/*
 * Slack and Microsoft Teams channels (issue 15). Installation channels (user_id null) hear every account and are
 * managed by admins; anyone signed in may add channels of their own, which hear only the accounts they own. Someone
 * else's channel does not exist for you (404), whatever your role. The URL is a credential: stored sealed, shown
 * only as a hint. Messages are sent by the delivery engine from the queue.
 */

/** Enough for a person's channels (a Slack and a Teams one per team they work with); a typo loop cannot fill the table. */
const MAX_CHANNELS_PER_OWNER = 20;

/** What may be shown of the URL: scheme, host and the last four characters (the path of a webhook URL is its secret). */
function urlHint(raw: string): string {
  const url = new URL(raw);
  const rest = `${url.pathname}${url.search}`.replace(/^\/$/, '');
  if (!rest) return `${url.protocol}//${url.host}`;
  return rest.length <= 4 ? `${url.protocol}//${url.host}${rest}` : `${url.protocol}//${url.host}/…${rest.slice(-4)}`;
}

/** The host is named in KEYPULSE_WEBHOOK_ALLOW_PRIVATE: by name, or as an address inside one of its blocks. */
function hostExplicitlyAllowed(hostname: string, allow: PrivateAllowList): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (allow.hosts.has(host)) return true;
  if (!ipaddr.isValid(host)) return false;
  const address = ipaddr.process(host);
  return allow.cidrs.some(([network, bits]) => address.kind() === network.kind() && address.match(network as never, bits));
}

/**
 * A chat webhook URL must be https: it is a credential, and Slack and Teams only hand out https ones. Plain http is
 * accepted only for a host the installation allows on its private network (a self-hosted bridge, a test receiver).
 * Then the SSRF guard's registration check (the engine checks again at connect time).
 */
async function checkChatUrl(raw: string, allow: PrivateAllowList): Promise<void> {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !hostExplicitlyAllowed(url.hostname, allow)) {
    throw invalid('url', 'must start with https:// (plain http only for a host allowed in KEYPULSE_WEBHOOK_ALLOW_PRIVATE)');
  }
  const problem = await checkWebhookUrl(raw, allow);
  if (problem) throw invalid('url', problem);
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toChannel(row: WebhookEndpointRow): ChatChannel {
  return {
    id: row.id,
    format: row.format as 'slack' | 'teams',
    scope: row.userId === null ? 'installation' : 'mine',
    urlHint: row.urlHint,
    description: row.description,
    events: row.eventTypes as ChatEventType[],
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    lastSuccessAt: iso(row.lastSuccessAt),
    failingSince: iso(row.failingSince),
    userId: row.userId,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The channel if this caller manages it: their own, or (admins) an installation channel. Anything else — another
 * person's channel, an installation channel for a non-admin, a Standard Webhooks endpoint — is not found.
 */
async function findManagedChannel(c: { var: AppEnv['Variables'] }, auth: AuthContext, id: string): Promise<WebhookEndpointRow> {
  const [row] = await c.var.deps.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), inArray(webhookEndpoints.format, ['slack', 'teams'])));
  if (!row) throw notFound('chat channel');
  const mine = row.userId !== null && row.userId === auth.user.id;
  const installation = row.userId === null && hasAdminPowers(auth);
  if (!mine && !installation) throw notFound('chat channel');
  return row;
}

export const chatChannelRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'List Slack and Teams channels: your own, and (admins) the installation channels',
      tags: ['Chat channels'],
      responses: { 200: ChatChannelList },
    }),
    async (c) => {
      const auth = requireAuth(c);
      const rows = await listChatChannels(c.var.deps.db, { installation: hasAdminPowers(auth), userId: auth.user.id });
      return c.json({ data: rows.map(toChannel) });
    },
  )
  .post(
    '/',
    describe({
      summary: 'Add a Slack or Teams channel (an incoming-webhook URL)',
      description:
        '`scope: installation` (admins only) hears every account; `mine` hears only the accounts you own. The URL must ' +
        'be https and is never shown again (only `urlHint`). Events: `detractor.alert`, `risk.summary`.',
      tags: ['Chat channels'],
      responses: { 201: ChatChannel },
    }),
    valid('json', CreateChatChannel),
    async (c) => {
      const auth = requireAuth(c);
      const body = c.req.valid('json');
      const { db, clock, secrets } = c.var.deps;
      if (body.scope === 'installation' && !hasAdminPowers(auth)) {
        if (auth.user.role === 'admin') throw adminScopeNeeded();
        throw new AppError('forbidden', 'only admins may add installation channels; add one of your own instead (scope "mine")');
      }
      await checkChatUrl(body.url, guardFor(c.var.deps).allow);
      const userId = body.scope === 'installation' ? null : auth.user.id;
      const [owned] = await db
        .select({ n: count() })
        .from(webhookEndpoints)
        .where(and(inArray(webhookEndpoints.format, ['slack', 'teams']), userId === null ? isNull(webhookEndpoints.userId) : eq(webhookEndpoints.userId, userId)));
      if ((owned?.n ?? 0) >= MAX_CHANNELS_PER_OWNER) throw new AppError('conflict', `at most ${MAX_CHANNELS_PER_OWNER} channels; remove one first`);
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(webhookEndpoints)
          .values({
            format: body.format,
            urlSealed: secrets.seal(body.url),
            urlHint: urlHint(body.url),
            description: body.description,
            eventTypes: body.events,
            userId,
            createdBy: auth.user.id,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await audit(c, 'chat_channel.created', { type: 'chat_channel', id: inserted!.id }, { format: body.format, scope: body.scope, urlHint: inserted!.urlHint, events: body.events }, { db: tx });
        return inserted!;
      });
      return c.json(toChannel(row), 201);
    },
  )
  .patch(
    '/:id',
    describe({ summary: 'Change the events a channel hears, or turn it off and on', tags: ['Chat channels'], responses: { 200: ChatChannel } }),
    valid('param', IdParams),
    valid('json', UpdateChatChannel),
    async (c) => {
      const auth = requireAuth(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const found = await findManagedChannel(c, auth, id);
      const now = c.var.deps.clock.now();
      const changes: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: now };
      if (body.events !== undefined) changes.eventTypes = body.events;
      if (body.description !== undefined) changes.description = body.description;
      if (body.enabled !== undefined && body.enabled !== found.enabled) {
        Object.assign(
          changes,
          body.enabled
            ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null }
            : { enabled: false, disabledReason: 'manual', disabledAt: now },
        );
      }
      const row = await c.var.deps.db.transaction(async (tx) => {
        const [updated] = await tx.update(webhookEndpoints).set(changes).where(eq(webhookEndpoints.id, id)).returning();
        // Switched off: what it still had to send is dropped, not sent later when it is switched back on.
        if (changes.enabled === false) await cancelPendingDeliveries(tx, id);
        await audit(c, 'chat_channel.changed', { type: 'chat_channel', id }, { events: updated!.eventTypes, enabled: updated!.enabled }, { db: tx });
        return updated!;
      });
      return c.json(toChannel(row));
    },
  )
  .delete(
    '/:id',
    describe({ summary: 'Remove a channel (what it still had to send is dropped)', tags: ['Chat channels'], responses: { 200: ChatChannel } }),
    valid('param', IdParams),
    async (c) => {
      const auth = requireAuth(c);
      const { id } = c.req.valid('param');
      const found = await findManagedChannel(c, auth, id);
      await c.var.deps.db.transaction(async (tx) => {
        await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
        await audit(c, 'chat_channel.deleted', { type: 'chat_channel', id }, { format: found.format, urlHint: found.urlHint }, { db: tx });
      });
      return c.json(toChannel(found));
    },
  )
  .post(
    '/:id/test',
    describe({
      summary: 'Send a sample detractor alert to this channel (through the delivery queue, like a real one)',
      tags: ['Chat channels'],
      responses: { 202: ChatChannelTestSent },
    }),
    valid('param', IdParams),
    async (c) => {
      const auth = requireAuth(c);
      const { id } = c.req.valid('param');
      const found = await findManagedChannel(c, auth, id);
      if (!found.enabled) throw new AppError('conflict', 'the channel is switched off; switch it on to send a test');
      const eventId = await sendChatTest(c.var.deps, found.id);
      return c.json({ eventId }, 202);
    },
  );
