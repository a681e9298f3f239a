import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { describe, valid } from '../../http/validate.js';
import { requireAuth } from '../../http/auth.js';
import { accountOwnerScope } from '../../domain/permissions.js';
import { buildOverviewReport } from '../../services/overview-report.js';
import { OverviewReport, OverviewReportQuery } from '../../../shared/schemas/overview-report.js';

/** The executive overview page's data in one request (each part is also its own report, with its CSV). */
export const overviewReportRoutes = new Hono<AppEnv>().get(
  '/overview',
  describe({
    summary: 'The portfolio overview in one answer: NPS trend, NPS by industry, stage and owner, account risk and loop metrics',
    description:
      '`trend` is GET /api/reports/nps?scope=portfolio; each row of `splits` is the latest period with answers of ' +
      'GET /api/reports/nps?scope=<row.scope> (groupBy, from, to and confidence apply to both); `risk` is ' +
      'GET /api/reports/risk; `loop` is GET /api/reports/loop (every task and answer, no date range) without its ' +
      'per-account rows. Managers see their own accounts only. JSON only: each part has its own CSV.',
    tags: ['Reports'],
    responses: { 200: OverviewReport },
  }),
  valid('query', OverviewReportQuery),
  async (c) => {
    const { user } = requireAuth(c);
    const report = await buildOverviewReport(c.var.deps, { ownerScope: accountOwnerScope(user), query: c.req.valid('query') });
    return c.json(report satisfies OverviewReport);
  },
);
