import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { accountOwnerScope, canReadPasswordLinks, canViewAccount } from '../domain/permissions.js';
import { PASSWORD_RESET_PURPOSE } from '../db/queries/password-resets.js';
import { getMessage, listMessages, messageAccountOwner, type MessageRow } from '../db/queries/messages.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import { Message, MessageListQuery } from '../../shared/schemas/message.js';

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    kind: row.kind,
    campaignId: row.campaignId,
    invitationId: row.invitationId,
    to: row.toAddress,
    subject: row.subject,
    status: row.status,
    transport: row.transport,
    providerId: row.providerId,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    html: row.html,
    text: row.text,
  };
}

export const messageRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'The email log (newest first). With the local outbox transport each message keeps its full content.',
      tags: ['Messages'],
      responses: { 200: pageOf(Message) },
    }),
    valid('query', MessageListQuery),
    async (c) => {
      const auth = requireAuth(c);
      const page = await listMessages(c.var.deps.db, c.req.valid('query'), accountOwnerScope(auth.user), { passwordLinks: canReadPasswordLinks(auth) });
      return c.json({ ...page, data: page.data.map(toMessage) });
    },
  )
  .get(
    '/:id',
    describe({ summary: 'One email', tags: ['Messages'], responses: { 200: Message } }),
    valid('param', IdParams),
    async (c) => {
      const auth = requireAuth(c);
      const { user } = auth;
      const { db } = c.var.deps;
      const row = await getMessage(db, c.req.valid('param').id);
      if (!row) throw notFound('message');
      if (row.purpose === PASSWORD_RESET_PURPOSE && !canReadPasswordLinks(auth)) throw notFound('message');
      if (user.role === 'account_manager') {
        const ownerId = await messageAccountOwner(db, row.id);
        if (!ownerId || !canViewAccount(user, { ownerId })) throw notFound('message');
      }
      return c.json(toMessage(row));
    },
  );
