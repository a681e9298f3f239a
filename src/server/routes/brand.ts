import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { findLogo } from '../services/settings.js';
import { accentStylesheet } from '../domain/brand.js';

/**
 * The uploaded logo, public (survey pages and emails show it to people who are not signed in). The address holds
 * the start of the logo's SHA-256, so the bytes behind one address never change: browsers and mail proxies may
 * keep it for a year without asking again, and a replaced logo's old address is a 404.
 */
export const brandRoutes = new Hono<AppEnv>()
  .get('/brand/:file{accent-[0-9a-f]{6}\\.css}', (c) => {
    const accent = `#${c.req.param('file').slice(7, 13)}`;
    return c.body(accentStylesheet(accent), 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
  })
  .get('/brand/:file{logo-[0-9a-f]{16}\\.(?:png|jpg|webp)}', async (c) => {
  const [, hash, extension] = /^logo-([0-9a-f]{16})\.(\w+)$/.exec(c.req.param('file'))!;
  const { db, config, clock } = c.var.deps;
  const found = await findLogo(db, config, hash!, extension!, clock.now().getTime());
  if (!found) return c.body('not found', 404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  return c.body(new Uint8Array(found.bytes), 200, {
    'content-type': found.logo.contentType,
    'content-length': String(found.bytes.length),
    'cache-control': 'public, max-age=31536000, immutable',
    etag: `"${found.logo.sha256.slice(0, 32)}"`,
    // Served as exactly what it was checked to be, never sniffed into something else, and inert if opened on its own.
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'cross-origin',
  });
});
