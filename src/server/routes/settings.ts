import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { describe, valid } from '../http/validate.js';
import { requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { AppError } from '../http/errors.js';
import { limitBody } from '../http/body-limit.js';
import { readSettings, removeLogo, saveLogo, saveSettings } from '../services/settings.js';
import { LOGO_MAX_BYTES, Settings, UpdateSettings } from '../../shared/schemas/settings.js';

export const settingsRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'Installation settings (admins and executives): sender, time zone, survey frequency window, company name, accent colour, currency, logo',
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
  )
  .put(
    '/logo',
    describe({
      summary: 'Upload the logo (admin): the raw image as the body, Content-Type image/png, image/jpeg or image/webp, at most 100 KB',
      description:
        'The bytes are checked, not the declared type alone: anything but a real PNG, JPEG or WebP is refused with 415 (SVG too: it can carry script, and Gmail and Outlook do not show it). ' +
        'The logo is served publicly at a content-hashed address (`logo.url`) for survey pages and emails.',
      tags: ['Settings'],
      requestBody: {
        description: 'The image file as the raw body (PNG, JPEG or WebP, at most 100 KB)',
        content: Object.fromEntries(
          ['image/png', 'image/jpeg', 'image/webp'].map((type) => [type, { schema: { type: 'string', contentMediaType: type, maxLength: LOGO_MAX_BYTES } }]),
        ),
      },
      responses: { 200: Settings },
    }),
    limitBody({
      maxSize: LOGO_MAX_BYTES,
      onError: () => {
        throw new AppError('payload_too_large', `the logo is larger than ${LOGO_MAX_BYTES / 1024} KB`);
      },
    }),
    async (c) => {
      requireRole(c, 'admin');
      const { db, config, clock } = c.var.deps;
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const saved = await saveLogo(db, config, bytes, type, clock.now());
      if (!saved.ok) throw new AppError(saved.code, saved.message);
      await audit(c, 'settings.changed', null, { keys: ['logo'], sha256: saved.logo.sha256, bytes: saved.logo.bytes });
      return c.json(await readSettings(db, config));
    },
  )
  .delete(
    '/logo',
    describe({ summary: 'Remove the logo (admin): survey pages and emails show the company name alone', tags: ['Settings'], responses: { 200: Settings } }),
    async (c) => {
      requireRole(c, 'admin');
      const { db, config, clock } = c.var.deps;
      await removeLogo(db, config, clock.now());
      await audit(c, 'settings.changed', null, { keys: ['logo'], removed: true });
      return c.json(await readSettings(db, config));
    },
  );
