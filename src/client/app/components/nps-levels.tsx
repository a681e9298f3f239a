import { formatDate, formatNumber, plural } from '../format.js';
import { NpsFigure } from './nps-figure.js';
import type { NpsLevelCoverage, NpsLevelTrend, NpsReport, NpsWaveCoverage } from '../../../shared/schemas/report.js';
import type { Level } from '../../../shared/schemas/contact.js';

/** What the pages call each decision level: instigators are the decision makers. */
const levelNouns: Record<Level, { one: string; many: string }> = {
  instigator: { one: 'decision maker', many: 'decision makers' },
  influencer: { one: 'influencer', many: 'influencers' },
  implementer: { one: 'implementer', many: 'implementers' },
};

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The latest wave's coverage in words: "1 of 2 decision makers answered this wave; 2 of 3 influencers; no implementers
 * were asked." Decision makers first, since theirs is the answer that counts most.
 */
export function coverageWords(levels: NpsLevelCoverage[]): string {
  const part = (l: NpsLevelCoverage) => {
    const noun = levelNouns[l.level];
    return l.asked === 0 ? `no ${noun.many} were asked` : `${formatNumber(l.answered)} of ${plural(l.asked, noun.one, noun.many)}`;
  };
  const [first, ...rest] = levels;
  if (!first) return '';
  const head = first.asked === 0 ? `${part(first)} this wave` : `${part(first)} answered this wave`;
  return `${capitalize(head)}${rest.map((l) => `; ${part(l)}`).join('')}.`;
}

function Coverage({ coverage }: { coverage: NpsWaveCoverage }) {
  return (
    <p class="nps-coverage">
      <strong>{coverageWords(coverage.levels)}</strong>{' '}
      <span class="muted small">
        (Latest wave: {coverage.campaignName}
        {coverage.wave > 1 ? `, wave ${coverage.wave}` : ''}, sent {formatDate(coverage.sentAt)}.)
      </span>
    </p>
  );
}

/** The latest period in which the level answered, or null. */
const latestOf = (trend: NpsLevelTrend) => [...trend.periods].reverse().find((p) => p.responses > 0) ?? null;

/**
 * "Who is speaking": the NPS per decision level over the report's range and in its latest period with answers (each
 * with its own margin, or "all 2 contacts answered" — never ±0.0), then the latest wave's coverage in words.
 */
export function NpsLevels({ report, periodName }: { report: NpsReport; periodName: string }) {
  if (!report.levels) return null;
  // Nothing to say before the first wave; after one that nobody answered, the coverage alone says so.
  if (!report.coverage && report.total.responses === 0) return null;
  return (
    <div class="nps-levels">
      <h3 id="nps-levels-title">Who is speaking</h3>
      {report.coverage ? <Coverage coverage={report.coverage} /> : <p class="muted">No wave has reached this account yet.</p>}
      {report.total.responses > 0 && (
        <div class="table-wrap">
          <table class="data" aria-labelledby="nps-levels-title">
            <thead>
              <tr>
                <th scope="col">Decision level</th>
                <th scope="col" class="num">
                  NPS over the range
                </th>
                <th scope="col" class="num">
                  Latest {periodName} with answers
                </th>
              </tr>
            </thead>
            <tbody>
              {report.levels.map((l) => {
                const latest = latestOf(l);
                return (
                  <tr key={l.level}>
                    <th scope="row">{capitalize(levelNouns[l.level].many)}</th>
                    <td class="num">
                      {l.total.responses === 0 ? (
                        <span class="muted">No answers</span>
                      ) : (
                        <NpsFigure figure={{ nps: l.total.nps, margin: l.total.marginOfError, responses: l.total.responses, asked: l.total.asked, everyoneAnswered: l.total.everyoneAnswered }} />
                      )}
                    </td>
                    <td class="num">
                      {latest ? (
                        <>
                          <NpsFigure
                            figure={{ nps: latest.nps, margin: latest.marginOfError, responses: latest.responses, asked: latest.asked, everyoneAnswered: latest.everyoneAnswered }}
                            period={latest.period}
                          />{' '}
                          <span class="muted small">({latest.period})</span>
                        </>
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
