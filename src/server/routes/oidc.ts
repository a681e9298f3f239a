import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { setSessionCookie } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { clientIp } from '../http/client-ip.js';
import { safeNext } from '../http/return-path.js';
import { openSession } from '../services/open-session.js';
import { OIDC_CALLBACK_PATH, beginSsoSignIn, finishSsoSignIn, type SsoFlow } from '../services/oidc.js';
import { resolveSsoUser } from '../services/sso-users.js';
import type { UserRow } from '../db/queries/users.js';
import type { SsoFailure } from '../../shared/schemas/sso.js';

/**
 * Single sign-on pages: /auth/oidc/start sends the browser to the provider, /auth/oidc/callback takes it back.
 * The flow's secrets travel in a cookie only the callback receives, so any web process can finish what another
 * started. Every refusal goes back to the sign-in page with a reason code: never an error page.
 */

const FLOW_COOKIE = 'kp_oidc';
/** Long enough to type a password and answer a second factor at the provider. */
const FLOW_MAX_AGE_SECONDS = 10 * 60;

const FlowCookie = z.object({
  state: z.string().min(22).max(200),
  nonce: z.string().min(22).max(200),
  codeVerifier: z.string().min(43).max(128),
  returnTo: z.string().max(2000),
});

const encodeFlow = (flow: SsoFlow) => Buffer.from(JSON.stringify(flow)).toString('base64url');

function decodeFlow(value: string | undefined): SsoFlow | null {
  if (!value) return null;
  try {
    const parsed = FlowCookie.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? { ...parsed.data, returnTo: safeNext(parsed.data.returnTo) } : null;
  } catch {
    return null;
  }
}

async function refuse(
  c: Context<AppEnv>,
  reason: SsoFailure,
  extra: { error?: string; user?: UserRow; email?: string; returnTo?: string } = {},
) {
  const { user, email, error, returnTo } = extra;
  c.var.deps.logger.warn('single sign-on refused', { requestId: c.var.requestId, reason, error, userId: user?.id });
  // Without a flow cookie nobody started a sign-in from this browser (a bookmark, the back button): nothing to record.
  if (reason !== 'expired') {
    await audit(
      c,
      'auth.sso_sign_in_failed',
      user ? { type: 'user', id: user.id } : null,
      { reason, ...(error && { error }), ...(!user && email && { email }) },
      { actor: user ? { id: user.id, email: user.email } : null, via: 'oidc' },
    );
  }
  const next = returnTo && returnTo !== '/' ? `&next=${encodeURIComponent(returnTo)}` : '';
  return c.redirect(`/signin?error=${reason}${next}`, 303);
}

export const oidcRoutes = new Hono<AppEnv>()
  .get('/start', async (c) => {
    const { config } = c.var.deps;
    if (!config.oidc) return c.notFound();
    const returnTo = safeNext(c.req.query('returnTo'));
    const started = await beginSsoSignIn(config.oidc, config.publicUrl, returnTo);
    if (!started.ok) return refuse(c, started.reason, { error: started.error, returnTo });
    setCookie(c, FLOW_COOKIE, encodeFlow(started.flow), {
      httpOnly: true,
      // Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
      sameSite: 'Lax',
      secure: config.cookieSecure,
      path: OIDC_CALLBACK_PATH,
      maxAge: FLOW_MAX_AGE_SECONDS,
    });
    c.header('cache-control', 'no-store');
    return c.redirect(started.url.href, 302);
  })
  .get('/callback', async (c) => {
    const deps = c.var.deps;
    const { config } = deps;
    if (!config.oidc) return c.notFound();
    c.header('cache-control', 'no-store');
    const flow = decodeFlow(getCookie(c, FLOW_COOKIE));
    // Single use: whatever happens next, this browser must start again for another attempt.
    deleteCookie(c, FLOW_COOKIE, { path: OIDC_CALLBACK_PATH, secure: config.cookieSecure, httpOnly: true, sameSite: 'Lax' });
    if (!flow) return refuse(c, 'expired');

    // The redirect_uri the provider knows is the public address, whatever address this process was reached by.
    const callbackUrl = new URL(`${config.publicUrl}${OIDC_CALLBACK_PATH}`);
    callbackUrl.search = new URL(c.req.url).search;
    const proven = await finishSsoSignIn(config.oidc, callbackUrl, flow);
    if (!proven.ok) return refuse(c, proven.reason, { error: proven.error, returnTo: flow.returnTo });

    const found = await resolveSsoUser(deps, config.oidc, proven.identity);
    if (!found.ok) return refuse(c, found.reason, { user: found.user, email: found.email, returnTo: flow.returnTo });
    const { user } = found;
    const actor = { id: user.id, email: user.email };
    const target = { type: 'user', id: user.id };
    if (found.matchedBy === 'created') {
      await audit(c, 'user.created', target, { via: 'oidc', role: user.role }, { actor, via: 'oidc' });
    }
    const { token } = await openSession(deps, user.id, { ip: clientIp(c), userAgent: c.req.header('user-agent') ?? null });
    setSessionCookie(c, token);
    await audit(c, 'auth.sso_sign_in', target, { matchedBy: found.matchedBy }, { actor, via: 'oidc' });
    return c.redirect(flow.returnTo, 303);
  });
