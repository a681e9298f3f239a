import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { authenticate } from '../http/auth.js';
import { pageSecurityHeaders, renderPage } from '../http/html.js';
import { getClientAssets } from '../http/client-assets.js';
import { AppShellPage } from '../../client/pages/app-shell-page.js';
import { APP_SECTIONS } from '../../shared/app-routes.js';
import { LIVE_RELOAD_PATH, liveReloadStream } from '../dev/live-reload.js';

const appPaths = ['/', ...APP_SECTIONS.flatMap((section) => [`/${section}`, `/${section}/*`])];

/**
 * The workspace app (src/client/app): every app path gets the same shell, and the browser's router shows
 * the page. Signed-out visitors go to sign-in and come back to the page they asked for. What each role may
 * see is enforced by the API the pages call, not here.
 */
export const appPageRoutes = new Hono<AppEnv>()
  .get(LIVE_RELOAD_PATH, (c, next) => (c.var.deps.config.dev ? liveReloadStream(c) : next()))
  .on('GET', appPaths, pageSecurityHeaders, authenticate, async (c) => {
  const auth = c.var.auth;
  if (!auth) {
    const search = new URL(c.req.url).search;
    return c.redirect(`/signin?next=${encodeURIComponent(c.req.path + search)}`, 303);
  }
  const { id, email, name, role } = auth.user;
  const assets = (await getClientAssets()).app;
  const liveReload = c.var.deps.config.dev ? LIVE_RELOAD_PATH : undefined;
  return renderPage(c, <AppShellPage user={{ id, email, name, role }} installation={{ currency: c.var.deps.config.currency, companyName: c.var.deps.config.companyName }} assets={assets} liveReload={liveReload} />, 200, { 'cache-control': 'no-store' });
});
