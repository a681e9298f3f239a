import { Hono } from 'hono';
import * as z from 'zod';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { AppError, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { getRule, listRules, type RuleRow } from '../db/queries/tasks.js';
import { followUpRules } from '../db/schema/index.js';
import { IdParams } from '../../shared/schemas/common.js';
import { CreateFollowUpRule, FollowUpRule, UpdateFollowUpRule } from '../../shared/schemas/task.js';

function toRule(row: RuleRow): FollowUpRule {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    questionKey: row.questionKey,
    condition: row.condition,
    priority: row.priority,
    dueInBusinessDays: row.dueInBusinessDays,
    assignee: row.assignee,
    title: row.title,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function checkRange(condition: { kind: string; min?: number; max?: number } | undefined) {
  if (condition?.kind === 'range' && condition.min! > condition.max!) {
    throw new AppError('validation_failed', 'condition: min must not exceed max', [{ path: 'condition.min', message: 'must not exceed max' }]);
  }
}

export const followUpRuleRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({ summary: 'The rules that turn answers into follow-up tasks', tags: ['Follow-up rules'], responses: { 200: z.object({ data: z.array(FollowUpRule) }) } }),
    async (c) => {
      requireRole(c, 'admin', 'executive', 'account_manager');
      return c.json({ data: (await listRules(c.var.deps.db)).map(toRule) });
    },
  )
  .post(
    '/',
    describe({ summary: 'Add a rule (admin)', tags: ['Follow-up rules'], responses: { 201: FollowUpRule } }),
    valid('json', CreateFollowUpRule),
    async (c) => {
      requireRole(c, 'admin');
      const body = c.req.valid('json');
      checkRange(body.condition);
      const now = c.var.deps.clock.now();
      const row = await c.var.deps.db.transaction(async (tx) => {
        const [inserted] = await tx.insert(followUpRules).values({ ...body, createdAt: now, updatedAt: now }).returning();
        await audit(c, 'follow_up_rule.created', { type: 'follow_up_rule', id: inserted!.id }, { name: inserted!.name }, { db: tx });
        return inserted!;
      });
      return c.json(toRule(row), 201);
    },
  )
  .patch(
    '/:id',
    describe({ summary: 'Edit or switch off a rule (admin); later evaluations use the new rule', tags: ['Follow-up rules'], responses: { 200: FollowUpRule } }),
    valid('param', IdParams),
    valid('json', UpdateFollowUpRule),
    async (c) => {
      requireRole(c, 'admin');
      const changes = c.req.valid('json');
      checkRange(changes.condition);
      const existing = await getRule(c.var.deps.db, c.req.valid('param').id);
      if (!existing) throw notFound('rule');
      const row = await c.var.deps.db.transaction(async (tx) => {
        const [updated] = await tx
          .update(followUpRules)
          .set({ ...changes, updatedAt: c.var.deps.clock.now() })
          .where(eq(followUpRules.id, existing.id))
          .returning();
        await audit(c, 'follow_up_rule.changed', { type: 'follow_up_rule', id: existing.id }, { name: updated!.name, fields: Object.keys(changes) }, { db: tx });
        return updated!;
      });
      return c.json(toRule(row));
    },
  );
