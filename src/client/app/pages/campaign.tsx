import { useEffect, useRef, useState } from 'preact/hooks';
import { api, withQuery, type ApiProblem } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit } from '../session.js';
import { formatDate, formatDateTime, formatNumber, formatPercent, humanize, plural } from '../format.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { CampaignStatusBadge } from '../components/campaign-status.js';
import { skipReasonText, skipReasonWords } from '../components/skip-reasons.js';
import { SkipReason, type Campaign, type CampaignInvitation } from '../../../shared/schemas/campaign.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Survey } from '../../../shared/schemas/survey.js';
import type { z } from 'zod';

/**
 * One campaign: its live counts (refreshed every few seconds while emails are going out, and not otherwise),
 * who was asked and who skipped, and Cancel.
 */

const POLL_MS = 3000;
const PAGE_SIZE = 25;
type Invitation = z.infer<typeof CampaignInvitation>;

/** Emails are going out (or about to): worth refreshing. Idle otherwise. */
function isSending(c: Campaign, now = Date.now()): boolean {
  if (c.status === 'cancelled' || c.status === 'closed') return false;
  if (c.status === 'sending') return true;
  if (c.status === 'scheduled') return new Date(c.sendAt).getTime() <= now;
  return c.counts.queued > 0;
}

const repeatWords: Record<Campaign['repeat'], string> = { none: 'Once', quarterly: 'Every quarter', semiannual: 'Every six months', annual: 'Every year' };

function invitationStatus(i: Invitation): string {
  if (i.status === 'skipped') return `Skipped: ${i.skipReason ? skipReasonText(i.skipReason, i.recentSurvey) : 'unknown reason'}`;
  if (i.respondedAt) return 'Answered';
  if (i.status === 'sent') return i.remindersSent ? `Sent, reminded ${formatNumber(i.remindersSent)}×` : 'Sent';
  return humanize(i.status);
}

function Counts({ campaign }: { campaign: Campaign }) {
  const c = campaign.counts;
  const stats: [string, string][] = [
    ['Targeted', formatNumber(c.targeted)],
    ['Skipped', formatNumber(c.skipped)],
    ['Queued', formatNumber(c.queued)],
    ['Sent', formatNumber(c.sent)],
    ['Delivered', formatNumber(c.delivered)],
    ['Bounced', formatNumber(c.bounced)],
    ['Complained', formatNumber(c.complained)],
    ['Failed', formatNumber(c.failed)],
    ['Responded', formatNumber(c.responded)],
    ['Completed', formatNumber(c.completed)],
    ['Response rate', formatPercent(c.responseRate)],
  ];
  const reasons = SkipReason.options.filter((r) => c.skippedByReason[r]);
  return (
    <>
      <dl class="campaign-counts">
        {stats.map(([label, value]) => (
          <div key={label} class="count">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {reasons.length > 0 && (
        <div class="skip-reasons">
          <h3>Skipped, by reason</h3>
          <ul>
            {reasons.map((r) => (
              <li key={r}>
                {skipReasonWords[r]}: <strong>{formatNumber(c.skippedByReason[r])}</strong>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

function CancelCampaign({ campaign, onDone }: { campaign: Campaign; onDone: () => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  const cancel = async () => {
    setBusy(true);
    const result = await api.post<Campaign>(`/api/campaigns/${campaign.id}/cancel`);
    setBusy(false);
    if (result.ok) {
      setAsking(false);
      onDone();
    } else setProblem(result.error);
  };
  if (!asking) {
    return (
      <button type="button" class="danger" ref={openRef} onClick={() => setAsking(true)}>
        Cancel campaign
      </button>
    );
  }
  return (
    <div class="confirm" role="alertdialog" aria-labelledby="cancel-title" aria-describedby="cancel-text" tabIndex={-1} ref={confirmRef}>
      <h2 id="cancel-title">Cancel “{campaign.name}”?</h2>
      <p id="cancel-text">Emails not yet sent and all reminders are stopped{campaign.repeat !== 'none' ? ', and no further waves go out' : ''}. Answers already given are kept. This cannot be undone.</p>
      {problem && <ErrorState error={problem} />}
      <div class="actions">
        <button type="button" class="danger" aria-disabled={busy ? 'true' : undefined} onClick={() => !busy && void cancel()}>
          {busy ? 'Cancelling…' : 'Yes, cancel the campaign'}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setAsking(false);
            setTimeout(() => openRef.current?.focus());
          }}
        >
          Keep it
        </button>
      </div>
    </div>
  );
}

export default function CampaignPage({ id }: { id: string }) {
  const campaign = useApi<Campaign>(`/api/campaigns/${encodeURIComponent(id)}`);
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('');
  const invitations = useApi<Page<Invitation>>(
    withQuery(`/api/campaigns/${encodeURIComponent(id)}/invitations`, { page, pageSize: PAGE_SIZE, status: status || undefined }),
  );
  const data = campaign.data;
  const surveys = useApi<{ data: Survey[] }>('/api/surveys');
  usePageTitle(data?.name ?? 'Campaign');
  const sending = data ? isSending(data) : false;

  // Refresh while sending; the timer is cleared when sending ends or the page is left (effect cleanup).
  const { reload: reloadCampaign } = campaign;
  const { reload: reloadInvitations } = invitations;
  useEffect(() => {
    if (!sending || campaign.loading) return;
    const timer = setTimeout(() => {
      reloadCampaign();
      reloadInvitations();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [sending, campaign.loading, campaign.data]);

  if (campaign.error) {
    return (
      <section aria-labelledby="campaign-title">
        <h1 id="campaign-title" tabIndex={-1}>
          Campaign
        </h1>
        <ErrorState error={campaign.error} retry={campaign.reload} />
        <p>
          <a href="/campaigns">All campaigns</a>
        </p>
      </section>
    );
  }
  if (!data) {
    return (
      <section aria-labelledby="campaign-title">
        <h1 id="campaign-title" tabIndex={-1}>
          Campaign
        </h1>
        <Loading what="Loading the campaign…" />
      </section>
    );
  }
  const survey = surveys.data?.data.find((s) => s.id === data.surveyId);
  const cancellable = canEdit() && data.status !== 'cancelled' && data.status !== 'closed';

  return (
    <section aria-labelledby="campaign-title" class="campaign-page">
      <p class="breadcrumb">
        <a href="/campaigns">Campaigns</a>
      </p>
      <div class="page-head">
        <h1 id="campaign-title" tabIndex={-1}>
          {data.name}
        </h1>
        <CampaignStatusBadge status={data.status} />
      </div>
      <dl class="campaign-facts">
        <div>
          <dt>Survey</dt>
          <dd>{survey ? <a href={`/surveys/${survey.id}`}>{survey.name}</a> : '…'}</dd>
        </div>
        <div>
          <dt>{data.status === 'scheduled' ? 'Sends' : 'Sent'}</dt>
          <dd>{formatDateTime(data.sendAt)}</dd>
        </div>
        <div>
          <dt>Reminders</dt>
          <dd>{data.reminder ? `After ${plural(data.reminder.afterDays, 'day')}, at most ${formatNumber(data.reminder.max)}` : 'None'}</dd>
        </div>
        <div>
          <dt>Links expire</dt>
          <dd>After {plural(data.expiresAfterDays, 'day')}</dd>
        </div>
        <div>
          <dt>Repeat</dt>
          <dd>
            {repeatWords[data.repeat]}
            {data.nextWaveAt ? ` · next wave ${formatDate(data.nextWaveAt)}` : ''}
          </dd>
        </div>
        {data.cancelledAt && (
          <div>
            <dt>Cancelled</dt>
            <dd>{formatDateTime(data.cancelledAt)}</dd>
          </div>
        )}
      </dl>

      <section aria-labelledby="counts-title">
        <h2 id="counts-title">Delivery and responses</h2>
        <p class="live-note" role="status" aria-live="polite">
          {sending ? 'Sending — these numbers refresh every few seconds.' : data.status === 'cancelled' ? 'This campaign was cancelled.' : ''}
        </p>
        <Counts campaign={data} />
      </section>

      {cancellable && (
        <div class="actions">
          <CancelCampaign
            campaign={data}
            onDone={() => {
              reloadCampaign();
              reloadInvitations();
            }}
          />
        </div>
      )}

      <section aria-labelledby="invitations-title">
        <h2 id="invitations-title">People</h2>
        <div class="toolbar">
          <div class="field">
            <label for="invitation-status">Show</label>
            <select
              id="invitation-status"
              value={status}
              onChange={(e) => {
                setStatus(e.currentTarget.value);
                setPage(1);
              }}
            >
              <option value="">Everyone</option>
              <option value="pending">Waiting to be sent</option>
              <option value="sent">Sent</option>
              <option value="skipped">Skipped</option>
              <option value="cancelled">Cancelled</option>
            </select>
          </div>
        </div>
        {invitations.error ? (
          <ErrorState error={invitations.error} retry={invitations.reload} />
        ) : !invitations.data ? (
          <Loading what="Loading who was asked…" />
        ) : invitations.data.total === 0 ? (
          <Empty>
            <p>{status ? 'Nobody here.' : 'Nobody was reached by this campaign.'}</p>
          </Empty>
        ) : (
          <>
            <div class="table-wrap">
              <table class="data invitations-table">
                <caption class="visually-hidden">Who this campaign asked, and who it skipped</caption>
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Account</th>
                    <th scope="col">Status</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Answered</th>
                    {data.wave > 1 && (
                      <th scope="col" class="num">
                        Wave
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {invitations.data.data.map((i) => (
                    <tr key={i.id}>
                      <td>
                        <span class="person-name">{i.contactName}</span>
                        <br />
                        <span class="hint">{i.email}</span>
                      </td>
                      <td>
                        <a href={`/accounts/${i.accountId}`}>{i.accountName}</a>
                      </td>
                      <td class={`invitation-${i.status}`}>{invitationStatus(i)}</td>
                      <td>{formatDateTime(i.sentAt)}</td>
                      <td>{formatDateTime(i.respondedAt)}</td>
                      {data.wave > 1 && <td class="num">{formatNumber(i.wave)}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pagination page={invitations.data.page} pageSize={invitations.data.pageSize} total={invitations.data.total} noun="people" onPage={setPage} />
          </>
        )}
      </section>
    </section>
  );
}
