import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { describe, valid } from '../../http/validate.js';
import { audit } from '../../http/audit.js';
import { requireAuth } from '../../http/auth.js';
import { accountOwnerScope } from '../../domain/permissions.js';
import { accountTrend, analyzePareto, contributionOf, shiftQuarter } from '../../domain/account-value.js';
import { latestValueQuarter, listPortfolioValues } from '../../db/queries/account-values.js';
import { toCsv } from '../../domain/csv.js';
import { ValueReport, ValueReportQuery } from '../../../shared/schemas/program.js';

/** Cents as currency units (a number, so the CSV keeps it a number), importable again. */
const units = (cents: number) => cents / 100;

export const valueReportRoutes = new Hono<AppEnv>().get(
  '/value',
  describe({
    summary: 'Account value: the 80/20 check, accounts with a negative contribution, and the trend per account',
    description:
      'For `quarter` (default: the latest with figures): the top 20 % of accounts by revenue (ceil(0.2·n), at least one) and ' +
      'their share of revenue, gross profit and contribution (gross profit − team cost − discounts); accounts whose contribution ' +
      'is negative; and each account over the `quarters` quarters up to it (default 4) with the least-squares slope of its ' +
      'contribution. `format=csv`: one row per account and quarter, amounts in currency units (importable again). ' +
      'Managers: own accounts only.',
    tags: ['Reports', 'Account value'],
    responses: { 200: ValueReport },
  }),
  valid('query', ValueReportQuery),
  async (c) => {
    const { user } = requireAuth(c);
    const { db } = c.var.deps;
    const q = c.req.valid('query');
    const owner = accountOwnerScope(user);
    const quarter = q.quarter ?? (await latestValueQuarter(db, owner));
    const quarters = quarter ? Array.from({ length: q.quarters }, (_, i) => shiftQuarter(quarter, i - q.quarters + 1)) : [];
    const rows = quarter ? await listPortfolioValues(db, owner, quarters[0]!, quarter) : [];
    const current = rows.filter((r) => r.quarter === quarter);
    const pareto = analyzePareto(quarter ?? '', current);
    const names = new Map(rows.map((r) => [r.accountId, r]));
    const accountIds = [...new Set(rows.map((r) => r.accountId))];
    const report: ValueReport = {
      quarter,
      quarters,
      pareto: {
        accounts: pareto.accounts,
        topCount: pareto.topCount,
        topAccounts: pareto.topAccountIds.map((id) => ({ accountId: id, name: names.get(id)!.name })),
        totalRevenue: pareto.totalRevenue,
        totalGrossProfit: pareto.totalGrossProfit,
        totalContribution: pareto.totalContribution,
        topRevenueShare: pareto.topRevenueShare,
        topGrossProfitShare: pareto.topGrossProfitShare,
        topContributionShare: pareto.topContributionShare,
      },
      negativeContributors: current
        .filter((r) => contributionOf(r) < 0)
        .sort((a, b) => contributionOf(a) - contributionOf(b))
        .map((r) => ({ accountId: r.accountId, name: r.name, stage: r.stage, contribution: contributionOf(r), revenue: r.revenue })),
      accounts: accountIds.map((id) => {
        const trend = accountTrend(id, rows.filter((r) => r.accountId === id));
        const { name, stage } = names.get(id)!;
        return { accountId: id, name, stage, points: trend.points, contributionSlope: trend.contributionSlope, direction: trend.direction };
      }),
    };
    if (q.format === 'csv') {
      const top = new Set(pareto.topAccountIds);
      const header = ['account', 'account id', 'stage', 'quarter', 'revenue', 'gross profit', 'team cost', 'discounts', 'contribution', 'top 20 % by revenue'];
      const lines = report.accounts.flatMap((a) =>
        a.points.map((p) => [
          a.name,
          a.accountId,
          a.stage,
          p.quarter,
          units(p.revenue),
          units(p.grossProfit),
          units(p.teamCost),
          units(p.discounts),
          units(p.contribution),
          p.quarter === quarter ? (top.has(a.accountId) ? 'yes' : 'no') : '',
        ]),
      );
      await audit(c, 'export.downloaded', null, { what: 'value_report', rows: lines.length, filters: q });
      return c.body(toCsv(header, lines), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="keypulse-value.csv"',
      });
    }
    return c.json(report);
  },
);
