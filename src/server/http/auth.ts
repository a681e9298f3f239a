import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { AppError } from './errors.js';
import type { Actor, AppEnv, AuthContext } from './context.js';
import { hashToken } from '../auth/tokens.js';
import { extendSession, findLiveSession } from '../db/queries/sessions.js';
import { findLiveApiKey, touchApiKey } from '../db/queries/api-keys.js';
import type { Role } from '../../shared/schemas/user.js';

export const SESSION_COOKIE = 'kp_session';
export const API_KEY_PREFIX = 'kp_live_';

const toActor = (u: { id: string; role: Role; email: string; name: string }): Actor => ({
  id: u.id,
  role: u.role,
  email: u.email,
  name: u.name,
});

/** Resolves the caller from a Bearer API key or the session cookie; never rejects by itself. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, clock, config } = c.var.deps;
  const now = clock.now();
  let auth: AuthContext | null = null;

  const header = c.req.header('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const found = match ? await findLiveApiKey(db, hashToken(match[1]!)) : undefined;
    if (!found) throw new AppError('unauthorized', 'the API key is missing, malformed or revoked');
    // Last-used is informative; updating it at most once a minute keeps hot keys from writing on every call.
    if (!found.key.lastUsedAt || now.getTime() - found.key.lastUsedAt.getTime() > 60_000) {
      await touchApiKey(db, found.key.id, now);
    }
    auth = { user: toActor(found.user), via: 'api_key' };
  } else {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const found = await findLiveSession(db, hashToken(token), now);
      if (found) {
        auth = { user: toActor(found.user), via: 'session', sessionId: found.session.id };
        const remaining = found.session.expiresAt.getTime() - now.getTime();
        if (remaining < config.sessionTtlMs / 2) {
          await extendSession(db, found.session.id, now, new Date(now.getTime() + config.sessionTtlMs));
        }
      }
    }
  }
  c.set('auth', auth);
  await next();
};

export function requireAuth(c: Context<AppEnv>): AuthContext {
  const auth = c.var.auth;
  if (!auth) throw new AppError('unauthorized', 'sign in or send an API key');
  return auth;
}

export function requireRole(c: Context<AppEnv>, ...roles: Role[]): AuthContext {
  const auth = requireAuth(c);
  if (!roles.includes(auth.user.role)) throw new AppError('forbidden', `this needs the ${roles.join(' or ')} role`);
  return auth;
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence for cookie-authenticated changes: the browser must say the request comes from our own origin.
 * Browsers send Origin on every non-GET request; API-key requests carry no ambient credentials and are exempt.
 */
export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (unsafeMethods.has(c.req.method) && !c.req.header('authorization') && getCookie(c, SESSION_COOKIE)) {
    if (!isSameOrigin(c)) {
      throw new AppError('forbidden', 'cross-site request blocked: send the Origin header of this site');
    }
  }
  await next();
};

export function isSameOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin');
  if (!origin) return c.req.header('sec-fetch-site') === 'same-origin';
  const allowed = new Set([new URL(c.req.url).origin, new URL(c.var.deps.config.publicUrl).origin]);
  return allowed.has(origin);
}

/** The session cookie: HttpOnly (no script can read it), SameSite=Lax, Secure on https. */
export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  const { config } = c.var.deps;
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: config.cookieSecure,
    path: '/',
    maxAge: Math.floor(config.sessionTtlMs / 1000),
  });
}
