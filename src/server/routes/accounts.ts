import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { adminScopeNeeded, hasAdminPowers, requireAuth } from '../http/auth.js';
import { assertUserReference, loadAccountFor } from '../http/access.js';
import { accountOwnerScope, canCreateAccounts } from '../domain/permissions.js';
import { insertAccount, toAccount, updateAccountRow } from '../db/queries/accounts.js';
import { listAccountsWithHealth } from '../services/account-list.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import { Account, AccountListItem, AccountListQuery, CreateAccount, UpdateAccount } from '../../shared/schemas/account.js';
import { recordStageChange } from '../db/queries/stage-changes.js';
import { audit } from '../http/audit.js';

// Choosing an account's owner decides who may see it, an admin's power: an admin's key needs the admin scope for it.
const mayNotReassign = (role: string) =>
  role === 'admin' ? adminScopeNeeded() : new AppError('forbidden', 'account managers cannot hand accounts to someone else; ask an admin');

export const accountRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'List accounts the caller may see (search, filter, sort, paginate)',
      description:
        'Each row carries its owner (id, name). `include=health` adds `health`: the NPS of the latest quarter with ' +
        'answers in the last year (with its margin and answer count) and the risk level with its reasons, as the ' +
        'Monday Morning Report scores them. `sort=nps|-nps` and `risk=red,amber` sort and filter by them (and ' +
        'imply `include=health`); accounts without an NPS sort last, accounts not scored drop out of a risk filter.',
      tags: ['Accounts'],
      responses: { 200: pageOf(AccountListItem) },
    }),
    valid('query', AccountListQuery),
    async (c) => {
      const { user } = requireAuth(c);
      return c.json(await listAccountsWithHealth(c.var.deps, c.req.valid('query'), accountOwnerScope(user)));
    },
  )
  .post(
    '/',
    describe({
      summary: 'Create an account (admins; managers create accounts they own)',
      tags: ['Accounts'],
      responses: { 201: Account },
    }),
    valid('json', CreateAccount),
    async (c) => {
      const auth = requireAuth(c);
      const { user } = auth;
      if (!canCreateAccounts(user)) throw new AppError('forbidden', 'your role can read accounts but not create them');
      const body = c.req.valid('json');
      const ownerId = body.ownerId ?? user.id;
      if (ownerId !== user.id && !hasAdminPowers(auth)) throw mayNotReassign(user.role);
      await assertUserReference(c.var.deps.db, 'ownerId', ownerId, true);
      const row = await insertAccount(c.var.deps.db, { ...body, ownerId }, c.var.deps.clock.now());
      // The pipeline reads stages over time from the stage history: it starts with the account's first stage.
      await recordStageChange(c.var.deps.db, row.id, null, row.stage, user.id, row.createdAt);
      return c.json(toAccount(row), 201);
    },
  )
  .get(
    '/:id',
    describe({ summary: 'Get an account', tags: ['Accounts'], responses: { 200: Account } }),
    valid('param', IdParams),
    async (c) => c.json(toAccount(await loadAccountFor(c, c.req.valid('param').id, 'view'))),
  )
  .patch(
    '/:id',
    describe({ summary: 'Update an account', tags: ['Accounts'], responses: { 200: Account } }),
    valid('param', IdParams),
    valid('json', UpdateAccount),
    async (c) => {
      const auth = requireAuth(c);
      const { user } = auth;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const changes = c.req.valid('json');
      if (changes.ownerId && changes.ownerId !== account.ownerId) {
        if (!hasAdminPowers(auth)) throw mayNotReassign(user.role);
        await assertUserReference(c.var.deps.db, 'ownerId', changes.ownerId, true);
      }
      const row = await c.var.deps.db.transaction(async (tx) => {
        const updated = await updateAccountRow(tx, account.id, changes, c.var.deps.clock.now());
        // A stage edited here is history too (without a reason: POST /accounts/:id/stage asks for one).
        if (changes.stage && changes.stage !== account.stage) {
          await recordStageChange(tx, account.id, account.stage, changes.stage, user.id, updated!.updatedAt);
          await audit(c, 'account.stage_changed', { type: 'account', id: account.id }, { from: account.stage, to: changes.stage }, { db: tx });
        }
        return updated;
      });
      return c.json(toAccount(row!));
    },
  )
  .delete(
    '/:id',
    describe({
      summary: 'Archive an account: it leaves lists and campaigns, its history stays',
      tags: ['Accounts'],
      responses: { 200: Account },
    }),
    valid('param', IdParams),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const row = await updateAccountRow(c.var.deps.db, account.id, { archived: true }, c.var.deps.clock.now());
      return c.json(toAccount(row!));
    },
  );
