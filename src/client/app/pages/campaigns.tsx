import { useLocation } from 'preact-iso';
import { withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit } from '../session.js';
import { formatDate, formatNumber, formatPercent, humanize } from '../format.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { CampaignStatusBadge } from '../components/campaign-status.js';
import { CampaignStatus, type Campaign } from '../../../shared/schemas/campaign.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Survey } from '../../../shared/schemas/survey.js';

/** The campaigns list: newest first, with live counts. Page and status filter live in the URL. */

const PAGE_SIZE = 20;

export default function CampaignsPage() {
  usePageTitle('Campaigns');
  const { query, path, route } = useLocation();
  const page = Number(query.page) || 1;
  const status = CampaignStatus.safeParse(query.status).data;
  const list = useApi<Page<Campaign>>(withQuery('/api/campaigns', { page, pageSize: PAGE_SIZE, status }));
  const surveys = useApi<{ data: Survey[] }>('/api/surveys');
  const surveyName = (id: string) => surveys.data?.data.find((s) => s.id === id)?.name ?? '…';

  return (
    <section aria-labelledby="campaigns-title" class="campaigns-page">
      <div class="page-head">
        <h1 id="campaigns-title" tabIndex={-1}>
          Campaigns
        </h1>
        {canEdit() && (
          <a class="button" href="/campaigns/new">
            New campaign
          </a>
        )}
      </div>
      <div class="toolbar">
        <div class="field">
          <label for="campaigns-status">Status</label>
          <select id="campaigns-status" value={status ?? ''} onChange={(e) => route(withQuery(path, { status: e.currentTarget.value || undefined }))}>
            <option value="">Any status</option>
            {CampaignStatus.options.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.error ? (
        <ErrorState error={list.error} retry={list.reload} />
      ) : !list.data ? (
        <Loading what="Loading campaigns…" />
      ) : list.data.total === 0 ? (
        <Empty>
          {status ? (
            <p>No {humanize(status).toLowerCase()} campaigns.</p>
          ) : (
            <p>
              No campaigns yet.{' '}
              {canEdit() ? <a href="/campaigns/new">Send your first survey</a> : 'Account managers send surveys from here.'}
            </p>
          )}
        </Empty>
      ) : (
        <>
          <div class="table-wrap">
            <table class="data campaigns-table">
              <caption class="visually-hidden">Campaigns, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Survey</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Sent
                  </th>
                  <th scope="col" class="num">
                    Responded
                  </th>
                  <th scope="col" class="num">
                    Response rate
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <a href={`/campaigns/${c.id}`}>{c.name}</a>
                    </td>
                    <td>{surveyName(c.surveyId)}</td>
                    <td>
                      <CampaignStatusBadge status={c.status} />
                    </td>
                    <td class="num">{formatNumber(c.counts.sent)}</td>
                    <td class="num">{formatNumber(c.counts.responded)}</td>
                    <td class="num">{formatPercent(c.counts.responseRate)}</td>
                    <td>{formatDate(c.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={list.data.page}
            pageSize={list.data.pageSize}
            total={list.data.total}
            noun="campaigns"
            onPage={(p) => route(withQuery(path, { ...query, page: p > 1 ? p : undefined }))}
          />
        </>
      )}
    </section>
  );
}
