import { Email } from '../../shared/schemas/common.js';
import { UserName } from '../../shared/schemas/user.js';

/** The claims (ID token, completed by UserInfo) that decide who is signing in. */
export interface SsoClaims {
  [claim: string]: unknown;
  email?: unknown;
  email_verified?: unknown;
  /** Microsoft Entra ID's "email domain owner verified": Entra never sends email_verified. */
  xms_edov?: unknown;
  name?: unknown;
  given_name?: unknown;
  family_name?: unknown;
}

export type EmailCheck =
  | { ok: true; email: string }
  | { ok: false; reason: 'email_missing' }
  | { ok: false; reason: 'email_unverified'; email: string };

/**
 * The email address the provider vouches for, or why there is none. Matching users by email is only safe when
 * the provider says the address is verified: otherwise anyone who can type a colleague's address into their
 * profile at the provider could take over that colleague's account. An explicit `email_verified: false` is
 * never overridden; Entra's `xms_edov: true` counts only where `email_verified` is absent altogether.
 */
export function verifiedEmail(claims: SsoClaims): EmailCheck {
  const email = Email.safeParse(claims.email);
  if (!email.success) return { ok: false, reason: 'email_missing' };
  const verified = claims.email_verified === undefined ? claims.xms_edov === true : claims.email_verified === true;
  return verified ? { ok: true, email: email.data } : { ok: false, reason: 'email_unverified', email: email.data };
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** Just-in-time accounts only for the configured domains, matched exactly (no subdomains). */
export function mayCreateSsoUser(email: string, allowedDomains: readonly string[]): boolean {
  return allowedDomains.includes(emailDomain(email));
}

/** A name for a user created at their first SSO sign-in: the provider's, else the address's local part. */
export function ssoUserName(claims: SsoClaims, email: string): string {
  const given = typeof claims.given_name === 'string' ? claims.given_name : '';
  const family = typeof claims.family_name === 'string' ? claims.family_name : '';
  for (const candidate of [claims.name, `${given} ${family}`]) {
    const name = UserName.safeParse(typeof candidate === 'string' ? candidate.slice(0, 120) : undefined);
    if (name.success) return name.data;
  }
  return email.slice(0, email.lastIndexOf('@')).slice(0, 120) || email.slice(0, 120);
}
