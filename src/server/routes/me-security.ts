import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../http/context.js';
import { AppError, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { SESSION_COOKIE, requireAuth } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { deleteOwnSession, listLiveSessions } from '../db/queries/sessions.js';
import { describeDevice } from '../domain/device.js';
import { changeOwnPassword } from '../services/password-change.js';
import { IdParams } from '../../shared/schemas/common.js';
import { ChangePassword } from '../../shared/schemas/password.js';
import { UserSessionList } from '../../shared/schemas/session.js';

/** Passwords and sessions belong to a person at a browser: an API key can neither change nor list them. */
function requireSession(c: Context<AppEnv>) {
  const auth = requireAuth(c);
  if (auth.via !== 'session' || !auth.sessionId) throw new AppError('forbidden', 'sign in with a browser session for this: API keys cannot manage passwords or sessions');
  return { user: auth.user, sessionId: auth.sessionId };
}

/** The signed-in user's own password and sessions. Mounted at /api/me. */
export const meSecurityRoutes = new Hono<AppEnv>()
  .post(
    '/password',
    describe({ summary: 'Change your own password (checks the current one); your other sessions are signed out', tags: ['Auth'] }),
    valid('json', ChangePassword),
    async (c) => {
      const { user, sessionId } = requireSession(c);
      await changeOwnPassword(c.var.deps, { userId: user.id, sessionId }, c.req.valid('json'), (db, changed, signedOut) =>
        audit(c, 'auth.password_changed', { type: 'user', id: changed.id }, { otherSessionsEnded: signedOut }, { db }),
      );
      return c.body(null, 204);
    },
  )
  .get(
    '/sessions',
    describe({ summary: 'Your live sessions: device, address, when opened and last used; the current one is marked', tags: ['Auth'], responses: { 200: UserSessionList } }),
    async (c) => {
      const { user, sessionId } = requireSession(c);
      const { db, clock, config } = c.var.deps;
      const rows = await listLiveSessions(db, user.id, clock.now(), config.sessionMaxMs);
      return c.json({
        data: rows.map((s) => ({
          id: s.id,
          device: describeDevice(s.userAgent),
          address: s.ip,
          createdAt: s.createdAt.toISOString(),
          lastUsedAt: s.lastSeenAt.toISOString(),
          current: s.id === sessionId,
        })),
      });
    },
  )
  .delete(
    '/sessions/:id',
    describe({ summary: "Sign out one of your sessions (another person's session id is a 404)", tags: ['Auth'] }),
    valid('param', IdParams),
    async (c) => {
      const { user, sessionId } = requireSession(c);
      const { id } = c.req.valid('param');
      await c.var.deps.db.transaction(async (tx) => {
        if (!(await deleteOwnSession(tx, user.id, id))) throw notFound('session');
        await audit(c, 'auth.session_revoked', { type: 'session', id }, { current: id === sessionId }, { db: tx });
      });
      if (id === sessionId) deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );
