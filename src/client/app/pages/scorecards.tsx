import { usePageTitle } from '../use-page-title.js';
import { isManager } from '../session.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { PrintButton } from '../components/csv-link.js';
import { ProgramTabs } from '../components/program-tabs.js';
import { changeArrow, HalfYearToolbar, loopWords, meanMargin, useHalfYearReport } from '../components/half-year-report.js';
import { NpsFigure } from '../components/nps-figure.js';
import { formatChangeReason, formatDecimal, formatMoney, formatNps, formatNumber, formatPercent, humanize, plural, formatPercentChange } from '../format.js';
import type { Scorecard, ScorecardReport } from '../../../shared/schemas/scorecards.js';

const REPORT_PATH = '/api/reports/scorecards';
const signed = (text: string, n: number) => (n > 0 ? `+${text}` : text);

/** Account managers' scorecards: one card per manager (a manager sees only their own), the half against the one before. */
export default function Scorecards() {
  usePageTitle('Scorecards');
  const halfYear = useHalfYearReport<ScorecardReport>(REPORT_PATH);
  const { report } = halfYear;

  return (
    <div class="program-page scorecards">
      <div class="page-head">
        <h1>Scorecards{report.data ? ` ${report.data.period}` : ''}</h1>
        <div class="actions">
          <PrintButton />
        </div>
      </div>
      <ProgramTabs current="/program/scorecards" />
      <HalfYearToolbar id="scorecard-period" path={REPORT_PATH} csvLabel="Download scorecards CSV" state={halfYear} />
      <div aria-live="polite">{report.loading && <Loading what="Scoring…" />}</div>
      {report.error && <ErrorState error={report.error} retry={report.reload} />}
      {report.data && report.data.scorecards.length === 0 && (
        <Empty>
          <p>No manager owns key accounts yet — <a href="/program/selection">choose them on the selection page</a>.</p>
        </Empty>
      )}
      {report.data && report.data.scorecards.length > 0 && <Report report={report.data} />}
    </div>
  );
}

function Report({ report }: { report: ScorecardReport }) {
  const now = report.running ? report.quarters.join(' + ') : report.period;
  const before = report.running ? report.previousQuarters.join(' + ') : report.previousPeriod;
  return (
    <>
      <p class="lead">
        {isManager() ? 'Your key accounts' : 'Each manager’s key accounts'}, {now} against {before}.
        {report.running && ` ${report.period} is still running: its complete quarters are compared with the same quarters of ${report.previousPeriod}.`}
      </p>
      <ul class="small muted scorecard-notes">
        {report.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
      {report.scorecards.map((s) => (
        <ScorecardCard key={s.manager.id} card={s} now={now} before={before} />
      ))}
    </>
  );
}

function ScorecardCard({ card: s, now, before }: { card: Scorecard; now: string; before: string }) {
  const id = `scorecard-${s.manager.id}`;
  const rev = s.expansion.revenue;
  const nps = s.nps;
  const loop = s.loop;
  return (
    <article id={id} class="eval-account scorecard" aria-labelledby={`${id}-name`}>
      <h2 id={`${id}-name`}>{s.manager.name}</h2>
      <p class="small">{plural(s.keyAccounts, 'key account')}</p>
      <div class="table-wrap">
        <table class="data">
          <caption class="visually-hidden">
            {s.manager.name}: {now} against {before}
          </caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" class="num">{now}</th>
              <th scope="col" class="num">{before}</th>
              <th scope="col" class="num">Change</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">
                Revenue <span class="small muted">({plural(s.expansion.accounts, 'account')} with values in both, {formatNumber(s.expansion.growing)} growing)</span>
              </th>
              <td class="num">{formatMoney(rev.current)}</td>
              <td class="num">{formatMoney(rev.previous)}</td>
              <td class="num">
                {changeArrow(rev.change)}
                {rev.change === null ? '—' : signed(formatMoney(rev.change), rev.change)}
                {rev.changeShare !== null && ` (${formatPercentChange(rev.changeShare)})`}
              </td>
            </tr>
            <tr>
              <th scope="row">Gross margin</th>
              <td class="num">{formatPercent(s.margin.current)}</td>
              <td class="num">{formatPercent(s.margin.previous)}</td>
              <td class="num">
                {changeArrow(s.margin.changePoints)}
                {s.margin.changePoints === null ? '—' : `${signed(formatDecimal(s.margin.changePoints), s.margin.changePoints)} points`}
              </td>
            </tr>
            <tr>
              <th scope="row">NPS</th>
              <td class="num">
                <NpsFigure figure={{ nps: nps.current.nps, margin: nps.current.marginOfError, responses: nps.current.responses, asked: nps.current.asked, everyoneAnswered: nps.current.everyoneAnswered }} />
                {nps.current.nps === null && <div class="small muted">No answers (n = 0)</div>}
              </td>
              <td class="num">
                <NpsFigure figure={{ nps: nps.previous.nps, margin: nps.previous.marginOfError, responses: nps.previous.responses, asked: nps.previous.asked, everyoneAnswered: nps.previous.everyoneAnswered }} />
                {nps.previous.nps === null && <div class="small muted">No answers (n = 0)</div>}
              </td>
              <td class="num">
                {changeArrow(nps.change.points)}
                {nps.change.points === null ? '—' : formatNps(nps.change.points)} — {formatChangeReason(nps.change.reason)}
              </td>
            </tr>
            <tr>
              <th scope="row">
                Audit marks (of 10) <span class="small muted">(waves sent in each whole half)</span>
              </th>
              <td class="num">
                {s.audit.current.mean === null ? '—' : `${formatDecimal(s.audit.current.mean)}${meanMargin(s.audit.current.marginOfError)}`}
                <div class="small muted">{plural(s.audit.current.n, 'answer')}</div>
              </td>
              <td class="num">
                {s.audit.previous.mean === null ? '—' : `${formatDecimal(s.audit.previous.mean)}${meanMargin(s.audit.previous.marginOfError)}`}
                <div class="small muted">{plural(s.audit.previous.n, 'answer')}</div>
              </td>
              <td class="num">
                {changeArrow(s.audit.change)}
                {s.audit.change === null ? '—' : `${formatDecimal(s.audit.change)} — ${s.audit.significant ? 'beyond the margin' : 'within the margin'}`}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <dl class="eval-facts">
        <div>
          <dt>Customer share</dt>
          <dd>
            {s.customerShare.meanPercent === null
              ? `Not recorded in any plan (0 of ${formatNumber(s.customerShare.accounts)})`
              : `${formatDecimal(s.customerShare.meanPercent)} % of their spend on average, recorded in ${formatNumber(s.customerShare.recorded)} of ${plural(s.customerShare.accounts, 'plan')}`}
          </dd>
        </div>
        <div>
          <dt>Closing the loop</dt>
          <dd>
            {loopWords(loop)}
          </dd>
        </div>
        <div>
          <dt>Relationship coverage</dt>
          <dd>
            <ul class="coverage-list">
              {s.coverage.map((c) => (
                <li key={c.level}>
                  {humanize(c.level)}s: known at {formatNumber(c.known)} of {plural(c.accounts, 'key account')}, answered this half at {formatNumber(c.answered)}, met at {formatNumber(c.touched)}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
    </article>
  );
}
