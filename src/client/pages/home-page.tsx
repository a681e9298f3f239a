import { PageShell } from '../components/page-shell.js';

/** The front door until the workspace app lands: what this server is and where to go next. */
export function HomePage() {
  return (
    <PageShell title="Keypulse">
      <h1>Keypulse</h1>
      <p class="lead">Customer feedback for key-account management: choose, ask, collect, act, show.</p>
      <ul class="link-list">
        <li>
          <a href="/outbox">Email log</a> — the survey emails Keypulse sent (with the local outbox, open them here and
          answer as a customer would)
        </li>
        <li>
          <a href="/api/docs">API reference</a> — every endpoint with its request and response schema
        </li>
        <li>
          <a href="/api/openapi.json">OpenAPI document</a> — for client generators and API tools
        </li>
      </ul>
      <p>
        <a href="/signin">Sign in</a> with a demo login (printed when the server starts), or through the API with{' '}
        <code>POST /api/auth/login</code>.
      </p>
    </PageShell>
  );
}
