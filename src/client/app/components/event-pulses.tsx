import { withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { Empty, ErrorState, Loading } from './states.js';
import { skipReasonWords } from './skip-reasons.js';
import { formatDate, formatDecimal, formatMargin, formatNumber, plural } from '../format.js';
import type { Pulse, PulsePage, PulseTrend } from '../../../shared/schemas/pulse.js';

/**
 * The account page's "Pulses after events" (issue 14, part 2): per event type, the mean mark out of ten of the last
 * four quarters with its margin, and the latest pulses with their mark and comment. Read-only: integrations post the
 * events (POST /api/pulses); admins set the event types up under Admin · Event types.
 */
export function EventPulses({ accountId }: { accountId: string }) {
  const list = useApi<PulsePage>(withQuery('/api/pulses', { accountId, pageSize: 8 }));
  const trend = useApi<PulseTrend>(withQuery('/api/reports/pulses', { accountId, groupBy: 'quarter', periods: 4 }));
  const types = trend.data?.eventTypes.filter((t) => t.sent > 0) ?? [];
  return (
    <section aria-labelledby="pulses-title" class="event-pulses">
      <h2 id="pulses-title">Pulses after events</h2>
      {(list.loading || trend.loading) && !list.data && <Loading what="Loading the pulses…" />}
      {list.error && <ErrorState error={list.error} retry={list.reload} />}
      {list.data && list.data.total === 0 && (
        <Empty>
          <p>No pulses yet: a short survey goes to a contact after a delivery, a closed ticket or a milestone once your systems post the event.</p>
        </Empty>
      )}
      {types.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <caption>Mean mark out of ten, last four quarters</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col" class="num">Sent</th>
                <th scope="col" class="num">Answered</th>
                <th scope="col" class="num">Mean mark</th>
              </tr>
            </thead>
            <tbody>
              {types.map((t) => (
                <tr key={t.event}>
                  <th scope="row">{t.name}</th>
                  <td class="num">{formatNumber(t.sent)}</td>
                  <td class="num">{formatNumber(t.answered)}</td>
                  <td class="num">
                    {formatDecimal(t.meanMark)}
                    {t.marginOfError !== null && <span class="muted small"> {formatMargin(t.marginOfError)}</span>}
                    {t.answered > 0 && t.answered < 5 && <span class="muted small"> (few answers)</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && list.data.total > 0 && (
        <>
          <ul class="responses">
            {list.data.data.map((p) => (
              <li key={p.id} class="response">
                <div class="response-head">
                  {p.answer?.mark != null ? <span class={`badge ${markBand(p.answer.mark)}`}>{p.answer.mark}/10</span> : <span class="badge">{statusWords(p)}</span>}{' '}
                  <strong>
                    {p.eventName} {p.reference}
                  </strong>{' '}
                  <span class="muted small">
                    · {p.contactName} · {formatDate(p.occurredAt)}
                  </span>
                </div>
                {p.answer?.comment && <blockquote>{p.answer.comment}</blockquote>}
              </li>
            ))}
          </ul>
          {list.data.total > list.data.data.length && <p class="muted small">The latest {plural(list.data.data.length, 'pulse')} of {formatNumber(list.data.total)}.</p>}
        </>
      )}
    </section>
  );
}

/** The NPS colours, read for marks out of ten: 9–10 good, 7–8 fair, 1–6 low (the follow-up rule's band). */
const markBand = (mark: number) => (mark >= 9 ? 'promoter' : mark >= 7 ? 'passive' : 'detractor');

function statusWords(p: Pulse): string {
  switch (p.status) {
    case 'scheduled':
      return `Goes ${formatDate(p.sendAt)}`;
    case 'sent':
      return 'Sent, no answer yet';
    case 'skipped':
      return `Not sent: ${p.skipReason ? skipReasonWords[p.skipReason].toLowerCase() : 'skipped'}`;
    case 'cancelled':
      return 'Cancelled (event type off)';
  }
}
