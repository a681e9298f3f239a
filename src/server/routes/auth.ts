import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { SESSION_COOKIE, isSameOrigin, requireAuth } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import { burnPasswordCheck, verifyPassword } from '../auth/passwords.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { findUserByEmail, getUser, toUser } from '../db/queries/users.js';
import { deleteSession, insertSession } from '../db/queries/sessions.js';
import { LoginRequest, Me } from '../../shared/schemas/auth.js';

export const authRoutes = new Hono<AppEnv>()
  .post(
    '/login',
    describe({
      summary: 'Sign in with email and password; sets the session cookie',
      tags: ['Auth'],
      public: true,
      responses: { 200: Me },
    }),
    valid('json', LoginRequest),
    async (c) => {
      const { db, clock, config, loginThrottle } = c.var.deps;
      // A login form on another site must not sign a visitor into an attacker's account.
      if (c.req.header('origin') && !isSameOrigin(c)) throw new AppError('forbidden', 'cross-site sign-in blocked');
      const { email, password } = c.req.valid('json');
      const throttleKey = `${email}|${clientIp(c)}`;
      const wait = loginThrottle.retryAfterSeconds(throttleKey);
      if (wait > 0) {
        throw new AppError(
          'rate_limited',
          `too many failed sign-ins for this email; try again in ${Math.ceil(wait / 60)} minute(s)`,
          undefined,
          { 'Retry-After': String(wait) },
        );
      }

      const user = await findUserByEmail(db, email);
      const ok = user && !user.disabled ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
      if (!user || !ok) {
        loginThrottle.recordFailure(throttleKey);
        throw new AppError('unauthorized', 'the email or password is incorrect');
      }
      loginThrottle.reset(throttleKey);

      const now = clock.now();
      const token = generateToken();
      const expiresAt = new Date(now.getTime() + config.sessionTtlMs);
      await insertSession(db, {
        tokenHash: hashToken(token),
        userId: user.id,
        expiresAt,
        userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
        now,
      });
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: config.cookieSecure,
        path: '/',
        maxAge: Math.floor(config.sessionTtlMs / 1000),
      });
      return c.json({ user: toUser(user), authenticatedBy: 'session' as const });
    },
  )
  .post('/logout', describe({ summary: 'Sign out: revokes the session', tags: ['Auth'] }), async (c) => {
    const auth = requireAuth(c);
    if (auth.sessionId) await deleteSession(c.var.deps.db, auth.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

export const meRoutes = new Hono<AppEnv>().get(
  '/',
  describe({ summary: 'The signed-in user', tags: ['Auth'], responses: { 200: Me } }),
  async (c) => {
    const auth = requireAuth(c);
    const user = await getUser(c.var.deps.db, auth.user.id);
    if (!user) throw new AppError('unauthorized', 'sign in again');
    return c.json({ user: toUser(user), authenticatedBy: auth.via === 'session' ? 'session' : 'api_key' });
  },
);
