import { usePageTitle } from '../use-page-title.js';
import { isManager } from '../session.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { PrintButton } from '../components/csv-link.js';
import { ProgramTabs } from '../components/program-tabs.js';
import { changeArrow, HalfYearToolbar, loopWords, meanMargin, useHalfYearReport } from '../components/half-year-report.js';
import { formatChangeReason, formatDate, formatDecimal, formatMoney, formatNps, formatNumber, formatPercent, humanize, plural, formatPercentChange } from '../format.js';
import { NpsFigure } from '../components/nps-figure.js';
import { AccountTouchFacts, ProgramTouchSummary } from '../components/program-touches.js';
import { ProgramTeamVoice } from '../components/team-pulse.js';
import type { ProgramAccount, ProgramReport } from '../../../shared/schemas/program-report.js';

const REPORT_PATH = '/api/reports/program';

type Compared = ProgramAccount['sales'];

/** "+12 % (+40,000)" or "—". */
function changeWords(c: Compared, money = true): string {
  if (c.change === null) return '—';
  const amount = money ? formatMoney(c.change) : formatNumber(c.change);
  const signed = c.change > 0 ? `+${amount}` : amount;
  return c.changeShare === null ? signed : `${signed} (${formatPercentChange(c.changeShare)})`;
}
/** Today's quarter on the reader's calendar, '2026-Q4'. */
const currentQuarter = (now = new Date()) => `${now.getFullYear()}-Q${Math.floor(now.getMonth() / 3) + 1}`;

/**
 * The semi-annual program evaluation, printable for the annual review: the accounts needing a decision first with
 * their reasons, what improved and what needs attention, and per key account the half against the one before.
 */
export default function ProgramEvaluation() {
  usePageTitle('Program evaluation');
  const halfYear = useHalfYearReport<ProgramReport>(REPORT_PATH);
  const { report } = halfYear;

  return (
    <div class="program-page program-evaluation">
      <div class="page-head">
        <h1>Program evaluation{report.data ? ` ${report.data.period}` : ''}</h1>
        <div class="actions">
          <PrintButton />
        </div>
      </div>
      <ProgramTabs current="/program/evaluation" />
      <HalfYearToolbar id="eval-period" path={REPORT_PATH} csvLabel="Download evaluation CSV" state={halfYear} />
      <div aria-live="polite">{report.loading && <Loading what="Evaluating the program…" />}</div>
      {report.error && <ErrorState error={report.error} retry={report.reload} />}
      {report.data && report.data.accounts.length === 0 && (
        <Empty>
          <p>
            No key accounts {isManager() ? 'of yours ' : ''}yet — <a href="/program/selection">choose them on the selection page</a>.
          </p>
        </Empty>
      )}
      {report.data && report.data.accounts.length > 0 && <Report report={report.data} />}
    </div>
  );
}

function Report({ report }: { report: ProgramReport }) {
  const p = report.program;
  const deciding = report.accounts.filter((a) => a.evaluation.needsDecision);
  const attention = p.needsAttention.filter((n) => !n.decision);
  return (
    <>
      <p class="lead">
        {formatDate(report.from)} – {formatDate(report.to)}, compared with {report.previousPeriod}. {plural(p.accounts, 'key account')},{' '}
        {formatNumber(p.needingDecision)} needing a decision.
      </p>
      {report.running && (
        <p class="notice running-half">
          {report.period} is still running (until {formatDate(report.to)}). To compare like with like, this page compares{' '}
          {report.quarters.length === 1 && report.quarters[0]! >= currentQuarter() ? `${report.quarters[0]} so far` : report.quarters.join(' and ')} with the
          same {report.previousQuarters.length === 1 ? 'quarter' : 'quarters'} of {report.previousPeriod} ({report.previousQuarters.join(' and ')}) — sales,
          profit and NPS alike — not a part of a half with a whole one.
        </p>
      )}
      <div class="cards value-stats">
        <ProgramCard title="Sales" figure={p.sales} />
        <ProgramCard title="Gross profit" figure={p.grossProfit} />
        <ProgramCard title="Contribution" figure={p.contribution} />
      </div>

      <section aria-labelledby="decision-heading">
        <h2 id="decision-heading">Accounts needing a decision ({formatNumber(deciding.length)})</h2>
        {deciding.length === 0 ? (
          <p>None this half: no key account meets a decision rule.</p>
        ) : (
          <ol class="decision-list">
            {deciding.map((a) => (
              <li key={a.accountId}>
                <a href={`#eval-${a.accountId}`}>{a.accountName}</a> ({a.owner.name})
                <ul>
                  {a.evaluation.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="overall-heading">
        <h2 id="overall-heading">The program overall</h2>
        <div class="eval-columns">
          <div class="card">
            <h3>What improved</h3>
            {p.improved.length === 0 ? (
              <p>Nothing improved beyond the margins this half.</p>
            ) : (
              <ul>
                {p.improved.map((i) => (
                  <li key={`${i.accountId}-${i.what}`}>
                    <span aria-hidden="true">▲ </span>
                    <strong>{i.accountName}</strong>: {i.what}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div class="card">
            <h3>What needs attention</h3>
            {attention.length === 0 ? (
              <p>Nothing beyond the decisions above.</p>
            ) : (
              <ul>
                {attention.map((i) => (
                  <li key={`${i.accountId}-${i.what}`}>
                    <span aria-hidden="true">▼ </span>
                    <strong>{i.accountName}</strong>: {i.what}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>

      <ProgramTeamVoice pulse={report.teamPulse} npsPeriod={report.running ? report.quarters.join(' + ') : report.period} />

      <ProgramTouchSummary report={report} />

      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Key accounts, {report.period} against {report.previousPeriod}</h2>
        {report.accounts.map((a) => (
          <AccountEvaluation
            key={a.accountId}
            account={a}
            period={report.running ? report.quarters.join(' + ') : report.period}
            previous={report.running ? report.previousQuarters.join(' + ') : report.previousPeriod}
          />
        ))}
      </section>
    </>
  );
}

function ProgramCard({ title, figure }: { title: string; figure: Compared }) {
  return (
    <div class="card">
      <h3>{title}</h3>
      <p class="stat">{formatMoney(figure.current)}</p>
      <p class="muted small">
        {changeArrow(figure.change)}
        {changeWords(figure)} against {formatMoney(figure.previous)}
      </p>
    </div>
  );
}

function AccountEvaluation({ account: a, period, previous }: { account: ProgramAccount; period: string; previous: string }) {
  const id = `eval-${a.accountId}`;
  const money = (label: string, c: Compared) => (
    <tr>
      <th scope="row">{label}</th>
      <td class="num">{formatMoney(c.current)}</td>
      <td class="num">{formatMoney(c.previous)}</td>
      <td class="num">
        {changeArrow(c.change)}
        {changeWords(c)}
      </td>
    </tr>
  );
  const npsSig = a.nps.change === null ? '' : ` — ${formatChangeReason(a.nps.reason)}`;
  const auditSig = a.audit.change === null ? '' : a.audit.significant ? ' — beyond the margin' : ' — within the margin';
  const loop = a.loop;
  return (
    <article id={id} class={`eval-account${a.evaluation.needsDecision ? ' needs-decision' : ''}`} aria-labelledby={`${id}-name`}>
      <h3 id={`${id}-name`}>
        <a href={`/accounts/${a.accountId}`}>{a.accountName}</a>
      </h3>
      <p class="small">
        Owner {a.owner.name}
        {a.renewalDate && <> · renewal {formatDate(a.renewalDate)}</>}
        {a.evaluation.needsDecision && (
          <>
            {' '}
            · <span class="decision-flag">● Needs a decision</span>
          </>
        )}
      </p>
      {(a.evaluation.reasons.length > 0 || a.evaluation.attention.length > 0 || a.evaluation.improvements.length > 0) && (
        <ul class="small">
          {a.evaluation.reasons.map((r) => (
            <li key={`r-${r}`}>
              <strong>Decision:</strong> {r}
            </li>
          ))}
          {a.evaluation.attention.map((r) => (
            <li key={`a-${r}`}>Attention: {r}</li>
          ))}
          {a.evaluation.improvements.map((r) => (
            <li key={`i-${r}`}>Improved: {r}</li>
          ))}
        </ul>
      )}
      <div class="table-wrap">
        <table class="data">
          <caption class="visually-hidden">
            {a.accountName}: {period} against {previous}
          </caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" class="num">{period}</th>
              <th scope="col" class="num">{previous}</th>
              <th scope="col" class="num">Change</th>
            </tr>
          </thead>
          <tbody>
            {money('Sales', a.sales)}
            {money('Gross profit', a.grossProfit)}
            {money('Contribution', a.contribution)}
            <tr>
              <th scope="row">NPS</th>
              <td class="num">
                <NpsFigure
                  figure={{ nps: a.nps.current.nps, margin: a.nps.current.marginOfError, responses: a.nps.current.responses, asked: a.nps.current.asked, everyoneAnswered: a.nps.current.everyoneAnswered }}
                />
                {a.nps.current.nps === null && <div class="small muted">No answers</div>}
              </td>
              <td class="num">
                <NpsFigure
                  figure={{ nps: a.nps.previous.nps, margin: a.nps.previous.marginOfError, responses: a.nps.previous.responses, asked: a.nps.previous.asked, everyoneAnswered: a.nps.previous.everyoneAnswered }}
                />
                {a.nps.previous.nps === null && <div class="small muted">No answers</div>}
              </td>
              <td class="num">
                {changeArrow(a.nps.change)}
                {a.nps.change === null ? '—' : formatNps(a.nps.change)}
                {npsSig}
              </td>
            </tr>
            <tr>
              <th scope="row">Audit marks (of 10)</th>
              <td class="num">
                {a.audit.latest ? `${formatDecimal(a.audit.latest.mean)}${meanMargin(a.audit.latest.marginOfError)}` : '—'}
                {a.audit.latest && <div class="small muted">wave of {formatDate(a.audit.latest.sentAt)}</div>}
              </td>
              <td class="num">
                {a.audit.previous ? `${formatDecimal(a.audit.previous.mean)}${meanMargin(a.audit.previous.marginOfError)}` : '—'}
                {a.audit.previous && <div class="small muted">wave of {formatDate(a.audit.previous.sentAt)}</div>}
              </td>
              <td class="num">
                {changeArrow(a.audit.change)}
                {a.audit.change === null ? '—' : formatDecimal(a.audit.change)}
                {auditSig}
              </td>
            </tr>
            <tr>
              <th scope="row">Partnership score</th>
              <td class="num">{a.partnership.latest === null ? '—' : `${formatNumber(a.partnership.latest)} %`}</td>
              <td class="num">{a.partnership.previous === null ? '—' : `${formatNumber(a.partnership.previous)} %`}</td>
              <td class="num">
                {changeArrow(a.partnership.change)}
                {a.partnership.change === null ? '—' : `${a.partnership.change > 0 ? '+' : ''}${formatNumber(a.partnership.change)} points`}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <dl class="eval-facts">
        <div>
          <dt>Closing the loop</dt>
          <dd>
            {loopWords(loop)}
          </dd>
        </div>
        <div>
          <dt>Account plan</dt>
          <dd>
            {!a.plan.exists ? (
              'No plan yet'
            ) : (
              <>
                {a.plan.current ? 'Current' : 'Not updated this half'} (updated {formatDate(a.plan.updatedAt)}); {formatNumber(a.plan.done)} of {plural(a.plan.actions, 'action')} done
                {a.plan.doneShare !== null && ` (${formatPercent(a.plan.doneShare)})`}
              </>
            )}{' '}
            — <a href={`/accounts/${a.accountId}/plan`}>plan</a>
          </dd>
        </div>
        <div>
          <dt>Relationship coverage</dt>
          <dd>
            {Object.entries(a.relationships.contacts)
              .map(([level, n]) => `${humanize(level)}s: ${formatNumber(n)}`)
              .join(', ')}
            ; {formatNumber(a.relationships.counterpartPairs)} counterpart {a.relationships.counterpartPairs === 1 ? 'pair' : 'pairs'}
            {a.relationships.gaps.length > 0 && <strong> — nobody at {a.relationships.gaps.map((g) => humanize(g).toLowerCase()).join(', ')} level</strong>}
          </dd>
        </div>
        <AccountTouchFacts touches={a.touches} />
        <div>
          <dt>Partnership</dt>
          <dd>
            {a.partnership.assessedAt ? `Last assessed ${formatDate(a.partnership.assessedAt)}` : 'Not assessed yet'} —{' '}
            <a href={`/accounts/${a.accountId}/partnership`}>indicators</a>
          </dd>
        </div>
      </dl>
    </article>
  );
}
