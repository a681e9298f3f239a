import { PageShell } from '../components/page-shell.js';
import type { Message } from '../../shared/schemas/message.js';

interface OutboxPageProps {
  messages: Message[];
  page: number;
  total: number;
  pageSize: number;
  transport: 'outbox' | 'resend';
  userName: string;
}

const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');

/** The email log. With the local outbox transport every email can be opened, links and all. */
export function OutboxPage({ messages, page, total, pageSize, transport, userName }: OutboxPageProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <PageShell title="Email log · Keypulse">
      <p class="muted">
        <a href="/">← Back to the workspace</a> · Signed in as {userName}.{' '}
        <form method="post" action="/signout" class="inline">
          <button type="submit" class="link-button">
            Sign out
          </button>
        </form>
      </p>
      <h1>Email log</h1>
      <p class="lead">
        {transport === 'outbox'
          ? 'Email is not sent anywhere: it lands here (set RESEND_API_KEY to send for real). Open a message to use its survey links.'
          : 'Email goes out through Resend; bodies are not kept, only the delivery status.'}
      </p>
      {messages.length === 0 ? (
        <p>
          No email yet. <a href="/campaigns/new">Create a campaign</a> and its invitations appear here.
        </p>
      ) : (
        <table>
          <caption class="visually-hidden">Emails, newest first</caption>
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td>{m.to}</td>
                <td>{m.html || m.text ? <a href={`/outbox/${m.id}`}>{m.subject ?? '(no subject yet)'}</a> : (m.subject ?? '(not sent yet)')}</td>
                <td>
                  {m.status}
                  {m.error ? ` — ${m.error}` : ''}
                </td>
                <td>{when(m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label="Pages" class="inline-list">
        {page > 1 && <a href={`/outbox?page=${page - 1}`}>← Newer</a>}
        <span>
          Page {page} of {pages} ({total} emails)
        </span>
        {page < pages && <a href={`/outbox?page=${page + 1}`}>Older →</a>}
      </nav>
    </PageShell>
  );
}

/** One email as its recipient would read it: the text version with working links, and the HTML version. */
export function OutboxMessagePage({ message }: { message: Message }) {
  const parts = (message.text ?? '').split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <PageShell title={`${message.subject ?? 'Email'} · Keypulse`}>
      <p>
        <a href="/outbox">← Email log</a>
      </p>
      <h1>{message.subject}</h1>
      <dl class="facts">
        <dt>To</dt>
        <dd>{message.to}</dd>
        <dt>Status</dt>
        <dd>{message.status}</dd>
        <dt>Sent</dt>
        <dd>{when(message.sentAt)}</dd>
      </dl>
      {message.html && (
        <p>
          <a href={`/outbox/${message.id}/html`}>Open the HTML version</a> (as the email client shows it)
        </p>
      )}
      <h2>Text version</h2>
      <pre class="email-text">{parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</pre>
    </PageShell>
  );
}
