import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { canOwnAccounts } from '../domain/permissions.js';
import { answerText } from '../domain/follow-up-rules.js';
import { getResponsesSeenAt, listNewResponses, markResponsesSeen, tasksOfResponses, type NewResponseRow } from '../db/queries/my-day.js';
import { npsCategory } from '../../shared/answers.js';
import { FIRST_VISIT_DAYS, MarkResponsesSeen, MyDay, MyDayQuery, ResponsesSeen, type NewResponse } from '../../shared/schemas/my-day.js';

/** Every text the customer wrote, in the survey's order: "their words". */
function wordsOf(row: NewResponseRow): string[] {
  return row.definition.questions
    .filter((q) => q.kind === 'text')
    .map((q) => answerText(row.answers[q.key]).trim())
    .filter(Boolean);
}

/**
 * The account manager's day: the answers on their accounts since they last marked them seen (on a first visit,
 * the last 30 days). Looking never
 * marks anything: only `POST /responses-seen` does, so a reload (or a second tab) loses nothing.
 * Mounted under /api/me.
 */
export const myDayRoutes = new Hono<AppEnv>()
  .get(
    '/day',
    describe({
      summary: 'New answers on my accounts since I last marked them seen (detractors first, with their words and tasks)',
      tags: ['Auth'],
      responses: { 200: MyDay },
    }),
    valid('query', MyDayQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const { page, pageSize, days } = c.req.valid('query');
      const now = clock.now();
      const seenAt = await getResponsesSeenAt(db, user.id);
      // Never marked anything: the last 30 days, not every answer since the program began.
      const since = seenAt ?? new Date(now.getTime() - (days ?? FIRST_VISIT_DAYS) * 86_400_000);
      const { rows, total, detractors } = await listNewResponses(db, { ownerId: user.id, since, upTo: now, page, pageSize });
      const taskRows = await tasksOfResponses(
        db,
        rows.map((r) => r.id),
      );
      const taskOf = new Map<string, NewResponse['task']>();
      for (const t of taskRows) if (t.responseId && !taskOf.has(t.responseId)) taskOf.set(t.responseId, { id: t.id, title: t.title, status: t.status });
      const body: MyDay = {
        seenAt: seenAt?.toISOString() ?? null,
        since: since.toISOString(),
        generatedAt: now.toISOString(),
        responses: rows.map((r) => ({
          id: r.id,
          accountId: r.accountId,
          accountName: r.accountName,
          contactId: r.contactId,
          contactName: r.contactName,
          npsScore: r.npsScore,
          category: r.npsScore === null ? null : npsCategory(r.npsScore),
          submittedAt: r.submittedAt.toISOString(),
          complete: r.complete,
          words: wordsOf(r),
          task: taskOf.get(r.id) ?? null,
        })),
        page,
        pageSize,
        total,
        detractors,
      };
      return c.json(body);
    },
  )
  .post(
    '/responses-seen',
    describe({
      summary: 'Mark the answers on my accounts as seen, up to `upTo` (default now); later answers stay new',
      tags: ['Auth'],
      responses: { 200: ResponsesSeen },
    }),
    valid('json', MarkResponsesSeen),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      // Executives own no accounts: there is nothing for them to mark.
      if (!canOwnAccounts(user.role)) throw new AppError('forbidden', 'only account owners have answers to mark as seen');
      const now = clock.now();
      const { upTo } = c.req.valid('json');
      const at = upTo ? new Date(upTo) : now;
      if (at.getTime() > now.getTime() + 60_000) {
        throw new AppError('validation_failed', 'upTo must not be in the future', [{ path: 'upTo', message: 'must not be in the future' }]);
      }
      const seenAt = await markResponsesSeen(db, user.id, at.getTime() > now.getTime() ? now : at);
      return c.json({ seenAt: (seenAt ?? at).toISOString() });
    },
  );
