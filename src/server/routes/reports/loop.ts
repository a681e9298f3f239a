import { Hono } from 'hono';
import { and, asc, eq, gte, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import type { AppEnv } from '../../http/context.js';
import { describe, valid } from '../../http/validate.js';
import { audit } from '../../http/audit.js';
import { requireAuth } from '../../http/auth.js';
import { accountOwnerScope } from '../../domain/permissions.js';
import { measureLoop, measureLoopBy, type LoopMetrics, type ScoreHistory } from '../../domain/loop-metrics.js';
import { accounts, responses, tasks, users } from '../../db/schema/index.js';
import { toCsv } from '../../domain/csv.js';
import { LoopReport, LoopReportQuery } from '../../../shared/schemas/loop-report.js';

const csvColumns = ['tasks', 'open', 'medianHoursToFirstAction', 'medianHoursToClose', 'closedOnTimeShare', 'detractorsFollowedUp', 'detractorsImprovedShare'] as const;
const csvRow = (m: LoopMetrics) => csvColumns.map((k) => m[k]);

export const loopReportRoutes = new Hono<AppEnv>().get(
  '/loop',
  describe({
    summary:
      'Loop metrics — time to first action, time to close, share closed on time, whether detractors answered better ' +
      'next time — for the portfolio, per manager and per account (tasks created in from..to)',
    tags: ['Reports'],
    responses: { 200: LoopReport },
  }),
  valid('query', LoopReportQuery),
  async (c) => {
    const { user } = requireAuth(c);
    const { db, config } = c.var.deps;
    const q = c.req.valid('query');
    const scope = accountOwnerScope(user);
    const conditions: SQL[] = [];
    if (scope) conditions.push(eq(accounts.ownerId, scope));
    const dayStart = (d: string) => sql`(${d}::date::timestamp at time zone ${config.timeZone})`;
    if (q.from) conditions.push(gte(tasks.createdAt, dayStart(q.from)));
    if (q.to) conditions.push(sql`${tasks.createdAt} < ${dayStart(q.to)} + interval '1 day'`);

    const [taskRows, scoreRows, names] = await Promise.all([
      db
        .select({
          assigneeId: tasks.assigneeId,
          accountId: tasks.accountId,
          createdAt: tasks.createdAt,
          firstActionAt: tasks.firstActionAt,
          closedAt: tasks.closedAt,
          dueAt: tasks.dueAt,
          status: tasks.status,
        })
        .from(tasks)
        .innerJoin(accounts, eq(accounts.id, tasks.accountId))
        .where(conditions.length ? and(...conditions) : undefined),
      db
        .select({ contactId: responses.contactId, accountId: responses.accountId, ownerId: accounts.ownerId, score: responses.npsScore, at: responses.updatedAt })
        .from(responses)
        .innerJoin(accounts, eq(accounts.id, responses.accountId))
        .where(and(isNotNull(responses.npsScore), scope ? eq(accounts.ownerId, scope) : undefined, q.to ? lte(responses.updatedAt, sql`${dayStart(q.to)} + interval '1 day'`) : undefined))
        .orderBy(asc(responses.contactId), asc(responses.updatedAt)),
      Promise.all([
        db.select({ id: users.id, name: users.name }).from(users),
        db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(scope ? eq(accounts.ownerId, scope) : undefined),
      ]),
    ]);
    const history = new Map<string, ScoreHistory>();
    for (const r of scoreRows) {
      const h = history.get(r.contactId) ?? { contactId: r.contactId, accountId: r.accountId, ownerId: r.ownerId, scores: [] };
      h.scores.push({ score: r.score!, at: r.at });
      history.set(r.contactId, h);
    }
    const histories = [...history.values()];
    const userNames = new Map(names[0].map((u) => [u.id, u.name]));
    const accountNames = new Map(names[1].map((a) => [a.id, a.name]));
    const byManager = measureLoopBy('assignee', taskRows, histories);
    const byAccount = measureLoopBy('account', taskRows, histories);
    const report = {
      from: q.from ?? null,
      to: q.to ?? null,
      portfolio: measureLoop(taskRows, histories),
      managers: [...byManager].map(([userId, m]) => ({ userId, name: userNames.get(userId) ?? '', ...m })).sort((a, b) => a.name.localeCompare(b.name)),
      accounts: [...byAccount]
        .filter(([accountId]) => accountNames.has(accountId))
        .map(([accountId, m]) => ({ accountId, name: accountNames.get(accountId)!, ...m }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
    if (q.format === 'csv') {
      const rows = [
        ['portfolio', '', 'Portfolio', ...csvRow(report.portfolio)],
        ...report.managers.map((m) => ['manager', m.userId, m.name, ...csvRow(m)]),
        ...report.accounts.map((a) => ['account', a.accountId, a.name, ...csvRow(a)]),
      ];
      await audit(c, 'export.downloaded', null, { what: 'loop_report', rows: rows.length, filters: q });
      return c.body(toCsv(['level', 'id', 'name', ...csvColumns], rows), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="keypulse-loop-metrics.csv"',
      });
    }
    return c.json(report);
  },
);
