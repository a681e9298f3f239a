import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { AppError } from './errors.js';
import type { Actor, AppEnv, AuthContext } from './context.js';
import { hashToken } from '../auth/tokens.js';
import { findLiveSession, renewSessionRow } from '../db/queries/sessions.js';
import { initialExpiry, renewSession } from '../domain/session-lifetime.js';
import { findExpiredApiKey, findLiveApiKey, touchApiKey } from '../db/queries/api-keys.js';
import type { Role } from '../../shared/schemas/user.js';

export const SESSION_COOKIE = 'kp_session';
export const API_KEY_PREFIX = 'kp_live_';

const toActor = (u: { id: string; role: Role; email: string; name: string }): Actor => ({
  id: u.id,
  role: u.role,
  email: u.email,
  name: u.name,
});

const readMethods = new Set(['GET', 'HEAD']);
const touchpointPost = /^\/api\/accounts\/[0-9a-f-]{36}\/touchpoints\/?$/i;
const pulsePost = /^\/api\/pulses\/?$/;

/**
 * Resolves the caller from a Bearer API key or the session cookie. Rejects only a key that does not work
 * (401) and a read-only key asked to change something (403), so no route can forget the read scope.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, clock, config } = c.var.deps;
  const now = clock.now();
  let auth: AuthContext | null = null;

  const header = c.req.header('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const keyHash = match ? hashToken(match[1]!) : null;
    const found = keyHash ? await findLiveApiKey(db, keyHash, now) : undefined;
    if (!found) {
      const expiredAt = keyHash ? await findExpiredApiKey(db, keyHash, now) : undefined;
      if (expiredAt) throw new AppError('unauthorized', `this API key expired on ${expiredAt.toISOString()}; an admin can create a new one`);
      throw new AppError('unauthorized', 'the API key is missing, malformed or revoked');
    }
    // Last-used is informative; updating it at most once a minute keeps hot keys from writing on every call.
    if (!found.key.lastUsedAt || now.getTime() - found.key.lastUsedAt.getTime() > 60_000) {
      await touchApiKey(db, found.key.id, now);
    }
    auth = { user: toActor(found.user), via: 'api_key', scope: found.key.scope };
    if (found.key.scope === 'read' && !readMethods.has(c.req.method)) {
      throw new AppError('forbidden', 'this API key can only read (GET); create a key with the write scope to change data');
    }
    // An integration's key (a calendar, a CRM) that can only log touchpoints, and nothing else — not even read.
    if (found.key.scope === 'touchpoints:write' && !(c.req.method === 'POST' && touchpointPost.test(c.req.path))) {
      throw new AppError('forbidden', 'this API key can only log touchpoints (POST /api/accounts/{id}/touchpoints)');
    }
    // A delivery or ticketing system's key that can only post pulses (events that send a short survey later).
    if (found.key.scope === 'pulses:write' && !(c.req.method === 'POST' && pulsePost.test(c.req.path))) {
      throw new AppError('forbidden', 'this API key can only post pulses (POST /api/pulses)');
    }
  } else {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const life = { ttlMs: config.sessionTtlMs, maxMs: config.sessionMaxMs };
      const found = await findLiveSession(db, hashToken(token), now, life.maxMs);
      if (found) {
        auth = { user: toActor(found.user), via: 'session', sessionId: found.session.id };
        const renewal = renewSession(found.session, now, life);
        if (renewal) await renewSessionRow(db, found.session.id, renewal);
        // The browser keeps the cookie as long as the server keeps the session, and no longer.
        if (renewal?.expiresAt) setSessionCookie(c, token, renewal.expiresAt);
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

/** A route that only admins may use needs the admin scope when the admin sends an API key. */
export function requireRole(c: Context<AppEnv>, ...roles: Role[]): AuthContext {
  const auth = requireAuth(c);
  if (!roles.includes(auth.user.role)) throw new AppError('forbidden', `this needs the ${roles.join(' or ')} role`);
  if (roles.every((r) => r === 'admin') && !hasAdminPowers(auth)) throw adminScopeNeeded();
  return auth;
}

/**
 * Whether the caller may do what only admins may: an admin signed in, or an admin's key with the admin scope.
 * Inline admin-only checks use this instead of `role === 'admin'`, so a read or write key cannot slip past them.
 */
export function hasAdminPowers(auth: AuthContext): boolean {
  return auth.user.role === 'admin' && (auth.via !== 'api_key' || auth.scope === 'admin');
}

export const adminScopeNeeded = () =>
  new AppError('forbidden', 'only admins may do this, and an API key needs the admin scope for it');

/** Managing API keys takes a signed-in admin: a key, however scoped, cannot mint or revoke keys. */
export function requireAdminSession(c: Context<AppEnv>): AuthContext {
  const auth = requireAuth(c);
  if (auth.via === 'api_key') throw new AppError('forbidden', 'API keys cannot create or revoke API keys; sign in as an admin');
  return requireRole(c, 'admin');
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

/**
 * The session cookie: HttpOnly (no script can read it), SameSite=Lax, Secure on https. It lasts until the
 * session's end (`expiresAt`; a new session's when not given).
 */
export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt?: Date): void {
  const { config, clock } = c.var.deps;
  const now = clock.now();
  const end = expiresAt ?? initialExpiry(now, { ttlMs: config.sessionTtlMs, maxMs: config.sessionMaxMs });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: config.cookieSecure,
    path: '/',
    maxAge: Math.max(0, Math.floor((end.getTime() - now.getTime()) / 1000)),
  });
}
