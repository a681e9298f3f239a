import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { loadAccountFor } from '../http/access.js';
import { listCriteria, listCriterionScores, putCriterionScores } from '../db/queries/selection.js';
import { IdParams } from '../../shared/schemas/common.js';
import { CriterionScores, PutCriterionScores } from '../../shared/schemas/program.js';

async function scoresOf(db: Parameters<typeof listCriterionScores>[0], accountId: string) {
  const rows = await listCriterionScores(db, accountId);
  return {
    accountId,
    data: rows.map((r) => ({
      criterionId: r.criterionId,
      score: r.score,
      note: r.note,
      scoredBy: r.scorerId && r.scorerName ? { id: r.scorerId, name: r.scorerName } : null,
      scoredAt: r.scoredAt.toISOString(),
    })),
  };
}

/** The 1–5 judgements of an account on the selection criteria. */
export const criterionScoreRoutes = new Hono<AppEnv>()
  .get(
    '/accounts/:id/criteria-scores',
    describe({ summary: "An account's 1–5 scores on the selection criteria, with who scored and when", tags: ['Key accounts'], responses: { 200: CriterionScores } }),
    valid('param', IdParams),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      return c.json(await scoresOf(c.var.deps.db, account.id));
    },
  )
  .put(
    '/accounts/:id/criteria-scores',
    describe({
      summary: 'Set (1–5) or clear (null) scores of an account on selection criteria (its manager or an admin); other scores stay',
      tags: ['Key accounts'],
      responses: { 200: CriterionScores },
    }),
    valid('param', IdParams),
    valid('json', PutCriterionScores),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const { scores } = c.req.valid('json');
      const known = new Set((await listCriteria(db)).map((k) => k.id));
      const issues = scores
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => !known.has(s.criterionId))
        .map(({ i }) => ({ path: `scores.${i}.criterionId`, message: 'is not a selection criterion' }));
      if (issues.length) throw new AppError('validation_failed', `${issues[0]!.path} ${issues[0]!.message}`, issues);
      await putCriterionScores(db, account.id, scores, user.id, clock.now());
      return c.json(await scoresOf(db, account.id));
    },
  );
