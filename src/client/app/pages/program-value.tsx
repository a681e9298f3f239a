import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit, isManager } from '../session.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { CsvLink } from '../components/csv-link.js';
import { ProgramTabs } from '../components/program-tabs.js';
import { formatMoney, formatNumber, formatPercent, humanize } from '../format.js';
import { CsvImportControls } from '../components/import-result.js';
import { Quarter, type AccountValueImportResult, type ValueReport } from '../../../shared/schemas/program.js';
import type { z } from 'zod';

const VALUE_PATH = '/api/reports/value';
/** How many quarters the selector offers, back from the latest quarter with figures. */
const QUARTERS_OFFERED = 8;

type ImportResult = z.infer<typeof AccountValueImportResult>;

/** "2026-Q3" shifted by whole quarters. */
function shiftQuarter(quarter: string, offset: number): string {
  const [year, q] = quarter.split('-Q').map(Number) as [number, number];
  const index = year * 4 + q - 1 + offset;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

const stageLabel = (stage: string) => (stage === 'key_account' ? 'Key account' : humanize(stage));

/**
 * Account value per quarter: the 80/20 check, the accounts whose contribution is negative, and each account's
 * contribution over the last quarters as a sparkline with its numbers; CSV out, and CSV in with a dry run.
 */
export default function ProgramValue() {
  usePageTitle('Account value');
  const [quarter, setQuarter] = useState<string | undefined>(undefined);
  const [latest, setLatest] = useState<string | null>(null);
  const report = useApi<ValueReport>(withQuery(VALUE_PATH, { quarter }));
  // The newest quarter with figures (the API's default) anchors the selector's list.
  useEffect(() => {
    if (report.data?.quarter && latest === null && quarter === undefined) setLatest(report.data.quarter);
  }, [report.data, latest, quarter]);
  const newest = latest ?? report.data?.quarter ?? null;
  const options = newest ? Array.from({ length: QUARTERS_OFFERED }, (_, i) => shiftQuarter(newest, -i)) : [];

  return (
    <div class="program-page">
      <h1>Account value</h1>
      <ProgramTabs current="/program/value" />
      {isManager() && <p class="muted">Your accounts only.</p>}
      {options.length > 0 && (
        <div class="toolbar">
          <div class="field">
            <label for="value-quarter">Quarter</label>
            <select id="value-quarter" value={quarter ?? newest ?? ''} onChange={(e) => setQuarter(Quarter.safeParse(e.currentTarget.value).success ? e.currentTarget.value : undefined)}>
              {options.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </div>
          <CsvLink path={VALUE_PATH} query={{ quarter: quarter ?? newest ?? undefined }} label="Download value CSV" />
        </div>
      )}
      <div aria-live="polite">
        {report.loading && !report.data && <Loading what="Analysing the figures…" />}
        {report.loading && report.data && <p class="visually-hidden">Loading {quarter}…</p>}
      </div>
      {report.error && <ErrorState error={report.error} retry={report.reload} />}
      {report.data && report.data.quarter === null && (
        <Empty>
          <p>No quarterly figures yet — {canEdit() ? 'import them from CSV below' : 'ask an account manager to enter them'}.</p>
        </Empty>
      )}
      {report.data && report.data.quarter !== null && (
        <>
          <Pareto report={report.data} />
          <Negative report={report.data} />
          <Trend report={report.data} />
        </>
      )}
      {canEdit() && <ValueImport onImported={report.reload} />}
    </div>
  );
}

function Pareto({ report }: { report: ValueReport }) {
  const p = report.pareto;
  if (p.accounts === 0) {
    return (
      <section aria-labelledby="pareto-heading">
        <h2 id="pareto-heading">The 80/20 check ({report.quarter})</h2>
        <p>No figures for {report.quarter}: choose another quarter.</p>
      </section>
    );
  }
  const verdict =
    p.topRevenueShare === null
      ? ''
      : p.topRevenueShare >= 0.8
        ? 'The portfolio follows the 80/20 pattern: a few accounts bring most of the revenue.'
        : `The top 20 % bring less than 80 % of revenue: revenue is spread more evenly.`;
  return (
    <section aria-labelledby="pareto-heading">
      <h2 id="pareto-heading">The 80/20 check ({report.quarter})</h2>
      <p>
        The top {formatNumber(p.topCount)} of {formatNumber(p.accounts)} accounts by revenue ({p.topAccounts.map((a) => a.name).join(', ')}) bring{' '}
        <strong>{formatPercent(p.topRevenueShare)}</strong> of revenue, <strong>{formatPercent(p.topGrossProfitShare)}</strong> of gross profit and{' '}
        <strong>{formatPercent(p.topContributionShare)}</strong> of contribution. {verdict}
      </p>
      <div class="cards value-stats">
        <ShareCard title="Share of revenue" share={p.topRevenueShare} total={p.totalRevenue} />
        <ShareCard title="Share of gross profit" share={p.topGrossProfitShare} total={p.totalGrossProfit} />
        <ShareCard title="Share of contribution" share={p.topContributionShare} total={p.totalContribution} />
      </div>
    </section>
  );
}

function ShareCard({ title, share, total }: { title: string; share: number | null; total: number }) {
  const W = 200;
  const width = share === null ? 0 : Math.max(0, Math.min(1, share)) * W;
  return (
    <div class="card">
      <h3>{title}</h3>
      <p class="stat">{formatPercent(share)}</p>
      <svg width="100%" height="10" viewBox={`0 0 ${W} 10`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect class="score-track" width={W} height="10" />
        <rect class="crit-0" width={width} height="10" />
      </svg>
      <p class="muted small">from the top 20 %; total {formatMoney(total)}</p>
    </div>
  );
}

function Negative({ report }: { report: ValueReport }) {
  return (
    <section aria-labelledby="negative-heading">
      <h2 id="negative-heading">Accounts with a negative contribution ({report.quarter})</h2>
      {report.negativeContributors.length === 0 ? (
        <p>None: every account covered its cost to serve this quarter.</p>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <caption class="visually-hidden">Accounts whose gross profit does not cover team cost and discounts</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Stage</th>
                <th scope="col" class="num">Revenue</th>
                <th scope="col" class="num">Contribution</th>
              </tr>
            </thead>
            <tbody>
              {report.negativeContributors.map((n) => (
                <tr key={n.accountId}>
                  <th scope="row">
                    <a href={`/accounts/${n.accountId}`}>{n.name}</a>
                  </th>
                  <td>{stageLabel(n.stage)}</td>
                  <td class="num">{formatMoney(n.revenue)}</td>
                  <td class="num negative-amount">
                    <span aria-hidden="true">▼ </span>
                    {formatMoney(n.contribution)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Contribution per quarter as a small line; zero is the dashed line; the numbers are in the label and the table. */
function Sparkline({ points }: { points: { quarter: string; contribution: number }[] }) {
  const W = 120;
  const H = 32;
  const values = points.map((p) => p.contribution);
  const min = Math.min(0, ...values);
  const max = Math.max(0, ...values);
  const span = max - min || 1;
  const x = (i: number) => (points.length === 1 ? W / 2 : 4 + (i * (W - 8)) / (points.length - 1));
  const y = (v: number) => 4 + ((max - v) / span) * (H - 8);
  return (
    <svg class="sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false">
      <line class="spark-zero" x1={0} x2={W} y1={y(0)} y2={y(0)} />
      <polyline class="spark-line" points={points.map((p, i) => `${x(i)},${y(p.contribution)}`).join(' ')} />
      {points.map((p, i) => (
        <circle key={p.quarter} class={p.contribution < 0 ? 'spark-dot negative' : 'spark-dot'} cx={x(i)} cy={y(p.contribution)} r={2.5} />
      ))}
    </svg>
  );
}

const directionWords = { rising: '▲ rising', falling: '▼ falling', flat: '■ flat' } as const;

function Trend({ report }: { report: ValueReport }) {
  const accounts = [...report.accounts].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section aria-labelledby="trend-heading">
      <h2 id="trend-heading">Contribution trend per account</h2>
      <p class="muted">
        {report.quarters[0]} to {report.quarters.at(-1)}; contribution = gross profit − team cost − discounts.
      </p>
      <div class="table-wrap">
        <table class="data value-trend">
          <caption class="visually-hidden">Contribution per account and quarter</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Trend</th>
              <th scope="col">Direction</th>
              {report.quarters.map((q) => (
                <th key={q} scope="col" class="num">
                  {q}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.accountId}>
                <th scope="row">
                  <a href={`/accounts/${a.accountId}`}>{a.name}</a>
                  <div class="small muted">{stageLabel(a.stage)}</div>
                </th>
                <td>
                  <Sparkline points={a.points} />
                </td>
                <td>{a.direction ? directionWords[a.direction] : '—'}</td>
                {report.quarters.map((q) => {
                  const point = a.points.find((p) => p.quarter === q);
                  return (
                    <td key={q} class={point && point.contribution < 0 ? 'num negative-amount' : 'num'}>
                      {point ? formatMoney(point.contribution) : '—'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ValueImport({ onImported }: { onImported: () => void }) {
  return (
    <section class="value-import no-print" aria-labelledby="import-heading">
      <h2 id="import-heading">Import quarterly figures from CSV</h2>
      <p class="muted small">
        Columns: account (name or id), quarter (2026-Q3), revenue, gross profit, team cost, discounts — amounts in currency units such as 1250.50.
        {isManager() ? ' Your own accounts only.' : ''} Existing quarters are replaced. Check the file first; nothing is written until you import.
      </p>
      <CsvImportControls<ImportResult['rows'][number]>
        id="value-import-file"
        url="/api/accounts/value/import"
        noun={['row', 'rows']}
        onImported={onImported}
        columns={[
          { label: 'Account', value: (r) => r.account },
          { label: 'Quarter', value: (r) => r.quarter },
        ]}
      />
    </section>
  );
}

