import { button, escapeHtml, layout, paragraph, type EmailContent } from './templates.js';

/**
 * To the admin who registered an endpoint: it failed for days and was switched off (staff emails are in English).
 * Holds the URL hint only — never the URL (it may carry a credential) or anything a customer wrote.
 */
export function renderWebhookDisabled(input: { name: string; urlHint: string; failingSince: Date; days: number; pageUrl: string }): EmailContent {
  const subject = `Webhook endpoint switched off: ${input.urlHint}`;
  const lead =
    `Deliveries to ${input.urlHint} have failed since ${input.failingSince.toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
    `(${input.days} days) without a single success, so Keypulse switched the endpoint off and stopped sending to it.`;
  const next = 'Check the delivery log, fix the receiver, then turn the endpoint back on; new events will flow again from then.';
  const rows = [
    paragraph(escapeHtml(`Hello ${input.name},`)),
    paragraph(escapeHtml(lead)),
    paragraph(escapeHtml(next)),
    button(input.pageUrl, 'Open webhooks'),
  ].join('');
  const html = layout({ lang: 'en', title: subject, preheader: lead, rows, footer: 'Keypulse' });
  const text = [`Hello ${input.name},`, '', lead, '', next, '', `Open webhooks: ${input.pageUrl}`].join('\n');
  return { subject, html, text };
}
