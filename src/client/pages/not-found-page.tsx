import { PageShell } from '../components/page-shell.js';

export function NotFoundPage() {
  return (
    <PageShell title="Not found · Keypulse">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <a href="/">Go to the start page</a>.
      </p>
    </PageShell>
  );
}
