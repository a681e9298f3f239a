import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { SESSION_COOKIE, authenticate, isSameOrigin, setSessionCookie } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import { pageSecurityHeaders, renderPage } from '../http/html.js';
import { accountOwnerScope, canViewAccount } from '../domain/permissions.js';
import { deleteSession } from '../db/queries/sessions.js';
import { getMessage, listMessages, messageAccountOwner } from '../db/queries/messages.js';
import { toMessage } from './messages.js';
import { signIn } from '../services/sign-in.js';
import { Email } from '../../shared/schemas/common.js';
import { SignInPage } from '../../client/pages/sign-in-page.js';
import { OutboxMessagePage, OutboxPage } from '../../client/pages/outbox-page.js';

/** Only our own paths: `next=https://evil.example` must not turn sign-in into an open redirect. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : '/';
}

function requirePageUser(c: Context<AppEnv>) {
  const auth = c.var.auth;
  if (!auth) return null;
  return auth.user;
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
  .get('/signin', (c) => renderPage(c, <SignInPage next={safeNext(c.req.query('next'))} />, 200, { 'cache-control': 'no-store' }))
  .post('/signin', async (c) => {
    if (!isSameOrigin(c)) throw new AppError('forbidden', 'cross-site sign-in blocked');
    const form = await c.req.parseBody();
    const next = safeNext(form['next']);
    const email = Email.safeParse(form['email']);
    const password = typeof form['password'] === 'string' ? form['password'] : '';
    if (!email.success || !password) {
      return renderPage(c, <SignInPage next={next} email={String(form['email'] ?? '')} error="Enter your email address and password." />, 422);
    }
    try {
      const { token } = await signIn(c.var.deps, { email: email.data, password, ip: clientIp(c), userAgent: c.req.header('user-agent') ?? null });
      setSessionCookie(c, token);
      return c.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 401 && error.status !== 429)) throw error;
      const message =
        error.status === 429
          ? `Too many failed attempts for this email. ${error.message.replace(/^too many failed sign-ins for this email; /, '')}.`
          : 'The email or password is incorrect.';
      return renderPage(c, <SignInPage next={next} email={email.data} error={message} />, error.status === 429 ? 429 : 401, error.headers);
    }
  })
  .post('/signout', async (c) => {
    if (!isSameOrigin(c)) throw new AppError('forbidden', 'cross-site request blocked');
    if (c.var.auth?.sessionId) await deleteSession(c.var.deps.db, c.var.auth.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/signin', 303);
  })
  .get('/outbox', async (c) => {
    const user = requirePageUser(c);
    if (!user) return toSignIn(c);
    const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const result = await listMessages(c.var.deps.db, { page, pageSize: 50 }, accountOwnerScope(user));
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
  if (user.role === 'account_manager') {
    const ownerId = await messageAccountOwner(db, id);
    if (!ownerId || !canViewAccount(user, { ownerId })) return null;
  }
  return message;
}
