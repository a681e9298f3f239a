import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { hashPassword } from '../auth/passwords.js';
import { isUniqueViolation } from '../db/errors.js';
import { getUser, insertUser, listColleagues, listUsers, lockActiveAdmins, toUser, updateUserRow } from '../db/queries/users.js';
import { deleteUserSessions } from '../db/queries/sessions.js';
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
    describe({ summary: 'Create a user (admin)', tags: ['Users'], responses: { 201: User } }),
    valid('json', CreateUser),
    async (c) => {
      requireRole(c, 'admin');
      const { password, ...fields } = c.req.valid('json');
      try {
        const row = await insertUser(c.var.deps.db, { ...fields, passwordHash: await hashPassword(password) });
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
      summary: 'Update a user (admin); role, password or disable changes sign the user out everywhere',
      tags: ['Users'],
      responses: { 200: User },
    }),
    valid('param', IdParams),
    valid('json', UpdateUser),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock } = c.var.deps;
      const { id } = c.req.valid('param');
      const { password, ...fields } = c.req.valid('json');
      const existing = await getUser(db, id);
      if (!existing) throw notFound('user');

      const losesAdmin =
        existing.role === 'admin' && !existing.disabled && ((fields.role && fields.role !== 'admin') || fields.disabled);
      const passwordHash = password ? await hashPassword(password) : undefined;
      try {
        const row = await db.transaction(async (tx) => {
          if (losesAdmin && (await lockActiveAdmins(tx)) <= 1) {
            throw new AppError('conflict', 'this is the last active admin: promote another admin first');
          }
          const updated = await updateUserRow(tx, id, { ...fields, ...(passwordHash ? { passwordHash } : {}) }, clock.now());
          if (!updated) throw notFound('user');
          const credentialsChanged =
            password !== undefined || (fields.role && fields.role !== existing.role) || fields.disabled === true;
          if (credentialsChanged) await deleteUserSessions(tx, id);
          return updated;
        });
        return c.json(toUser(row));
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken();
        throw error;
      }
    },
  );
