import { button, escapeHtml, layout, link, paragraph, type EmailContent } from './templates.js';

/**
 * The email with a link to choose a password (staff emails are in English): after "Forgot your password?", when an
 * admin sends a reset link, or for a new user an admin created without a password. The link works once, for
 * `validMinutes`; the email says so, and says what to do if the person did not ask for it.
 */
export function renderPasswordReset(input: {
  kind: 'reset' | 'invite';
  name: string;
  email: string;
  url: string;
  validMinutes: number;
  companyName: string;
  /** The admin who sent it, when the person did not ask themselves. */
  sentBy?: string | null;
}): EmailContent {
  const invite = input.kind === 'invite';
  const subject = invite ? `Set your Keypulse password (${input.companyName})` : 'Reset your Keypulse password';
  const why = invite
    ? `${input.sentBy ?? 'An administrator'} created a Keypulse account for you (${input.email}). Choose your password to sign in.`
    : input.sentBy
      ? `${input.sentBy} sent you a link to choose a new password for your Keypulse account (${input.email}).`
      : `Someone — hopefully you — asked to reset the password of your Keypulse account (${input.email}).`;
  const validity = `The link works once, for ${input.validMinutes} minutes.`;
  const ignore = invite
    ? 'If you did not expect this, you can ignore this email.'
    : 'If you did not ask for this, ignore this email: your password stays as it is.';
  const action = invite ? 'Set your password' : 'Choose a new password';
  const rows = [
    paragraph(escapeHtml(`Hello ${input.name},`)),
    paragraph(escapeHtml(why)),
    button(input.url, action),
    paragraph(`Or open ${link(input.url, escapeHtml(input.url))}`, { size: 13 }),
    paragraph(escapeHtml(`${validity} ${ignore}`)),
  ].join('');
  const html = layout({ lang: 'en', title: subject, preheader: why, rows, footer: escapeHtml(input.companyName) });
  const text = [`Hello ${input.name},`, '', why, '', `${action}: ${input.url}`, '', validity, ignore].join('\n');
  return { subject, html, text };
}
