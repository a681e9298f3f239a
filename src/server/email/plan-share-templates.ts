import { button, escapeHtml, layout, link, paragraph, type EmailContent } from './templates.js';

/**
 * To the account owner (staff emails are in English): a customer's contact commented on, or proposed an action in,
 * the shared plan. Their words are not quoted: the email says who and where, and the plan page shows the rest
 * (so the stored email holds no free text of theirs to redact later).
 */
export function renderPlanFeedback(input: {
  ownerName: string;
  contactName: string;
  accountName: string;
  kind: 'comment' | 'proposal';
  planUrl: string;
}): EmailContent {
  const subject =
    input.kind === 'comment'
      ? `${input.contactName} commented on the shared plan of ${input.accountName}`
      : `${input.contactName} proposed an action in the shared plan of ${input.accountName}`;
  const lead =
    input.kind === 'comment'
      ? `${input.contactName} (${input.accountName}) wrote a comment on the joint plan you shared. Read it and reply on the account plan page.`
      : `${input.contactName} (${input.accountName}) proposed a new action on the joint plan you shared. It is on the plan on their side, and on your task list to follow up.`;
  const rows = [
    paragraph(escapeHtml(`Hello ${input.ownerName},`)),
    paragraph(escapeHtml(lead)),
    button(input.planUrl, 'Open the account plan'),
    paragraph(`Or open ${link(input.planUrl, escapeHtml(input.planUrl))}`, { size: 13 }),
  ].join('');
  const html = layout({ lang: 'en', title: subject, preheader: lead, rows, footer: 'Keypulse' });
  const text = [`Hello ${input.ownerName},`, '', lead, '', `Open the account plan: ${input.planUrl}`].join('\n');
  return { subject, html, text };
}
