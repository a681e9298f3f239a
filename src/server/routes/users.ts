import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { hashPassword } from '../auth/passwords.js';
import { isUniqueViolation } from '../db/errors.js';
import { getUser, insertUser, listColleagues, listUsers, lockActiveAdmins, toUser, updateUserRow } from '../db/queries/users.js';
import { deleteUserSessions } from '../db/queries/sessions.js';
import { generateToken } from '../auth/tokens.js';
import { assertNewPassword } from '../services/password-change.js';
import { RESET_LINK_MINUTES, assertResettable, issuePasswordReset, sendQueued } from '../services/password-reset.js';
import { PasswordResetAccepted } from '../../shared/schemas/password.js';
import { audit } from '../http/audit.js';
import { userChangeEvents } from '../domain/audit-events.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import { Colleague, ColleagueListQuery, CreateUser, UpdateUser, User, UserListQuery } from '../../shared/schemas/user.js';

const emailTaken = () => conflict('a user with this email already exists', 'email');

export const userRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({ summary: 'List users (admins and executives)', tags: ['Users'], responses: { 200: pageOf(User) } }),
    valid('query', UserListQuery),
    async (c) => {
      requireRole(c, 'admin', 'executive');
      const page = await listUsers(c.var.deps.db, c.req.valid('query'));
      return c.json({ ...page, data: page.data.map(toUser) });
    },
  )
  // Before '/:id', which would take "colleagues" for an id.
  .get(
    '/colleagues',
    describe({
      summary: 'List active colleagues by name (every signed-in user): names and roles only, for pickers',
      tags: ['Users'],
      responses: { 200: pageOf(Colleague) },
    }),
    valid('query', ColleagueListQuery),
    async (c) => {
      requireAuth(c);
      const page = await listColleagues(c.var.deps.db, c.req.valid('query'));
      return c.json({ ...page, data: page.data.map((u) => ({ id: u.id, name: u.name, role: u.role })) });
    },
  )
  .post(
    '/',
    describe({
      summary: 'Create a user (admin). Without a password, they get an email with a link to set their own',
      tags: ['Users'],
      responses: { 201: User },
    }),
    valid('json', CreateUser),
    async (c) => {
      const admin = requireRole(c, 'admin');
      const deps = c.var.deps;
      const { password, ...fields } = c.req.valid('json');
      if (password) await assertNewPassword(password, fields.email, 'password');
      // Without a password nobody can sign in with one until the emailed link sets it (an unguessable hash, so
      // sign-in takes the same time as for anyone).
      const passwordHash = await hashPassword(password ?? generateToken());
      const invite = !password && deps.config.passwordLogin;
      try {
        const { row, batchKey } = await deps.db.transaction(async (tx) => {
          const row = await insertUser(tx, { ...fields, passwordHash });
          await audit(c, 'user.created', { type: 'user', id: row.id }, { email: row.email, role: row.role }, { db: tx });
          if (!invite) return { row, batchKey: null };
          const batchKey = await issuePasswordReset(deps, tx, row, { kind: 'invite', sentBy: { id: admin.user.id, name: admin.user.name } });
          await audit(c, 'auth.password_reset_sent', { type: 'user', id: row.id }, { kind: 'invite' }, { db: tx });
          return { row, batchKey };
        });
        await sendQueued(deps, [batchKey]);
        return c.json(toUser(row), 201);
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken();
        throw error;
      }
    },
  )
  .get(
    '/:id',
    describe({ summary: 'Get a user (admins and executives)', tags: ['Users'], responses: { 200: User } }),
    valid('param', IdParams),
    async (c) => {
      requireRole(c, 'admin', 'executive');
      const row = await getUser(c.var.deps.db, c.req.valid('param').id);
      if (!row) throw notFound('user');
      return c.json(toUser(row));
    },
  )
  .patch(
    '/:id',
    describe({
      summary: 'Update a user (admin); role or disable changes sign the user out everywhere. Passwords are not set here: send a reset link',
      tags: ['Users'],
      responses: { 200: User },
    }),
    valid('param', IdParams),
    valid('json', UpdateUser),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock } = c.var.deps;
      const { id } = c.req.valid('param');
      const fields = c.req.valid('json');
      const existing = await getUser(db, id);
      if (!existing) throw notFound('user');

      const losesAdmin =
        existing.role === 'admin' && !existing.disabled && ((fields.role && fields.role !== 'admin') || fields.disabled);
      try {
        const row = await db.transaction(async (tx) => {
          if (losesAdmin && (await lockActiveAdmins(tx)) <= 1) {
            throw new AppError('conflict', 'this is the last active admin: promote another admin first');
          }
          const updated = await updateUserRow(tx, id, fields, clock.now());
          if (!updated) throw notFound('user');
          const credentialsChanged = (fields.role && fields.role !== existing.role) || fields.disabled === true;
          if (credentialsChanged) await deleteUserSessions(tx, id);
          for (const event of userChangeEvents(existing, updated, Object.keys(c.req.valid('json')))) {
            await audit(c, event.action, { type: 'user', id }, event.details, { db: tx });
          }
          return updated;
        });
        return c.json(toUser(row));
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken();
        throw error;
      }
    },
  )
  .post(
    '/:id/password-reset',
    describe({
      summary: 'Email a user a single-use link to choose a new password (admin); admins never type other people\'s passwords',
      tags: ['Users'],
      responses: { 202: PasswordResetAccepted },
    }),
    valid('param', IdParams),
    async (c) => {
      const admin = requireRole(c, 'admin');
      const deps = c.var.deps;
      const user = await getUser(deps.db, c.req.valid('param').id);
      if (!user) throw notFound('user');
      assertResettable(deps, user);
      const batchKey = await deps.db.transaction(async (tx) => {
        const key = await issuePasswordReset(deps, tx, user, { kind: 'reset', sentBy: { id: admin.user.id, name: admin.user.name } });
        await audit(c, 'auth.password_reset_sent', { type: 'user', id: user.id }, { kind: 'reset' }, { db: tx });
        return key;
      });
      await sendQueued(deps, [batchKey]);
      return c.json({ message: `We emailed ${user.name} a link to choose a new password. It works once, for ${RESET_LINK_MINUTES} minutes.` }, 202);
    },
  );
