import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { accountFinder } from '../domain/csv-import.js';
import { notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { loadAccountFor } from '../http/access.js';
import { csvRequestBody, parseCsvUpload } from '../http/csv-upload.js';
import { accountOwnerScope } from '../domain/permissions.js';
import { accountTrend, contributionOf, costToServeOf } from '../domain/account-value.js';
import { parseValueImport } from '../domain/value-import.js';
import {
  existingValueKeys,
  getAccountValue,
  listAccountValues,
  listImportableAccounts,
  upsertAccountValue,
  type AccountValueRow,
} from '../db/queries/account-values.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  AccountQuarterParams,
  AccountValue,
  AccountValueHistory,
  AccountValueImportQuery,
  AccountValueImportResult,
  PutAccountValue,
  type AccountValueImportRow,
} from '../../shared/schemas/program.js';


export function toAccountValue(row: AccountValueRow, enteredByName: string | null): AccountValue {
  return {
    accountId: row.accountId,
    quarter: row.quarter,
    revenue: row.revenue,
    grossProfit: row.grossProfit,
    teamCost: row.teamCost,
    discounts: row.discounts,
    costToServe: costToServeOf(row),
    contribution: contributionOf(row),
    notes: row.notes,
    enteredBy: row.enteredBy && enteredByName ? { id: row.enteredBy, name: enteredByName } : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Revenue, gross profit and cost to serve per account and quarter; contribution = gross profit − cost to serve. */
export const accountValueRoutes = new Hono<AppEnv>()
  .post(
    '/accounts/value/import',
    describe({
      summary:
        'Import quarterly figures from CSV (columns: account (name or id), quarter, revenue, gross profit, team cost, discounts; ' +
        'amounts in currency units such as 1250.50). Existing quarters are replaced; each bad row is reported with its line ' +
        'number and nothing of it is written. dryRun=true only checks. Managers import their own accounts only.',
      tags: ['Account value'],
      requestBody: csvRequestBody,
      responses: { 200: AccountValueImportResult },
    }),
    valid('query', AccountValueImportQuery),
    async (c) => {
      const { user } = requireRole(c, 'admin', 'account_manager');
      const { db, clock } = c.var.deps;
      const { dryRun } = c.req.valid('query');
      const parsed = await parseCsvUpload(c, parseValueImport);
      const visible = await listImportableAccounts(db, accountOwnerScope(user));
      const accountOf = accountFinder(visible);
      const existing = await existingValueKeys(db, visible.map((a) => a.id));
      const seen = new Map<string, number>();
      const now = clock.now();

      const rows: AccountValueImportRow[] = [];
      for (const row of parsed) {
        if (!row.ok) {
          rows.push({ line: row.line, status: 'error', account: row.account, accountId: null, quarter: row.quarter, errors: row.errors });
          continue;
        }
        const { account: ref, quarter, ...figures } = row.value;
        const named = accountOf(ref);
        const fail = (message: string) =>
          rows.push({ line: row.line, status: 'error', account: ref, accountId: null, quarter, errors: [{ column: 'account', message }] });
        // Another manager's account is "not found" here too.
        if (named.length === 0) {
          fail('no such account');
          continue;
        }
        if (named.length > 1) {
          fail('several accounts have this name: use the account id');
          continue;
        }
        const account = named[0]!;
        const key = `${account.id}|${quarter}`;
        if (seen.has(key)) {
          rows.push({ line: row.line, status: 'error', account: ref, accountId: account.id, quarter, errors: [{ column: 'quarter', message: `this account and quarter are already on line ${seen.get(key)}` }] });
          continue;
        }
        seen.set(key, row.line);
        const status = existing.has(key) ? 'updated' : 'created';
        if (!dryRun) await upsertAccountValue(db, account.id, quarter, figures, user.id, now);
        rows.push({ line: row.line, status, account: account.name, accountId: account.id, quarter, errors: [] });
      }
      const tally = (s: AccountValueImportRow['status']) => rows.filter((r) => r.status === s).length;
      return c.json({ dryRun, created: tally('created'), updated: tally('updated'), failed: tally('error'), rows });
    },
  )
  .get(
    '/accounts/:id/value',
    describe({ summary: "An account's figures per quarter, oldest first, with the direction of its contribution", tags: ['Account value'], responses: { 200: AccountValueHistory } }),
    valid('param', IdParams),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const rows = await listAccountValues(c.var.deps.db, account.id);
      const trend = accountTrend(account.id, rows.map((r) => r.value));
      return c.json({
        accountId: account.id,
        data: rows.map((r) => toAccountValue(r.value, r.enteredByName)),
        contributionSlope: trend.contributionSlope,
        direction: trend.direction,
      });
    },
  )
  .get(
    '/accounts/:id/value/:quarter',
    describe({ summary: "An account's figures for one quarter (2026-Q3)", tags: ['Account value'], responses: { 200: AccountValue } }),
    valid('param', AccountQuarterParams),
    async (c) => {
      const { id, quarter } = c.req.valid('param');
      const account = await loadAccountFor(c, id, 'view');
      const found = await getAccountValue(c.var.deps.db, account.id, quarter);
      if (!found) throw notFound('figures for this quarter');
      return c.json(toAccountValue(found.value, found.enteredByName));
    },
  )
  .put(
    '/accounts/:id/value/:quarter',
    describe({
      summary: "Enter or replace an account's figures for a quarter (its manager or an admin); money in cents",
      tags: ['Account value'],
      responses: { 200: AccountValue, 201: AccountValue },
    }),
    valid('param', AccountQuarterParams),
    valid('json', PutAccountValue),
    async (c) => {
      const { user } = requireAuth(c);
      const { id, quarter } = c.req.valid('param');
      const account = await loadAccountFor(c, id, 'edit');
      const { row, created } = await upsertAccountValue(c.var.deps.db, account.id, quarter, c.req.valid('json'), user.id, c.var.deps.clock.now());
      return c.json(toAccountValue(row, user.name), created ? 201 : 200);
    },
  );
