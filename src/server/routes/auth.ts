import { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { SESSION_COOKIE, isSameOrigin, requireAuth, setSessionCookie } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { getUser, toUser } from '../db/queries/users.js';
import { deleteSession } from '../db/queries/sessions.js';
import { signInFromRequest } from '../services/sign-in.js';
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
      // A login form on another site must not sign a visitor into an attacker's account.
      if (c.req.header('origin') && !isSameOrigin(c)) throw new AppError('forbidden', 'cross-site sign-in blocked');
      if (!c.var.deps.config.passwordLogin) throw new AppError('forbidden', 'password sign-in is turned off on this server; sign in with single sign-on');
      const { email, password } = c.req.valid('json');
      const outcome = await signInFromRequest(c, { email, password });
      if (!outcome.ok) throw outcome.error;
      setSessionCookie(c, outcome.token);
      return c.json({ user: toUser(outcome.user), authenticatedBy: 'session' as const });
    },
  )
  .post('/logout', describe({ summary: 'Sign out: revokes the session', tags: ['Auth'] }), async (c) => {
    const auth = requireAuth(c);
    if (auth.sessionId) {
      await deleteSession(c.var.deps.db, auth.sessionId);
      await audit(c, 'auth.sign_out', { type: 'session', id: auth.sessionId });
    }
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
