import * as z from 'zod';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/**
 * Why a single sign-on attempt was refused. The callback redirects to `/signin?error=<reason>`: the address
 * carries only this code, never the provider's own text, so nobody can make the sign-in page say something else.
 */
export const SsoFailure = z.enum([
  'expired',
  'state_mismatch',
  'invalid_code',
  'invalid_response',
  'provider_denied',
  'provider_unreachable',
  'email_missing',
  'email_unverified',
  'domain_not_allowed',
  'user_disabled',
  'identity_mismatch',
]);
export type SsoFailure = z.infer<typeof SsoFailure>;

const messages: Record<SsoFailure, string> = {
  expired: 'That sign-in took too long or was started in another browser. Please try again.',
  state_mismatch: 'The answer from your identity provider did not match the sign-in this browser started. Please try again.',
  invalid_code: 'That sign-in link was already used or is no longer valid. Please sign in again.',
  invalid_response: 'The answer from your identity provider could not be verified. Ask your administrator to check the single sign-on settings.',
  provider_denied: 'Your identity provider did not complete the sign-in.',
  provider_unreachable: 'Keypulse could not reach your identity provider. Try again in a moment, or ask your administrator.',
  email_missing: 'Your identity provider did not share your email address, which Keypulse needs to find your account. Ask your administrator.',
  email_unverified: 'Your identity provider does not confirm that your email address is verified, so Keypulse cannot match it to an account.',
  domain_not_allowed: 'There is no Keypulse account for this email address. Ask an administrator to invite you.',
  user_disabled: 'This Keypulse account is disabled. Ask an administrator.',
  identity_mismatch: 'This Keypulse account is linked to a different identity at your provider. Ask an administrator.',
};

export function ssoFailureMessage(reason: SsoFailure): string {
  return messages[reason];
}
