import { PageShell } from '../components/page-shell.js';

interface SignInPageProps {
  next: string;
  email?: string;
  error?: string;
  /** The company's identity provider, when single sign-on is set up. */
  sso?: { name: string } | null;
  /** False when everyone signs in with SSO: no password form. */
  passwordLogin?: boolean;
}

/** A plain form: works without JavaScript, and the browser's password manager understands it. */
export function SignInPage({ next, email = '', error, sso = null, passwordLogin = true }: SignInPageProps) {
  return (
    <PageShell title="Sign in · Keypulse">
      <h1>Sign in</h1>
      {error && (
        <p class="alert" role="alert" id="signin-error">
          {error}
        </p>
      )}
      {sso && (
        <p>
          {/* A link, not a form: the CSP's form-action would stop a form's redirect to the provider. */}
          <a class="button" href={`/auth/oidc/start?returnTo=${encodeURIComponent(next)}`}>
            Sign in with {sso.name}
          </a>
        </p>
      )}
      {sso && passwordLogin && <p class="muted">Or with your email and password:</p>}
      {!sso && !passwordLogin && <p>Password sign-in is turned off and single sign-on is not set up. Ask your administrator.</p>}
      {passwordLogin && (
        <form method="post" action="/signin" class="stack narrow">
          <input type="hidden" name="next" value={next} />
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={email} aria-describedby={error ? 'signin-error' : undefined} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <button type="submit">Sign in</button>
          <a href="/forgot-password">Forgot your password?</a>
        </form>
      )}
      <p class="muted">The demo logins are printed in the terminal where Keypulse started.</p>
      <p>
        <a href="/api/docs">API reference</a>
      </p>
    </PageShell>
  );
}
