import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { AppError, invalid } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { loadAccountFor } from '../http/access.js';
import { audit } from '../http/audit.js';
import { isPromotion } from '../domain/pipeline.js';
import { changeAccountStage, listStageChanges, type StageChangeRow } from '../db/queries/stage-changes.js';
import { IdParams } from '../../shared/schemas/common.js';
import { ChangeStage, StageChange } from '../../shared/schemas/program.js';

function toStageChange(row: StageChangeRow, deciderName: string | null): StageChange {
  return {
    id: row.id,
    accountId: row.accountId,
    fromStage: row.fromStage,
    toStage: row.toStage,
    direction: row.fromStage === null ? 'initial' : isPromotion(row.fromStage, row.toStage) ? 'promotion' : 'demotion',
    decidedBy: row.decidedBy && deciderName ? { id: row.decidedBy, name: deciderName } : null,
    reason: row.reason,
    changedAt: row.changedAt.toISOString(),
  };
}

/**
 * Promoting and demoting accounts, with who decided and why. Promotion to key account is a management decision,
 * so executives may change the stage here (the one change they make); admins too; managers for their own accounts.
 */
export const stageChangeRoutes = new Hono<AppEnv>()
  .post(
    '/accounts/:id/stage',
    describe({
      summary: 'Promote or demote an account, with the reason (executives, admins, and the account\'s manager)',
      tags: ['Key accounts'],
      responses: { 201: StageChange },
    }),
    valid('param', IdParams),
    valid('json', ChangeStage),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      // 'view' gives the 404 for another manager's account; managers reach only their own.
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      if (account.archived) throw new AppError('conflict', 'the account is archived: restore it before changing its stage');
      const { stage, reason } = c.req.valid('json');
      if (stage === account.stage) throw invalid('stage', `is already the account's stage (${stage})`);
      const row = await db.transaction(async (tx) => {
        const change = await changeAccountStage(tx, account, stage, reason, user.id, clock.now());
        await audit(c, 'account.stage_changed', { type: 'account', id: account.id }, { from: account.stage, to: stage }, { db: tx });
        return change;
      });
      return c.json(toStageChange(row, user.name), 201);
    },
  )
  .get(
    '/accounts/:id/stage-history',
    describe({ summary: "An account's stage changes, oldest first, with who decided and why", tags: ['Key accounts'], responses: { 200: z.object({ data: z.array(StageChange) }) } }),
    valid('param', IdParams),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const rows = await listStageChanges(c.var.deps.db, account.id);
      return c.json({ data: rows.map((r) => toStageChange(r.change, r.deciderName)) });
    },
  );
