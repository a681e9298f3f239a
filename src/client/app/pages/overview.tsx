import { useMemo, useState } from 'preact/hooks';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { CsvLink, PrintButton } from '../components/csv-link.js';
import { RiskBadge } from '../components/risk-badge.js';
import { TrendChart } from '../components/trend-chart.js';
import { formatChangeReason, formatDate, formatDateTime, formatNps, formatNpsMargin, formatNumber, formatPercent, humanize, plural, formatHours } from '../format.js';
import { NpsFigure } from '../components/nps-figure.js';
import { TeamPulseCards } from '../components/team-pulse-cards.js';
import { csvWriteOptions } from '../../../shared/csv.js';
import type { NpsReport, NpsReportPeriod } from '../../../shared/schemas/report.js';
import type { RiskReport } from '../../../shared/schemas/risk-report.js';
import type { LoopMetrics } from '../../../shared/schemas/loop-report.js';
import type { OverviewReport, OverviewSplit } from '../../../shared/schemas/overview-report.js';

/** Everything on the page, in one request; the CSV links use each part's own report. */
const OVERVIEW_PATH = '/api/reports/overview';
const NPS_PATH = '/api/reports/nps';
const RISK_PATH = '/api/reports/risk';
const LOOP_PATH = '/api/reports/loop';

/** The latest period with answers (the trend's "now"), or null. */
function latestAnswered(report: NpsReport): NpsReportPeriod | null {
  return [...report.periods].reverse().find((p) => p.responses > 0) ?? null;
}


/**
 * The executive overview: the portfolio's NPS trend with its margin band and response rate, the split by
 * industry / stage / owner, the promoter–passive–detractor distribution, the Monday Morning Report (sortable)
 * and loop metrics per manager. Each section has its CSV; the print stylesheet makes it a clean report.
 */
export default function Overview() {
  usePageTitle('Overview');
  const overview = useApi<OverviewReport>(OVERVIEW_PATH);
  const data = overview.data;

  return (
    <>
      <div class="page-head">
        <h1>Portfolio overview</h1>
        <div class="actions">
          <PrintButton />
        </div>
      </div>
      <TeamPulseCards />
      {overview.loading && !data && <Loading what="Loading the portfolio…" />}
      {overview.error && <ErrorState error={overview.error} retry={overview.reload} />}
      {data && data.trend.total.responses === 0 && (
        <Empty>
          <p>
            No responses yet — <a href="/campaigns/new">send a campaign</a>.
          </p>
        </Empty>
      )}
      {data && data.trend.total.responses > 0 && (
        <>
          <TrendSection report={data.trend} />
          <Distribution report={data.trend} />
          <SplitSection splits={data.splits} />
        </>
      )}
      {data && <RiskSection report={data.risk} />}
      {data && <LoopSection loop={data.loop} />}
    </>
  );
}

function TrendSection({ report }: { report: NpsReport }) {
  const latest = latestAnswered(report);
  const points = report.periods.map((p) => ({ label: p.period, value: p.nps, margin: p.marginOfError, count: p.responses }));
  return (
    <section class="report-section" aria-labelledby="trend-heading">
      <div class="section-head">
        <h2 id="trend-heading">Portfolio NPS</h2>
        <CsvLink path={NPS_PATH} query={{ scope: 'portfolio', groupBy: 'quarter' }} label="Download trend CSV" />
      </div>
      {latest && (
        <div class="cards overview-stats">
          <div class="card">
            <h3>NPS {latest.period}</h3>
            <p class="stat">
              {formatNps(latest.nps)}
              <span class="stat-margin"> {formatNpsMargin({ nps: latest.nps, margin: latest.marginOfError, responses: latest.responses })}</span>
            </p>
            <p class="muted">
              {plural(latest.responses, 'answer')} ({report.confidence * 100}% confidence)
            </p>
          </div>
          <div class="card">
            <h3>Response rate {latest.period}</h3>
            <p class="stat">{formatPercent(latest.responseRate)}</p>
            <p class="muted">
              {formatNumber(latest.responses)} of {formatNumber(latest.invited)} invited
            </p>
          </div>
          <div class="card">
            <h3>Change since {latest.change?.since ?? 'the period before'}</h3>
            <p class="stat">{latest.change ? formatNps(latest.change.change) : '—'}</p>
            <p class="muted">{latest.change ? formatChangeReason(latest.change.reason) : 'Nothing to compare with yet'}</p>
          </div>
        </div>
      )}
      <TrendChart title={`Portfolio NPS by quarter, with its margin of error (${report.timeZone})`} points={points} />
      <div class="table-wrap">
        <table class="data">
          <caption>NPS and response rate per quarter</caption>
          <thead>
            <tr>
              <th scope="col">Quarter</th>
              <th scope="col" class="num">NPS</th>
              <th scope="col" class="num">Responses</th>
              <th scope="col" class="num">Invited</th>
              <th scope="col" class="num">Response rate</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {report.periods.map((p) => (
              <tr key={p.period}>
                <th scope="row">{p.period}</th>
                <td class="num">
                  <NpsFigure figure={{ nps: p.nps, margin: p.marginOfError, responses: p.responses }} period={p.period} compact />
                </td>
                <td class="num">{formatNumber(p.responses)}</td>
                <td class="num">{formatNumber(p.invited)}</td>
                <td class="num">{formatPercent(p.responseRate)}</td>
                <td>{p.change ? `${formatNps(p.change.change)} — ${formatChangeReason(p.change.reason)}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}


/** Promoters, passives and detractors of the latest quarter: a bar, and the same numbers in words. */
function Distribution({ report }: { report: NpsReport }) {
  const latest = latestAnswered(report);
  if (!latest) return null;
  const total = latest.promoters + latest.passives + latest.detractors;
  const parts = [
    { key: 'promoter', label: 'Promoters (9–10)', n: latest.promoters },
    { key: 'passive', label: 'Passives (7–8)', n: latest.passives },
    { key: 'detractor', label: 'Detractors (0–6)', n: latest.detractors },
  ];
  const W = 600;
  let x = 0;
  return (
    <section class="report-section" aria-labelledby="distribution-heading">
      <div class="section-head">
        <h2 id="distribution-heading">Promoters, passives and detractors ({latest.period})</h2>
        <CsvLink path={NPS_PATH} query={{ scope: 'portfolio', groupBy: 'quarter' }} label="Download counts CSV" />
      </div>
      <svg class="distribution" viewBox={`0 0 ${W} 28`} preserveAspectRatio="none" role="img" aria-label={parts.map((p) => `${p.label}: ${p.n}`).join(', ')}>
        {parts.map((p) => {
          const width = total ? (p.n / total) * W : 0;
          const rect = <rect key={p.key} class={`bar-${p.key}`} x={x} y={0} width={width} height={28} />;
          x += width;
          return rect;
        })}
      </svg>
      <ul class="distribution-legend">
        {parts.map((p) => (
          <li key={p.key}>
            <span class={`badge ${p.key}`}>{p.label}</span> {formatNumber(p.n)} ({formatPercent(total ? p.n / total : null)})
          </li>
        ))}
      </ul>
    </section>
  );
}

/** NPS per industry, stage or owner, as the overview answered it: switching the split asks the server nothing. */
function SplitSection({ splits }: { splits: OverviewReport['splits'] }) {
  const [by, setBy] = useState<OverviewSplit>('industry');
  const rows = useMemo(() => splits[by].map((r) => ({ ...r, label: by === 'stage' ? humanize(r.label) : r.label })), [splits, by]);

  // csv-stringify's browser build is fetched on the first download only: nobody pays for it who never clicks.
  const downloadCsv = async () => {
    const { stringify } = await import('csv-stringify/browser/esm/sync');
    const csv = stringify(
      [
        ['group', 'period', 'nps', 'marginOfError', 'responses', 'changeSince', 'change', 'significant', 'changeReason'],
        ...rows.map((r) => [
          r.label, r.latest?.period, r.latest?.nps, r.latest?.marginOfError, r.latest?.responses ?? 0,
          r.latest?.change?.since, r.latest?.change?.change, r.latest?.change?.significant, r.latest?.change?.reason,
        ]),
      ],
      csvWriteOptions,
    );
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `keypulse-nps-by-${by}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  };

  return (
    <section class="report-section" aria-labelledby="split-heading">
      <div class="section-head">
        <h2 id="split-heading">NPS by {by}</h2>
        <button type="button" class="secondary no-print" onClick={downloadCsv}>
          Download split CSV
        </button>
      </div>
      <div class="toolbar">
        <div class="field">
          <label for="split-by">Split the portfolio by</label>
          <select id="split-by" value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value as OverviewSplit)}>
            <option value="industry">Industry</option>
            <option value="stage">Stage</option>
            <option value="owner">Owner</option>
          </select>
        </div>
      </div>
      <div aria-live="polite">
        {rows.length === 0 && (
          <Empty>
            <p>No groups to compare yet.</p>
          </Empty>
        )}
        {rows.length > 0 && (
          <div class="table-wrap">
            <table class="data">
              <caption class="visually-hidden">Latest quarter's NPS by {by}</caption>
              <thead>
                <tr>
                  <th scope="col">{humanize(by)}</th>
                  <th scope="col" class="num">
                    NPS ± margin
                  </th>
                  <th scope="col" class="num">
                    Responses
                  </th>
                  <th scope="col">Quarter</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.scope}>
                    <th scope="row">{r.label}</th>
                    <td class="num">
                      {r.latest ? <NpsFigure figure={{ nps: r.latest.nps, margin: r.latest.marginOfError, responses: r.latest.responses }} compact /> : '—'}
                    </td>
                    <td class="num">{formatNumber(r.latest?.responses ?? 0)}</td>
                    <td>{r.latest?.period ?? 'No answers yet'}</td>
                    <td>
                      {r.latest?.change
                        ? `${formatNps(r.latest.change.change)} since ${r.latest.change.since} — ${formatChangeReason(r.latest.change.reason)}`
                        : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}

type RiskRow = RiskReport['accounts'][number];
type SortKey = 'level' | 'name' | 'owner' | 'nps' | 'reasons';
const levelRank: Record<RiskRow['level'], number> = { red: 0, amber: 1, green: 2 };
const sorters: Record<SortKey, (a: RiskRow, b: RiskRow) => number> = {
  // Most at risk first (then the higher score), as the report itself orders them.
  level: (a, b) => levelRank[a.level] - levelRank[b.level] || b.score - a.score,
  name: (a, b) => a.name.localeCompare(b.name),
  owner: (a, b) => a.owner.name.localeCompare(b.owner.name) || a.name.localeCompare(b.name),
  // Accounts without an NPS go last either way.
  nps: (a, b) => (a.nps ?? Infinity) - (b.nps ?? Infinity),
  reasons: (a, b) => b.reasons.length - a.reasons.length || levelRank[a.level] - levelRank[b.level],
};
const columns: { key: SortKey; label: string; num?: boolean }[] = [
  { key: 'level', label: 'Level' },
  { key: 'name', label: 'Account' },
  { key: 'owner', label: 'Owner' },
  { key: 'nps', label: 'NPS', num: true },
  { key: 'reasons', label: 'Reasons' },
];

/** The Monday Morning Report: every account, colour + shape + word, sortable by each column. */
function RiskSection({ report }: { report: RiskReport }) {
  const [sort, setSort] = useState<{ key: SortKey | null; dir: 'ascending' | 'descending' }>({ key: null, dir: 'ascending' });
  const rows = useMemo(() => {
    const list = [...report.accounts];
    if (sort.key) {
      const compare = sorters[sort.key];
      list.sort((a, b) => (sort.dir === 'ascending' ? compare(a, b) : compare(b, a)));
    }
    return list;
  }, [report, sort]);
  const toggle = (key: SortKey) =>
    setSort((s) => ({ key, dir: s.key === key && s.dir === 'ascending' ? 'descending' : 'ascending' }));

  return (
    <section class="report-section risk-report" aria-labelledby="risk-heading">
      <div class="section-head">
        <h2 id="risk-heading">Monday Morning Report</h2>
        <CsvLink path={RISK_PATH} label="Download risk CSV" />
      </div>
      {report.accounts.length === 0 && (
        <Empty>
          <p>
            No accounts yet — <a href="/accounts">add your key accounts</a>.
          </p>
        </Empty>
      )}
      {report.accounts.length > 0 && (
        <>
          <p class="muted">
            Generated {formatDateTime(report.generatedAt)}. Key accounts first, then other customers.{' '}
            <span aria-live="polite">{sort.key ? `Sorted by ${columns.find((c) => c.key === sort.key)!.label.toLowerCase()}, ${sort.dir}.` : ''}</span>
          </p>
          <div class="table-wrap">
            <table class="data risk-table">
              <caption class="visually-hidden">Accounts by risk; column headers sort the table</caption>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.key} scope="col" class={c.num ? 'num' : undefined} aria-sort={sort.key === c.key ? sort.dir : 'none'}>
                      <button type="button" class="sort" onClick={() => toggle(c.key)}>
                        {c.label}
                        <span aria-hidden="true" class="sort-mark">
                          {sort.key === c.key ? (sort.dir === 'ascending' ? ' ▲' : ' ▼') : ''}
                        </span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.accountId} class={`risk-row-${a.level}`}>
                    <td>
                      <RiskBadge level={a.level} />
                    </td>
                    <td>
                      <a href={`/accounts/${a.accountId}`}>{a.name}</a>
                      <div class="muted small">
                        {humanize(a.stage)}
                        {a.renewalDate ? ` · renews ${formatDate(a.renewalDate)}` : ''}
                      </div>
                    </td>
                    <td>{a.owner.name}</td>
                    <td class="num">
                      <NpsFigure
                        figure={{ nps: a.nps, margin: a.npsMargin, responses: a.npsResponses, asked: a.npsAsked, everyoneAnswered: a.npsEveryoneAnswered }}
                        period={a.npsPeriod}
                      />
                      {a.npsPeriod && <div class="muted small">{a.npsPeriod}</div>}
                    </td>
                    <td>
                      {a.reasons.length === 0 ? (
                        <span class="muted">Nothing to worry about</span>
                      ) : (
                        <ul class="reasons">
                          {a.reasons.map((r) => (
                            <li key={r.code}>{r.text}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}


/** How well the loop closes, per manager: speed, on-time share, and whether detractors came back happier. */
function LoopSection({ loop }: { loop: OverviewReport['loop'] }) {
  const cells = (m: LoopMetrics) => (
    <>
      <td class="num">{formatNumber(m.tasks)}</td>
      <td class="num">{formatNumber(m.open)}</td>
      <td class="num">{formatHours(m.medianHoursToFirstAction)}</td>
      <td class="num">{formatHours(m.medianHoursToClose)}</td>
      <td class="num">{formatPercent(m.closedOnTimeShare)}</td>
      <td class="num">{formatNumber(m.detractorsFollowedUp)}</td>
      <td class="num">{formatPercent(m.detractorsImprovedShare)}</td>
    </>
  );
  return (
    <section class="report-section" aria-labelledby="loop-heading">
      <div class="section-head">
        <h2 id="loop-heading">Closing the loop, per manager</h2>
        <CsvLink path={LOOP_PATH} label="Download loop CSV" />
      </div>
      {loop.portfolio.tasks === 0 && (
        <Empty>
          <p>No follow-up tasks yet: they appear when customers answer a campaign.</p>
        </Empty>
      )}
      {loop.portfolio.tasks > 0 && (
        <div class="table-wrap">
          <table class="data">
            <caption class="visually-hidden">Follow-up tasks per manager</caption>
            <thead>
              <tr>
                <th scope="col">Manager</th>
                <th scope="col" class="num">Tasks</th>
                <th scope="col" class="num">Open</th>
                <th scope="col" class="num">Median to first action</th>
                <th scope="col" class="num">Median to close</th>
                <th scope="col" class="num">Closed on time</th>
                <th scope="col" class="num">Detractors followed up</th>
                <th scope="col" class="num">Detractors improved</th>
              </tr>
            </thead>
            <tbody>
              {loop.managers.map((m) => (
                <tr key={m.userId}>
                  <th scope="row">{m.name}</th>
                  {cells(m)}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Portfolio</th>
                {cells(loop.portfolio)}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
