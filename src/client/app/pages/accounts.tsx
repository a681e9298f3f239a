import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit, isManager } from '../session.js';
import { daysUntil, formatDate, formatMoney, humanize, relativeDays } from '../format.js';
import { NpsFigure } from '../components/nps-figure.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { RiskBadge } from '../components/risk-badge.js';
import { TouchpointImport } from '../components/touchpoint-import.js';
import { PortfolioImport } from '../components/portfolio-import.js';
import { Stage, type AccountListItem, type RiskLevel } from '../../../shared/schemas/account.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { User } from '../../../shared/schemas/user.js';

/**
 * The accounts list. Every filter, the sort and the page live in the URL query, so the back button and a shared
 * link show the same list. The API sorts and filters by NPS and risk over all matching accounts before paging.
 */

const RISKS: RiskLevel[] = ['red', 'amber', 'green'];
const riskWords: Record<RiskLevel, string> = { red: 'At risk', amber: 'Watch', green: 'On track' };
type SortKey = 'name' | 'nps' | 'annualRevenue' | 'renewalDate';
const PAGE_SIZE = 25;

export default function AccountsPage() {
  usePageTitle('Accounts');
  const { query, path, route } = useLocation();
  const manager = isManager();
  const sort = query.sort || 'name';
  const page = Number(query.page) || 1;
  const risk = (query.risk ?? '').split(',').filter((r): r is RiskLevel => (RISKS as string[]).includes(r));

  /** Changes some query values and goes there (a new history entry, so Back undoes it); filters reset the page. */
  const go = (changes: Record<string, string | undefined>, keepPage = false) => {
    const next: Record<string, string | undefined> = { ...query, ...changes };
    if (!keepPage) delete next.page;
    route(withQuery(path, next));
  };

  const list = useApi<Page<AccountListItem>>(
    withQuery('/api/accounts', {
      q: query.q,
      stage: query.stage,
      ownerId: manager ? undefined : query.owner,
      industry: query.industry,
      risk: risk.length ? risk.join(',') : undefined,
      sort,
      page,
      pageSize: PAGE_SIZE,
      include: 'health',
    }),
  );
  const owners = useApi<Page<User>>(manager ? null : '/api/users?pageSize=100');

  const [text, setText] = useState(query.q ?? '');
  const [industry, setIndustry] = useState(query.industry ?? '');
  useEffect(() => setText(query.q ?? ''), [query.q]);
  useEffect(() => setIndustry(query.industry ?? ''), [query.industry]);

  const filtered = Boolean(query.q || query.stage || query.owner || query.industry || risk.length);
  // On a phone the filters beyond the search box fold behind a button, so the list starts on the first screen.
  const activeFilters = [query.stage, query.owner, query.industry].filter(Boolean).length + (risk.length ? 1 : 0);
  const [showFilters, setShowFilters] = useState(false);

  const toggleRisk = (level: RiskLevel, on: boolean) => {
    const set = new Set(risk);
    if (on) set.add(level);
    else set.delete(level);
    go({ risk: RISKS.filter((r) => set.has(r)).join(',') || undefined });
  };

  return (
    <section class="accounts-page" aria-labelledby="accounts-title">
      <div class="page-head">
        <h1 id="accounts-title" tabIndex={-1}>
          Accounts
        </h1>
      </div>

      <form
        class="toolbar accounts-filters"
        role="search"
        aria-label="Find accounts"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim() || undefined, industry: industry.trim() || undefined });
        }}
      >
        <div class="field">
          <label for="accounts-q">Search</label>
          <input id="accounts-q" type="search" name="q" value={text} placeholder="Name or industry" onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <button type="button" class="secondary more-filters-toggle" aria-expanded={showFilters} aria-controls="accounts-more-filters" onClick={() => setShowFilters(!showFilters)}>
          {activeFilters ? `Filters (${activeFilters})` : 'Filters'}
        </button>
        <div id="accounts-more-filters" class={showFilters ? 'more-filters open' : 'more-filters'}>
        <div class="field">
          <label for="accounts-industry">Industry</label>
          <input id="accounts-industry" type="text" name="industry" value={industry} onInput={(e) => setIndustry(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="accounts-stage">Stage</label>
          <select id="accounts-stage" value={query.stage ?? ''} onChange={(e) => go({ stage: e.currentTarget.value || undefined })}>
            <option value="">All stages</option>
            {Stage.options.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
        {!manager && (
          <div class="field">
            <label for="accounts-owner">Owner</label>
            <select id="accounts-owner" value={query.owner ?? ''} onChange={(e) => go({ owner: e.currentTarget.value || undefined })}>
              <option value="">Everyone</option>
              {(owners.data?.data ?? [])
                .filter((u) => u.role === 'account_manager' || u.role === 'admin')
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </select>
          </div>
        )}
        <fieldset class="risk-filter">
          <legend>Risk</legend>
          {RISKS.map((level) => (
            <label key={level} class="check">
              <input type="checkbox" checked={risk.includes(level)} onChange={(e) => toggleRisk(level, e.currentTarget.checked)} /> {riskWords[level]}
            </label>
          ))}
        </fieldset>
        </div>
        <div class="actions">
          <button type="submit">Search</button>
          {filtered && (
            <button type="button" class="secondary" onClick={() => route(withQuery(path, { sort: query.sort }))}>
              Clear filters
            </button>
          )}
        </div>
      </form>

      <div aria-live="polite" class="list-status">
        {list.loading && !list.data && <Loading what="Loading accounts…" />}
        {list.error && <ErrorState error={list.error} retry={list.reload} />}
        {list.data && list.data.total === 0 && (
          <Empty>
            {filtered ? (
              <p>
                No accounts match these filters.{' '}
                <button type="button" class="secondary" onClick={() => route(path)}>
                  Show all accounts
                </button>
              </p>
            ) : manager ? (
              <p>
                You have no accounts yet. Ask an admin to hand you your key accounts, or create one through the API (
                <a href="/api/docs">POST /api/accounts</a>), then map its people and <a href="/campaigns/new">send a campaign</a>.
              </p>
            ) : canEdit() ? (
              <p>
                No accounts yet. Create them through the API (<a href="/api/docs">POST /api/accounts</a>) and give each an owner.
              </p>
            ) : (
              <p>No accounts yet: the account managers' accounts appear here once an admin has created them.</p>
            )}
          </Empty>
        )}
      </div>

      {list.data && list.data.total > 0 && (
        <>
          <div class="table-wrap">
            <table class="data accounts-table">
              <caption class="visually-hidden">Accounts, sorted by {sortLabel(sort)}</caption>
              <thead>
                <tr>
                  <SortHeader label="Name" field="name" sort={sort} onSort={(s) => go({ sort: s })} />
                  <SortHeader label="NPS" field="nps" sort={sort} onSort={(s) => go({ sort: s })} num />
                  <th scope="col">Risk</th>
                  <SortHeader label="Renewal" field="renewalDate" sort={sort} onSort={(s) => go({ sort: s })} />
                  <SortHeader label="Annual revenue" field="annualRevenue" sort={sort} onSort={(s) => go({ sort: s })} num />
                  <th scope="col">Stage</th>
                  <th scope="col">Owner</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((a) => (
                  <AccountRow key={a.id} account={a} />
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} noun="accounts" onPage={(p) => go({ page: String(p) }, true)} />
        </>
      )}
      {canEdit() && <PortfolioImport onImported={() => void list.reload()} />}
      {canEdit() && <TouchpointImport />}
    </section>
  );
}

function sortLabel(sort: string): string {
  const key = sort.replace(/^-/, '');
  const names: Record<string, string> = { name: 'name', nps: 'NPS', annualRevenue: 'annual revenue', renewalDate: 'renewal date', createdAt: 'creation date' };
  return `${names[key] ?? key}, ${sort.startsWith('-') ? 'descending' : 'ascending'}`;
}

/** A column header that sorts: a button inside the header, with aria-sort on the header. */
function SortHeader({ label, field, sort, onSort, num }: { label: string; field: SortKey; sort: string; onSort: (sort: string) => void; num?: boolean }) {
  const active = sort.replace(/^-/, '') === field;
  const descending = sort.startsWith('-');
  // A first click on a figure shows the biggest first; on a name or a date, A→Z and soonest first.
  const firstDescending = field === 'nps' || field === 'annualRevenue';
  const next = active ? (descending ? field : `-${field}`) : firstDescending ? `-${field}` : field;
  return (
    <th scope="col" class={num ? 'num' : undefined} aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick={() => onSort(next)}>
        {label}
        <span aria-hidden="true">{active ? (descending ? ' ↓' : ' ↑') : ' ↕'}</span>
      </button>
    </th>
  );
}

function AccountRow({ account: a }: { account: AccountListItem }) {
  const h = a.health;
  const days = a.renewalDate ? daysUntil(a.renewalDate) : null;
  return (
    <tr>
      <th scope="row">
        <a href={`/accounts/${a.id}`}>{a.name}</a>
        {a.industry && <div class="muted small">{a.industry}</div>}
      </th>
      <td class="num">
        {h && h.nps !== null ? (
          <>
            <NpsFigure
              figure={{ nps: h.nps, margin: h.npsMargin, responses: h.npsResponses, asked: h.npsAsked, everyoneAnswered: h.npsEveryoneAnswered }}
              period={h.npsPeriod}
            />
            {h.npsPeriod && <div class="muted small">{h.npsPeriod}</div>}
          </>
        ) : (
          <span class="muted">No answers</span>
        )}
      </td>
      <td>
        {h?.risk ? (
          h.riskReasons.length ? (
            <details class="risk-reasons">
              <summary>
                <RiskBadge level={h.risk} />
                <span class="visually-hidden"> — reasons</span>
              </summary>
              <ul>
                {h.riskReasons.map((r) => (
                  <li key={r.code}>{r.text}</li>
                ))}
              </ul>
            </details>
          ) : (
            <RiskBadge level={h.risk} />
          )
        ) : (
          <span class="muted">Not scored</span>
        )}
      </td>
      <td>
        {a.renewalDate ? (
          <>
            {formatDate(a.renewalDate)}
            <div class={`small ${days !== null && days < 0 ? 'overdue' : days !== null && days <= 120 ? 'renewal-soon' : 'muted'}`}>{relativeDays(a.renewalDate)}</div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td class="num">{formatMoney(a.annualRevenue)}</td>
      <td>{humanize(a.stage)}</td>
      <td>{a.owner.name}</td>
    </tr>
  );
}
