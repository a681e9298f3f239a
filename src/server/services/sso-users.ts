import type { AppDeps } from '../http/context.js';
import { isUniqueViolation } from '../db/errors.js';
import { findUserByEmail, insertUser, type UserRow } from '../db/queries/users.js';
import { findIdentityOfUser, findUserByIdentity, linkIdentity, touchIdentity } from '../db/queries/user-identities.js';
import { mayCreateSsoUser, ssoUserName, verifiedEmail } from '../domain/sso.js';
import type { OidcConfig, SsoIdentity } from './oidc.js';

/** Stored as the password hash of users created by SSO: not a scrypt hash, so no password ever matches it. */
export const SSO_ONLY_PASSWORD_HASH = '!sso';

export type SsoUserRefusal = 'email_missing' | 'email_unverified' | 'domain_not_allowed' | 'user_disabled' | 'identity_mismatch';

export type SsoUserResult =
  | { ok: true; user: UserRow; matchedBy: 'identity' | 'email' | 'created' }
  | { ok: false; reason: SsoUserRefusal; user?: UserRow; email?: string };

/**
 * Who a proven identity is in Keypulse: the user it was linked to at an earlier sign-in, else the user with
 * its verified email (then linked), else a new user when the email's domain is allowed. Disabled users stay out.
 */
export async function resolveSsoUser(deps: AppDeps, oidc: OidcConfig, identity: SsoIdentity, retried = false): Promise<SsoUserResult> {
  const { db, clock } = deps;
  const checked = verifiedEmail(identity.claims);
  if (!checked.ok) return { ok: false, reason: checked.reason, email: 'email' in checked ? checked.email : undefined };
  const { email } = checked;
  const now = clock.now();

  const linked = await findUserByIdentity(db, identity.issuer, identity.subject);
  if (linked) {
    if (linked.user.disabled) return { ok: false, reason: 'user_disabled', user: linked.user };
    await touchIdentity(db, linked.identity.id, now);
    return { ok: true, user: linked.user, matchedBy: 'identity' };
  }

  const user = await findUserByEmail(db, email);
  if (user) {
    if (user.disabled) return { ok: false, reason: 'user_disabled', user };
    // The account already belongs to another person at this provider (an address given to a newcomer, say):
    // the address alone must not hand it over.
    if (await findIdentityOfUser(db, user.id, identity.issuer)) return { ok: false, reason: 'identity_mismatch', user };
    await linkIdentity(db, { userId: user.id, issuer: identity.issuer, subject: identity.subject, now });
    return { ok: true, user, matchedBy: 'email' };
  }

  if (!mayCreateSsoUser(email, oidc.allowedDomains)) return { ok: false, reason: 'domain_not_allowed', email };
  try {
    const created = await db.transaction(async (tx) => {
      const row = await insertUser(tx, {
        email,
        name: ssoUserName(identity.claims, email),
        role: oidc.defaultRole,
        passwordHash: SSO_ONLY_PASSWORD_HASH,
      });
      await linkIdentity(tx, { userId: row.id, issuer: identity.issuer, subject: identity.subject, now });
      return row;
    });
    return { ok: true, user: created, matchedBy: 'created' };
  } catch (error) {
    // The same person's first sign-in in two tabs at once: the other one created the user; match it instead.
    if (!isUniqueViolation(error) || retried) throw error;
    return resolveSsoUser(deps, oidc, identity, true);
  }
}
