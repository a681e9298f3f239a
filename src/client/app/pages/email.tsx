import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { ErrorState, Loading } from '../components/states.js';
import { formatDateTime, humanize } from '../format.js';
import type { Message } from '../../../shared/schemas/message.js';

/** One email as its recipient reads it: the text version with working links, and a link to the HTML version. */
export default function EmailPage({ id }: { id: string }) {
  const email = useApi<Message>(`/api/messages/${id}`);
  usePageTitle(email.data?.subject ?? 'Email');
  if (email.loading && !email.data) return <Loading what="Loading the email…" />;
  if (email.error) return <ErrorState error={email.error} retry={email.reload} />;
  const m = email.data!;
  const parts = (m.text ?? '').split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <>
      <p>
        <a href="/emails">← Email log</a>
      </p>
      <h1>{m.subject ?? '(no subject yet)'}</h1>
      <dl class="facts">
        <dt>To</dt>
        <dd>{m.to || '(erased)'}</dd>
        <dt>Status</dt>
        <dd>
          {humanize(m.status)}
          {m.error ? ` — ${m.error}` : ''}
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(m.createdAt)}</dd>
        <dt>Sent</dt>
        <dd>{formatDateTime(m.sentAt)}</dd>
      </dl>
      {m.html && (
        <p>
          <a href={`/outbox/${m.id}/html`}>Open the HTML version</a> (as the email client shows it)
        </p>
      )}
      {m.text ? (
        <>
          <h2>Text version</h2>
          <pre class="email-text">{parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</pre>
        </>
      ) : (
        <p class="muted">The content of this email is not kept (it went out through Resend, or the person's data was erased).</p>
      )}
    </>
  );
}
