import { Hono } from 'hono';
import * as z from 'zod';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { AppError, invalid, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { accountOwnerScope, canViewAccount } from '../domain/permissions.js';
import { rankAccounts } from '../domain/key-account-selection.js';
import { buildPipeline } from '../domain/pipeline.js';
import { periodBounds, periodRange, periodStart } from '../domain/periods.js';
import { instantAt, wallClockIn } from '../domain/business-days.js';
import { getCriterion, listCriteria, loadSelectionCandidates, otherWeightedCriteria, type CriterionRow } from '../db/queries/selection.js';
import { listPipelineAccounts, listPipelineChanges } from '../db/queries/stage-changes.js';
import { selectionCriteria } from '../db/schema/index.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  CreateSelectionCriterion,
  Pipeline,
  PipelineQuery,
  Selection,
  SelectionCriterion,
  SelectionQuery,
  UpdateSelectionCriterion,
} from '../../shared/schemas/program.js';

export function toCriterion(row: CriterionRow): SelectionCriterion {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    source: row.source,
    weight: row.weight,
    position: row.position,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const localDate = (at: Date, timeZone: string) => {
  const w = wallClockIn(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
};
const dateParts = (date: string) => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

/**
 * Choosing key accounts: the criteria (admins edit), the ranking with a suggested portfolio, and the pipeline.
 */
export const keyAccountRoutes = new Hono<AppEnv>()
  .get(
    '/criteria',
    describe({ summary: 'Selection criteria with their weights', tags: ['Key accounts'], responses: { 200: z.object({ data: z.array(SelectionCriterion) }) } }),
    async (c) => {
      requireAuth(c);
      return c.json({ data: (await listCriteria(c.var.deps.db)).map(toCriterion) });
    },
  )
  .post(
    '/criteria',
    describe({
      summary: 'Add a selection criterion (admin): a 1–5 judgement, or a number from the account (annual_revenue, gross_profit, lifetime_value)',
      tags: ['Key accounts'],
      responses: { 201: SelectionCriterion },
    }),
    valid('json', CreateSelectionCriterion),
    async (c) => {
      requireRole(c, 'admin');
      const now = c.var.deps.clock.now();
      const [row] = await c.var.deps.db
        .insert(selectionCriteria)
        .values({ ...c.req.valid('json'), createdAt: now, updatedAt: now })
        .returning();
      return c.json(toCriterion(row!), 201);
    },
  )
  .patch(
    '/criteria/:id',
    describe({ summary: 'Change a criterion: weight, name, switch off (admin)', tags: ['Key accounts'], responses: { 200: SelectionCriterion } }),
    valid('param', IdParams),
    valid('json', UpdateSelectionCriterion),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock } = c.var.deps;
      const existing = await getCriterion(db, c.req.valid('param').id);
      if (!existing) throw notFound('criterion');
      const changes = c.req.valid('json');
      const loses = changes.enabled === false || changes.weight === 0;
      if (loses && (await otherWeightedCriteria(db, existing.id)) === 0) {
        throw invalid(changes.enabled === false ? 'enabled' : 'weight', 'at least one enabled criterion must carry weight');
      }
      const [row] = await db
        .update(selectionCriteria)
        .set({ ...changes, updatedAt: clock.now() })
        .where(eq(selectionCriteria.id, existing.id))
        .returning();
      return c.json(toCriterion(row!));
    },
  )
  .get(
    '/selection',
    describe({
      summary: 'Rank the customers and key accounts by weighted score, with a suggested portfolio and warnings',
      description:
        'Numeric criteria are normalized min–max across all candidates to 1–5 (judgements are 1–5 already); the score is ' +
        'Σ weight·score / Σ weight over the criteria the account has a value for, and each criterion\'s contribution is ' +
        'its share of that sum. The portfolio is the top `size` accounts (3–20; default a fifth of the candidates). ' +
        'Scores are computed across the whole portfolio so they are the same for everyone; managers see their own accounts only.',
      tags: ['Key accounts'],
      responses: { 200: Selection },
    }),
    valid('query', SelectionQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const { db } = c.var.deps;
      const [criteria, candidates] = await Promise.all([listCriteria(db, true), loadSelectionCandidates(db)]);
      const result = rankAccounts(
        criteria.map((k) => ({ id: k.id, key: k.key, name: k.name, source: k.source, weight: k.weight })),
        candidates.map((a) => ({
          accountId: a.id,
          name: a.name,
          stage: a.stage,
          annualRevenue: a.annualRevenue,
          grossProfit: a.grossProfit,
          lifetimeValue: a.lifetimeValue,
          costToServe: a.costToServe,
          scores: a.scores,
        })),
        c.req.valid('query').size,
      );
      const owners = new Map(candidates.map((a) => [a.id, a.ownerId]));
      const ranking = result.ranking
        .filter((r) => canViewAccount(user, { ownerId: owners.get(r.accountId)! }))
        .map((r) => ({ ...r, ownerId: owners.get(r.accountId)! }));
      return c.json({
        criteria: criteria.map(toCriterion),
        candidates: candidates.length,
        portfolioSize: result.portfolioSize,
        cutScore: result.cutScore,
        ranking,
        portfolio: ranking
          .filter((r) => r.suggested)
          .map((r) => ({ accountId: r.accountId, name: r.name, score: r.score, isKeyAccount: r.isKeyAccount })),
      } satisfies Selection);
    },
  )
  .get(
    '/pipeline',
    describe({
      summary: 'The pipeline (suspect → prospect → customer → key account): counts now, at the end of each period, and movements',
      description: 'from/to are dates (default: the last year), widened to whole periods; managers see their own accounts only.',
      tags: ['Key accounts'],
      responses: { 200: Pipeline },
    }),
    valid('query', PipelineQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock, config } = c.var.deps;
      const q = c.req.valid('query');
      const timeZone = config.timeZone;
      const to = q.to ?? localDate(clock.now(), timeZone);
      const from = q.from ?? (() => {
        const { year, month, day } = dateParts(to);
        return new Date(Date.UTC(year - 1, month - 1, day)).toISOString().slice(0, 10);
      })();
      if (from > to) throw invalid('from', `must not be after to (${to})`);
      let keys: string[];
      try {
        keys = periodRange(instantAt(dateParts(from), timeZone), instantAt(dateParts(to), timeZone), q.groupBy, timeZone);
      } catch (error) {
        if (error instanceof RangeError) throw new AppError('validation_failed', `to: the range is too long: ${error.message}`, [{ path: 'to', message: 'the range is too long' }]);
        throw error;
      }
      const periods = keys.map((key) => ({ key, ...periodBounds(key, timeZone) }));
      const accounts = await listPipelineAccounts(db, accountOwnerScope(user));
      const changes = await listPipelineChanges(db, accounts.map((a) => a.id));
      const report = buildPipeline(accounts, changes, periods);
      return c.json({
        groupBy: q.groupBy,
        from: periodStart(keys[0]!),
        to: localDate(new Date(periods[periods.length - 1]!.end.getTime() - 1), timeZone),
        ...report,
      });
    },
  );
