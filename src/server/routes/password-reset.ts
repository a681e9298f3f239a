import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { describe, valid } from '../http/validate.js';
import { audit } from '../http/audit.js';
import { clientIp } from '../http/client-ip.js';
import { acceptPasswordResetRequest } from '../services/password-reset-request.js';
import { RESET_LINK_MINUTES, confirmPasswordReset } from '../services/password-reset.js';
import { PasswordResetAccepted, PasswordResetConfirm, PasswordResetRequest } from '../../shared/schemas/password.js';

/** The one answer to every reset request, whoever the email belongs to. */
export const RESET_REQUEST_ACCEPTED = `If an account exists for this email, we sent it a link to choose a new password. The link works once, for ${RESET_LINK_MINUTES} minutes.`;

/** "Forgot your password?" without a session: ask for a link, then use it. Mounted at /api/auth/password-reset. */
export const passwordResetRoutes = new Hono<AppEnv>()
  .post(
    '/',
    describe({
      summary: 'Ask for a password reset link by email. Always 202 with the same body: it says nothing about whether the account exists',
      tags: ['Auth'],
      public: true,
      responses: { 202: PasswordResetAccepted },
    }),
    valid('json', PasswordResetRequest),
    async (c) => {
      await acceptPasswordResetRequest(c.var.deps, { email: c.req.valid('json').email, ip: clientIp(c) });
      return c.json({ message: RESET_REQUEST_ACCEPTED }, 202);
    },
  )
  .post(
    '/confirm',
    describe({
      summary: "Set a new password with an emailed link's token; the link is used up and every session of the user ends",
      tags: ['Auth'],
      public: true,
    }),
    valid('json', PasswordResetConfirm),
    async (c) => {
      const { token, password } = c.req.valid('json');
      await confirmPasswordReset(c.var.deps, { token, password }, (db, user) =>
        audit(c, 'auth.password_reset', { type: 'user', id: user.id }, null, { db }),
      );
      return c.body(null, 204);
    },
  );
