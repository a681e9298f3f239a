import { PageShell } from '../components/page-shell.js';

/** "Forgot your password?": one field. The answer never says whether the email has an account. */
export function ForgotPasswordPage({ email = '', error, sent }: { email?: string; error?: string; sent?: string }) {
  return (
    <PageShell title="Forgot your password? · Keypulse">
      <h1>Forgot your password?</h1>
      {sent ? (
        <>
          <p role="status">
            {sent}
          </p>
          <p>Check your inbox (and the spam folder). You can close this page.</p>
        </>
      ) : (
        <>
          {error && (
            <p class="alert" role="alert" id="forgot-error">
              {error}
            </p>
          )}
          <p>Enter the email address you sign in with. We will email you a link to choose a new password.</p>
          <form method="post" action="/forgot-password" class="stack narrow">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required value={email} aria-describedby={error ? 'forgot-error' : undefined} />
            <button type="submit">Email me a link</button>
          </form>
        </>
      )}
      <p>
        <a href="/signin">Back to sign in</a>
      </p>
    </PageShell>
  );
}

interface ResetPasswordPageProps {
  /** Null when the link does not work (unknown, used or expired). */
  token: string | null;
  email?: string;
  error?: string;
  minLength: number;
}

/** The page an emailed link opens: a new password, twice. Works without JavaScript. */
export function ResetPasswordPage({ token, email, error, minLength }: ResetPasswordPageProps) {
  if (!token) {
    return (
      <PageShell title="Link not valid · Keypulse">
        <h1>This link does not work any more</h1>
        <p>Password links work once, and only for a short while. This one was already used, has expired, or was not copied whole.</p>
        <p>
          <a href="/forgot-password">Ask for a new link</a> or <a href="/signin">sign in</a>.
        </p>
      </PageShell>
    );
  }
  return (
    <PageShell title="Choose a new password · Keypulse">
      <h1>Choose a new password</h1>
      {error && (
        <p class="alert" role="alert" id="reset-error">
          {error}
        </p>
      )}
      <p>
        At least {minLength} characters. A few unrelated words make a password that is long, easy to remember and hard to guess. Common
        passwords are refused.
      </p>
      <form method="post" action="/reset-password" class="stack narrow">
        <input type="hidden" name="token" value={token} />
        {/* Lets the browser's password manager file the new password under the right account. */}
        {email && <input type="hidden" name="username" autocomplete="username" value={email} />}
        <label for="password">New password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minLength={minLength}
          maxLength={200}
          aria-describedby={error ? 'reset-error' : undefined}
        />
        <label for="confirm">New password again</label>
        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required minLength={minLength} maxLength={200} />
        <button type="submit">Set the new password</button>
      </form>
    </PageShell>
  );
}

/** After a reset: every session has ended, so the next step is signing in. */
export function PasswordResetDonePage() {
  return (
    <PageShell title="Password changed · Keypulse">
      <h1>Your password is changed</h1>
      <p role="status">
        You were signed out everywhere. Sign in with your new password.
      </p>
      <p>
        <a class="button" href="/signin">
          Sign in
        </a>
      </p>
    </PageShell>
  );
}
