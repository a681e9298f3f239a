import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { invalid, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { API_KEY_PREFIX, requireAdminSession, requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { insertApiKey, listApiKeys, revokeApiKey, toApiKey } from '../db/queries/api-keys.js';
import { IdParams } from '../../shared/schemas/common.js';
import { ApiKey, CreateApiKey, CreatedApiKey } from '../../shared/schemas/auth.js';

export const apiKeyRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({ summary: 'List API keys (admin); secrets are never shown again', tags: ['API keys'], responses: { 200: z.object({ data: z.array(ApiKey) }) } }),
    async (c) => {
      requireRole(c, 'admin');
      const rows = await listApiKeys(c.var.deps.db);
      return c.json({ data: rows.map(toApiKey) });
    },
  )
  .post(
    '/',
    describe({
      summary: 'Create an API key (a signed-in admin; never with an API key). The key is shown only in this response.',
      description:
        'The key acts as its creator, narrowed by its scope: `read` (the default) only reads, `write` also changes data ' +
        'but nothing only admins may do, `admin` does what its creator could except manage API keys. ' +
        '`expiresAt` (optional, in the future) ends it by itself.',
      tags: ['API keys'],
      responses: { 201: CreatedApiKey },
    }),
    valid('json', CreateApiKey),
    async (c) => {
      const auth = requireAdminSession(c);
      const { db, clock } = c.var.deps;
      const body = c.req.valid('json');
      const now = clock.now();
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt <= now) throw invalid('expiresAt', 'must be in the future');
      const key = generateToken(API_KEY_PREFIX);
      const row = await db.transaction(async (tx) => {
        const inserted = await insertApiKey(tx, {
          name: body.name,
          prefix: key.slice(0, API_KEY_PREFIX.length + 6),
          keyHash: hashToken(key),
          userId: auth.user.id,
          scope: body.scope,
          expiresAt,
          now,
        });
        await audit(c, 'api_key.created', { type: 'api_key', id: inserted.id }, { name: inserted.name, scope: inserted.scope, expiresAt: inserted.expiresAt?.toISOString() ?? null }, { db: tx });
        return inserted;
      });
      return c.json({ ...toApiKey(row), key }, 201);
    },
  )
  .delete(
    '/:id',
    describe({ summary: 'Revoke an API key (a signed-in admin; never with an API key)', tags: ['API keys'], responses: { 200: ApiKey } }),
    valid('param', IdParams),
    async (c) => {
      requireAdminSession(c);
      const result = await c.var.deps.db.transaction(async (tx) => {
        const found = await revokeApiKey(tx, c.req.valid('param').id, c.var.deps.clock.now());
        if (found?.revoked) await audit(c, 'api_key.revoked', { type: 'api_key', id: found.row.id }, { name: found.row.name }, { db: tx });
        return found;
      });
      if (!result) throw notFound('API key');
      return c.json(toApiKey(result.row));
    },
  );
