import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { describe, valid } from '../http/validate.js';
import { requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { readSettings, saveSettings } from '../services/settings.js';
import { Settings, UpdateSettings } from '../../shared/schemas/settings.js';

export const settingsRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'Installation settings (admins and executives): sender, time zone, survey frequency window',
      description: 'Each value starts as its environment variable; `sources` tells which ones an admin changed here.',
      tags: ['Settings'],
      responses: { 200: Settings },
    }),
    async (c) => {
      requireRole(c, 'admin', 'executive');
      return c.json(await readSettings(c.var.deps.db, c.var.deps.config));
    },
  )
  .patch(
    '/',
    describe({
      summary: 'Change settings (admin); `null` goes back to the environment value. Takes effect at once.',
      tags: ['Settings'],
      responses: { 200: Settings },
    }),
    valid('json', UpdateSettings),
    async (c) => {
      requireRole(c, 'admin');
      const { db, config, clock } = c.var.deps;
      const changes = c.req.valid('json');
      const saved = await saveSettings(db, config, changes, clock.now());
      await audit(c, 'settings.changed', null, { keys: Object.keys(changes) });
      return c.json(saved);
    },
  );
