import { PageShell } from '../components/page-shell.js';

interface SignInPageProps {
  next: string;
  email?: string;
  error?: string;
}

/** A plain form: works without JavaScript, and the browser's password manager understands it. */
export function SignInPage({ next, email = '', error }: SignInPageProps) {
  return (
    <PageShell title="Sign in · Keypulse">
      <h1>Sign in</h1>
      {error && (
        <p class="alert" role="alert" id="signin-error">
          {error}
        </p>
      )}
      <form method="post" action="/signin" class="stack narrow">
        <input type="hidden" name="next" value={next} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required value={email} aria-describedby={error ? 'signin-error' : undefined} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
      <p class="muted">The demo logins are printed in the terminal where Keypulse started.</p>
      <p>
        <a href="/api/docs">API reference</a>
      </p>
    </PageShell>
  );
}
