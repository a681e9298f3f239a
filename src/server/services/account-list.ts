import type { AppDeps } from '../http/context.js';
import { getAccountsByIds, getOwnerNames, listAccountIdsByName, listAccounts, toAccount, type AccountRow } from '../db/queries/accounts.js';
import { assessAccounts, type AssessedAccount } from './account-risk.js';
import type { AccountHealth, AccountListItem, AccountListQuery } from '../../shared/schemas/account.js';
import type { Page } from '../../shared/schemas/common.js';

/**
 * GET /api/accounts: the stored columns are filtered, sorted and paged by the database. NPS and risk are computed
 * by the risk report's service (a fixed handful of set-based queries, services/account-risk.ts):
 * - only asked to show them (`include=health`): they are computed for the page's accounts alone;
 * - sorting by NPS or filtering by risk: they are computed for every account matching the other filters, then
 *   filtered, sorted and paged here, so `total` and the pages are right (paging first would sort one page only).
 */
export async function listAccountsWithHealth(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config'>,
  query: AccountListQuery,
  ownerScope: string | null,
): Promise<Page<AccountListItem>> {
  const { db } = deps;
  const byNps = query.sort === 'nps' || query.sort === '-nps';
  const withHealth = byNps || query.risk !== undefined || query.include === 'health';

  let page: Page<AccountRow>;
  let health = new Map<string, AccountHealth>();
  if (byNps || query.risk) {
    const ids = await listAccountIdsByName(db, query, ownerScope);
    health = healthOf(ids, await assessAccounts(deps, { ownerId: ownerScope, accountIds: ids }));
    let chosen = query.risk ? ids.filter((id) => query.risk!.includes(health.get(id)!.risk!)) : ids;
    if (byNps) {
      const sign = query.sort === '-nps' ? -1 : 1;
      // Accounts without an NPS last either way; the name order of `ids` breaks ties (Array.sort is stable).
      chosen = [...chosen].sort((a, b) => {
        const x = health.get(a)!.nps;
        const y = health.get(b)!.nps;
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        return sign * (x - y);
      });
    }
    const pageIds = chosen.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    const rows = new Map((await getAccountsByIds(db, pageIds)).map((r) => [r.id, r]));
    page = { data: pageIds.map((id) => rows.get(id)!), page: query.page, pageSize: query.pageSize, total: chosen.length };
  } else {
    page = await listAccounts(db, query, ownerScope);
    if (withHealth) {
      const ids = page.data.map((r) => r.id);
      health = healthOf(ids, await assessAccounts(deps, { ownerId: ownerScope, accountIds: ids }));
    }
  }

  const owners = await getOwnerNames(db, page.data.map((r) => r.ownerId));
  return {
    ...page,
    data: page.data.map((row) => ({
      ...toAccount(row),
      owner: { id: row.ownerId, name: owners.get(row.ownerId) ?? '' },
      ...(withHealth ? { health: health.get(row.id)! } : {}),
    })),
  };
}

/** As the NPS trend rounds its figures (services/nps-report.ts), so every page shows the same margin. */
const round = (n: number | null) => (n === null ? null : Number(n.toFixed(2)));

/** Health per account id; accounts the risk report does not score (suspects, prospects, archived) get none. */
function healthOf(ids: string[], assessed: AssessedAccount[]): Map<string, AccountHealth> {
  const out = new Map<string, AccountHealth>();
  for (const id of ids) {
    out.set(id, { nps: null, npsMargin: null, npsPeriod: null, npsResponses: 0, npsAsked: null, npsEveryoneAnswered: false, risk: null, riskScore: null, riskReasons: [] });
  }
  for (const { account, latest, risk } of assessed) {
    out.set(account.id, {
      nps: round(latest?.nps ?? null),
      npsMargin: round(latest?.margin ?? null),
      npsPeriod: latest?.period ?? null,
      npsResponses: latest?.responses ?? 0,
      npsAsked: latest?.asked ?? null,
      npsEveryoneAnswered: latest?.everyoneAnswered ?? false,
      risk: risk.level,
      riskScore: risk.score,
      riskReasons: risk.reasons,
    });
  }
  return out;
}
