import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { describe, valid } from '../../http/validate.js';
import { audit } from '../../http/audit.js';
import { requireAuth, requireRole } from '../../http/auth.js';
import { accountOwnerScope } from '../../domain/permissions.js';
import { getUser } from '../../db/queries/users.js';
import { buildRiskReport } from '../../services/account-risk.js';
import { sendRiskReportNow } from '../../services/risk-report-emails.js';
import { toCsv } from '../../domain/csv.js';
import { RiskReport, RiskReportQuery, RiskReportSent } from '../../../shared/schemas/risk-report.js';

const csvHeader = ['accountId', 'name', 'ownerId', 'ownerName', 'stage', 'level', 'score', 'nps', 'npsMargin', 'npsPeriod', 'renewalDate', 'reasons', 'link', 'npsResponses', 'npsEveryoneAnswered'] as const;

/**
 * The Monday Morning Report: each key account, then every other customer, green / amber / red with the reasons
 * in words, most at risk first. Also emailed every Monday at 07:00 (services/risk-report-emails.ts).
 */
export const riskReportRoutes = new Hono<AppEnv>()
  .get(
    '/risk',
    describe({
      summary: 'Account risk (the Monday Morning Report): level, reasons, NPS, renewal, per account, most at risk first',
      description:
        'Key accounts first, then other customers; within each red, amber, green, the higher score first. ' +
        '`owner=me|<userId>` and `level=red|amber|green` filter; managers see their own accounts only. ' +
        '`format=csv` answers one row per account, reasons joined with "; ".',
      tags: ['Reports'],
      responses: { 200: RiskReport },
    }),
    valid('query', RiskReportQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const q = c.req.valid('query');
      const mine = accountOwnerScope(user);
      const asked = q.owner === 'me' ? user.id : (q.owner ?? null);
      // Another manager's accounts are simply not found, as everywhere else.
      if (asked && mine && asked !== mine) throw notFound('user');
      if (asked && asked !== user.id && !(await getUser(c.var.deps.db, asked))) throw notFound('user');

      const report = await buildRiskReport(c.var.deps, { ownerId: mine ?? asked });
      const accounts = q.level ? report.accounts.filter((a) => a.level === q.level) : report.accounts;

      if (q.format === 'csv') {
        const rows = accounts.map((a) => [
          a.accountId,
          a.name,
          a.owner.id,
          a.owner.name,
          a.stage,
          a.level,
          a.score,
          a.nps,
          a.npsMargin,
          a.npsPeriod,
          a.renewalDate,
          a.reasons.map((r) => r.text).join('; '),
          a.link,
          a.npsResponses,
          a.npsEveryoneAnswered,
        ]);
        await audit(c, 'export.downloaded', null, { what: 'risk_report', rows: rows.length, filters: q });
        return c.body(toCsv(csvHeader, rows), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="keypulse-account-risk.csv"',
        });
      }
      return c.json({ generatedAt: report.generatedAt.toISOString(), accounts } satisfies RiskReport);
    },
  )
  .post(
    '/risk/send',
    describe({
      summary: 'Email the Monday Morning Report now: executives get the whole portfolio, each manager their accounts (admin)',
      tags: ['Reports'],
      responses: { 202: RiskReportSent },
    }),
    async (c) => {
      requireRole(c, 'admin');
      const queued = await sendRiskReportNow(c.var.deps, c.var.requestId);
      return c.json({ queued } satisfies RiskReportSent, 202);
    },
  );
