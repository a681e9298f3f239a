import { button, escapeHtml, layout, link, paragraph, type EmailContent } from './templates.js';
import { t } from '../../shared/i18n.js';

/** Texts of the "we acted on what you told us" email, in the contact's language (the catalogues' loop* keys). */
const loopTexts = (lang: string) => ({
  subject: t(lang, 'loopSubject'),
  greeting: t(lang, 'loopGreeting'),
  youSaid: t(lang, 'loopYouSaid'),
  weDid: t(lang, 'loopWeDid'),
  closing: t(lang, 'loopClosing'),
});

const fill = (text: string, vars: Record<string, string>) => text.replace(/\{(\w+)\}/g, (w, k: string) => vars[k] ?? w);
const paragraphs = (text: string) => text.split(/\n{2,}/).map((p) => escapeHtml(p).replace(/\n/g, '<br>'));

/** Closing the loop: the customer's own words, quoted, and what the account team did about them. */
export function renderLoopClosed(input: {
  lang: string;
  contactName: string;
  ownerName: string;
  companyName: string;
  quote: string;
  resolution: string;
}): EmailContent {
  const tx = loopTexts(input.lang);
  const subject = fill(tx.subject, { company: input.companyName });
  const greeting = fill(tx.greeting, { name: input.contactName });
  const quoteRows = paragraphs(input.quote)
    .map((p) => paragraph(`<em>“${p}”</em>`, { padding: '0 32px 12px 48px' }))
    .join('');
  const rows = [
    paragraph(escapeHtml(greeting)),
    paragraph(escapeHtml(tx.youSaid), { bold: true }),
    quoteRows,
    paragraph(escapeHtml(tx.weDid), { bold: true }),
    ...paragraphs(input.resolution).map((p) => paragraph(p)),
    paragraph(escapeHtml(tx.closing)),
    paragraph(`${escapeHtml(input.ownerName)}<br>${escapeHtml(input.companyName)}`),
  ].join('');
  const html = layout({ lang: input.lang, title: subject, preheader: input.resolution.slice(0, 120), rows, footer: escapeHtml(input.companyName) });
  const text = [greeting, '', tx.youSaid, ...input.quote.split('\n').map((l) => `> ${l}`), '', tx.weDid, input.resolution, '', tx.closing, '', input.ownerName, input.companyName].join('\n');
  return { subject, html, text };
}

/** To a colleague: a task is theirs (staff emails are in English). */
export function renderTaskAssigned(input: {
  assigneeName: string;
  title: string;
  accountName: string;
  priority: string;
  dueAt: Date;
  description: string | null;
  taskUrl: string;
  escalation?: { ownerName: string; overdueDays: number };
}): EmailContent {
  const due = input.dueAt.toISOString().slice(0, 10);
  const subject = input.escalation
    ? `Overdue high-priority follow-up at ${input.accountName}: ${input.title}`
    : `New ${input.priority}-priority follow-up at ${input.accountName}: ${input.title}`;
  const lead = input.escalation
    ? `${input.escalation.ownerName}'s ${input.priority}-priority task at ${input.accountName} is ${input.escalation.overdueDays} day(s) overdue (due ${due}).`
    : `A ${input.priority}-priority follow-up at ${input.accountName} is yours, due ${due}.`;
  const rows = [
    paragraph(escapeHtml(`Hello ${input.assigneeName},`)),
    paragraph(escapeHtml(lead)),
    paragraph(escapeHtml(input.title), { bold: true }),
    ...(input.description ? paragraphs(input.description).map((p) => paragraph(p, { padding: '0 32px 12px 48px' })) : []),
    button(input.taskUrl, 'Open the task'),
    paragraph(`Or open ${link(input.taskUrl, escapeHtml(input.taskUrl))}`, { size: 13 }),
  ].join('');
  const html = layout({ lang: 'en', title: subject, preheader: lead, rows, footer: 'Keypulse' });
  const text = [`Hello ${input.assigneeName},`, '', lead, '', input.title, '', input.description ?? '', '', `Open the task: ${input.taskUrl}`].join('\n');
  return { subject, html, text };
}

/** The morning digest: every follow-up task a person was given since yesterday's digest. */
export function renderTaskDigest(input: {
  name: string;
  tasks: { title: string; accountName: string; priority: string; dueAt: Date; url: string }[];
}): EmailContent {
  const count = input.tasks.length;
  const subject = `${count} new follow-up task${count === 1 ? '' : 's'} for you`;
  const lead = `Since yesterday you were given ${count} follow-up task${count === 1 ? '' : 's'}, soonest due first:`;
  const sorted = [...input.tasks].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  const rows = [
    paragraph(escapeHtml(`Hello ${input.name},`)),
    paragraph(escapeHtml(lead)),
    ...sorted.map((t) =>
      paragraph(
        `${link(t.url, escapeHtml(t.title))}<br>${escapeHtml(`${t.accountName} · ${t.priority} priority · due ${t.dueAt.toISOString().slice(0, 10)}`)}`,
        { padding: '0 32px 12px 48px' },
      ),
    ),
  ].join('');
  const html = layout({ lang: 'en', title: subject, preheader: lead, rows, footer: 'Keypulse' });
  const text = [`Hello ${input.name},`, '', lead, '', ...sorted.map((t) => `- ${t.title} (${t.accountName}, ${t.priority}, due ${t.dueAt.toISOString().slice(0, 10)}): ${t.url}`)].join('\n');
  return { subject, html, text };
}
