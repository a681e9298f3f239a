import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { SESSION_COOKIE, authenticate, isSameOrigin, setSessionCookie } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { pageSecurityHeaders, renderPage } from '../http/html.js';
import { accountOwnerScope, canReadPasswordLinks, canViewAccount } from '../domain/permissions.js';
import { PASSWORD_RESET_PURPOSE } from '../db/queries/password-resets.js';
import { deleteSession } from '../db/queries/sessions.js';
import { getMessage, listMessages, messageAccountOwner } from '../db/queries/messages.js';
import { toMessage } from './messages.js';
import { signInFromRequest, type SignInOutcome } from '../services/sign-in.js';
import { safeNext } from '../http/return-path.js';
import { Email } from '../../shared/schemas/common.js';
import { SsoFailure, ssoFailureMessage } from '../../shared/schemas/sso.js';
import { SignInPage } from '../../client/pages/sign-in-page.js';
import { OutboxMessagePage, OutboxPage } from '../../client/pages/outbox-page.js';

/** How people may sign in here: the SSO button, the password form, or both. */
function signInOptions(c: Context<AppEnv>) {
  const { oidc, passwordLogin } = c.var.deps.config;
  return { sso: oidc ? { name: oidc.name } : null, passwordLogin };
}

/** A refused single sign-on comes back as `?error=<reason>`; only known reasons are shown, as our own words. */
function ssoError(c: Context<AppEnv>): string | undefined {
  const reason = SsoFailure.safeParse(c.req.query('error'));
  return reason.success ? ssoFailureMessage(reason.data) : undefined;
}

function requirePageUser(c: Context<AppEnv>) {
  const auth = c.var.auth;
  if (!auth) return null;
  return auth.user;
}

/** What the sign-in form says when it does not sign in: a sentence for a person, not the API's message. */
function signInProblem(outcome: Extract<SignInOutcome, { ok: false }>): string {
  const limited = outcome.limited;
  if (!limited) return 'The email or password is incorrect.';
  if (limited.limit === 'busy') return 'Too many people are signing in right now. Try again in a moment.';
  const minutes = Math.ceil(limited.retryAfter / 60);
  const wait = `Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  return limited.limit === 'account'
    ? `Too many failed attempts for this email. ${wait}`
    : `Too many failed attempts from your network. ${wait}`;
}

const toSignIn = (c: Context<AppEnv>) => c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`, 303);

/** An email's own HTML, shown on its own: inline styles allowed, nothing else, and sandboxed. */
const emailHtmlHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ['data:'],
    sandbox: ['allow-popups', 'allow-top-navigation-by-user-activation'],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: 'same-origin',
});

export const sessionPageRoutes = new Hono<AppEnv>()
  .use('/signin', pageSecurityHeaders)
  .use('/signout', pageSecurityHeaders, authenticate)
  .use('/outbox', pageSecurityHeaders, authenticate)
  .use('/outbox/:id{[0-9a-f-]{36}}', pageSecurityHeaders, authenticate)
  .use('/outbox/:id{[0-9a-f-]{36}}/html', emailHtmlHeaders, authenticate)
  .get('/signin', (c) =>
    renderPage(c, <SignInPage {...signInOptions(c)} next={safeNext(c.req.query('next'))} error={ssoError(c)} />, 200, { 'cache-control': 'no-store' }),
  )
  .post('/signin', async (c) => {
    if (!isSameOrigin(c)) throw new AppError('forbidden', 'cross-site sign-in blocked');
    const form = await c.req.parseBody();
    const next = safeNext(form['next']);
    if (!c.var.deps.config.passwordLogin) {
      return renderPage(c, <SignInPage {...signInOptions(c)} next={next} error="Password sign-in is turned off here. Use single sign-on." />, 403);
    }
    const email = Email.safeParse(form['email']);
    const password = typeof form['password'] === 'string' ? form['password'] : '';
    if (!email.success || !password) {
      return renderPage(c, <SignInPage {...signInOptions(c)} next={next} email={String(form['email'] ?? '')} error="Enter your email address and password." />, 422);
    }
    const outcome = await signInFromRequest(c, { email: email.data, password });
    if (outcome.ok) {
      setSessionCookie(c, outcome.token);
      return c.redirect(next, 303);
    }
    const { status, headers } = outcome.error;
    return renderPage(c, <SignInPage {...signInOptions(c)} next={next} email={email.data} error={signInProblem(outcome)} />, status === 429 ? 429 : 401, headers);
  })
  .post('/signout', async (c) => {
    if (!isSameOrigin(c)) throw new AppError('forbidden', 'cross-site request blocked');
    const sessionId = c.var.auth?.sessionId;
    if (sessionId) {
      await deleteSession(c.var.deps.db, sessionId);
      await audit(c, 'auth.sign_out', { type: 'session', id: sessionId });
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/signin', 303);
  })
  .get('/outbox', async (c) => {
    const user = requirePageUser(c);
    if (!user) return toSignIn(c);
    const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const result = await listMessages(c.var.deps.db, { page, pageSize: 50 }, accountOwnerScope(user), { passwordLinks: canReadPasswordLinks(c.var.auth!) });
    return renderPage(
      c,
      <OutboxPage
        messages={result.data.map(toMessage)}
        page={page}
        pageSize={50}
        total={result.total}
        transport={c.var.deps.transport.name}
        userName={user.name}
      />,
      200,
      { 'cache-control': 'no-store' },
    );
  })
  .get('/outbox/:id{[0-9a-f-]{36}}', async (c) => {
    const user = requirePageUser(c);
    if (!user) return toSignIn(c);
    const message = await visibleMessage(c, user, c.req.param('id'));
    if (!message) return c.notFound();
    return renderPage(c, <OutboxMessagePage message={toMessage(message)} />, 200, { 'cache-control': 'no-store' });
  })
  .get('/outbox/:id{[0-9a-f-]{36}}/html', async (c) => {
    const user = requirePageUser(c);
    if (!user) return toSignIn(c);
    const message = await visibleMessage(c, user, c.req.param('id'));
    if (!message?.html) return c.notFound();
    return c.html(message.html, 200, { 'cache-control': 'no-store' });
  });

async function visibleMessage(c: Context<AppEnv>, user: NonNullable<AppEnv['Variables']['auth']>['user'], id: string) {
  const { db } = c.var.deps;
  const message = await getMessage(db, id);
  if (!message) return null;
  if (message.purpose === PASSWORD_RESET_PURPOSE && !canReadPasswordLinks(c.var.auth!)) return null;
  if (user.role === 'account_manager') {
    const ownerId = await messageAccountOwner(db, id);
    if (!ownerId || !canViewAccount(user, { ownerId })) return null;
  }
  return message;
}
