import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { isSameOrigin } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { clientIp } from '../http/client-ip.js';
import { pageSecurityHeaders, renderPage } from '../http/html.js';
import { acceptPasswordResetRequest } from '../services/password-reset-request.js';
import { confirmPasswordReset, findResetLinkUser } from '../services/password-reset.js';
import { RESET_REQUEST_ACCEPTED } from './password-reset.js';
import { Email } from '../../shared/schemas/common.js';
import { PASSWORD_MIN_LENGTH } from '../../shared/schemas/user.js';
import { ForgotPasswordPage, PasswordResetDonePage, ResetPasswordPage } from '../../client/pages/password-reset-pages.js';

const noStore = { 'cache-control': 'no-store' };
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * "Forgot your password?" and the page its emailed link opens, as plain forms (no JavaScript needed), with the
 * same services as /api/auth/password-reset. The token rides in the link's query string and then in a hidden
 * field; no log line carries query strings or form bodies, and the pages send no referrer to other sites.
 */
export const passwordPageRoutes = new Hono<AppEnv>()
  .use('/forgot-password', pageSecurityHeaders)
  .use('/reset-password', pageSecurityHeaders)
  .get('/forgot-password', (c) => renderPage(c, <ForgotPasswordPage />, 200, noStore))
  .post('/forgot-password', async (c) => {
    if (!isSameOrigin(c)) throw new AppError('forbidden', 'cross-site request blocked');
    const form = await c.req.parseBody();
    const email = Email.safeParse(form['email']);
    if (!email.success) {
      return renderPage(c, <ForgotPasswordPage email={text(form['email']).slice(0, 254)} error="Enter the email address you sign in with." />, 422, noStore);
    }
    await acceptPasswordResetRequest(c.var.deps, { email: email.data, ip: clientIp(c) });
    return renderPage(c, <ForgotPasswordPage sent={RESET_REQUEST_ACCEPTED} />, 200, noStore);
  })
  .get('/reset-password', async (c) => {
    const token = text(c.req.query('token')).slice(0, 200);
    const user = token ? await findResetLinkUser(c.var.deps, token) : null;
    const page = <ResetPasswordPage token={user ? token : null} email={user?.email} minLength={PASSWORD_MIN_LENGTH} />;
    return renderPage(c, page, user ? 200 : 400, noStore);
  })
  .post('/reset-password', async (c) => {
    if (!isSameOrigin(c)) throw new AppError('forbidden', 'cross-site request blocked');
    const form = await c.req.parseBody();
    const token = text(form['token']).slice(0, 200);
    const password = text(form['password']);
    const again = (error: string, status: 400 | 422, email?: string) =>
      renderPage(c, <ResetPasswordPage token={token} email={email} error={error} minLength={PASSWORD_MIN_LENGTH} />, status, noStore);
    const user = token ? await findResetLinkUser(c.var.deps, token) : null;
    if (!user) return renderPage(c, <ResetPasswordPage token={null} minLength={PASSWORD_MIN_LENGTH} />, 400, noStore);
    if (password !== text(form['confirm'])) return again('The two passwords are not the same. Type the new password twice.', 422, user.email);
    try {
      await confirmPasswordReset(c.var.deps, { token, password }, (db, changed) => audit(c, 'auth.password_reset', { type: 'user', id: changed.id }, null, { db }));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      const issue = error.issues?.[0];
      // A link used up meanwhile (another tab) is the "does not work any more" page; a refused password is said here.
      if (issue?.path === 'token') return renderPage(c, <ResetPasswordPage token={null} minLength={PASSWORD_MIN_LENGTH} />, 400, noStore);
      return again(`This password ${issue?.message ?? 'is not accepted'}.`, 422, user.email);
    }
    return renderPage(c, <PasswordResetDonePage />, 200, noStore);
  });
