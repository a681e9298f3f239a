import { useLocation } from 'preact-iso';
import { withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { formatDateTime, humanize } from '../format.js';
import { MessageStatus, type Message } from '../../../shared/schemas/message.js';
import type { Page } from '../../../shared/schemas/common.js';

const PAGE_SIZE = 50;
const kindWords: Record<Message['kind'], string> = { invitation: 'Survey', reminder: 'Reminder', notification: 'Notification' };

/**
 * The email log inside the workspace: every email the caller may see (a manager: those about their accounts),
 * newest first, with its status; with the local outbox each opens with working links. Filters live in the address.
 * (`/outbox` stays as the same log without JavaScript.)
 */
export default function EmailsPage() {
  usePageTitle('Email log');
  const { query, route } = useLocation();
  const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
  const status = MessageStatus.safeParse(query.status).success ? query.status : undefined;
  const to = query.to?.trim() || undefined;
  const emails = useApi<Page<Message>>(withQuery('/api/messages', { page, pageSize: PAGE_SIZE, status, to }));
  const go = (next: { page?: number; status?: string; to?: string }) =>
    route(withQuery('/emails', { page: next.page && next.page > 1 ? next.page : undefined, status: next.status, to: next.to }));
  const local = emails.data?.data.some((m) => m.transport === 'outbox');

  return (
    <>
      <h1>Email log</h1>
      <p class="lead">
        {local
          ? 'Email is not sent anywhere: it lands here (set RESEND_API_KEY to send for real). Open a message to use its survey links.'
          : 'Every email Keypulse sent or is about to send, newest first, with its delivery status.'}
      </p>
      <form
        class="filters"
        role="search"
        aria-label="Filter the email log"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          go({ status: String(form.get('status') || '') || undefined, to: String(form.get('to') || '').trim() || undefined });
        }}
      >
        <label>
          To <input type="search" name="to" defaultValue={to ?? ''} autocomplete="off" />
        </label>
        <label>
          Status{' '}
          <select name="status" value={status ?? ''} onChange={(e) => go({ status: e.currentTarget.value || undefined, to })}>
            <option value="">Any</option>
            {MessageStatus.options.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      {emails.loading && !emails.data && <Loading what="Loading the email log…" />}
      {emails.error && <ErrorState error={emails.error} retry={emails.reload} />}
      {emails.data && emails.data.total === 0 && (
        <Empty>
          <p>
            {status || to ? 'No email matches these filters.' : 'No email yet.'} <a href="/campaigns/new">Create a campaign</a> and its invitations appear here.
          </p>
        </Empty>
      )}
      {emails.data && emails.data.total > 0 && (
        <>
          <div class="table-wrap">
            <table class="data email-log">
              <caption class="visually-hidden">Emails, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Sent</th>
                </tr>
              </thead>
              <tbody>
                {emails.data.data.map((m) => (
                  <tr key={m.id}>
                    <td class="break" data-label="To">{m.to || '(erased)'}</td>
                    <td data-label="Subject">
                      {m.html || m.text ? <a href={`/emails/${m.id}`}>{m.subject ?? '(no subject yet)'}</a> : (m.subject ?? '(not sent yet)')}
                    </td>
                    <td data-label="Kind">{kindWords[m.kind]}</td>
                    <td data-label="Status">
                      {humanize(m.status)}
                      {m.error ? ` — ${m.error}` : ''}
                    </td>
                    <td data-label="Created">{formatDateTime(m.createdAt)}</td>
                    <td data-label="Sent">{formatDateTime(m.sentAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={emails.data.page} pageSize={emails.data.pageSize} total={emails.data.total} onPage={(p) => go({ page: p, status, to })} noun="emails" />
        </>
      )}
    </>
  );
}
