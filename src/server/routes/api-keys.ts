import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { API_KEY_PREFIX, requireRole } from '../http/auth.js';
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
      summary: 'Create an API key (admin). The key acts as its creator and is shown only in this response.',
      tags: ['API keys'],
      responses: { 201: CreatedApiKey },
    }),
    valid('json', CreateApiKey),
    async (c) => {
      const auth = requireRole(c, 'admin');
      const key = generateToken(API_KEY_PREFIX);
      const row = await insertApiKey(c.var.deps.db, {
        name: c.req.valid('json').name,
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        keyHash: hashToken(key),
        userId: auth.user.id,
        now: c.var.deps.clock.now(),
      });
      return c.json({ ...toApiKey(row), key }, 201);
    },
  )
  .delete(
    '/:id',
    describe({ summary: 'Revoke an API key (admin)', tags: ['API keys'], responses: { 200: ApiKey } }),
    valid('param', IdParams),
    async (c) => {
      requireRole(c, 'admin');
      const row = await revokeApiKey(c.var.deps.db, c.req.valid('param').id, c.var.deps.clock.now());
      if (!row) throw notFound('API key');
      return c.json(toApiKey(row));
    },
  );
