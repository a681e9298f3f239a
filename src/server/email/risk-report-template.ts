import { escapeHtml, layout, link, paragraph, type EmailContent } from './templates.js';
import type { RiskLevel, RiskReport } from '../../shared/schemas/risk-report.js';

/**
 * The Monday Morning Report email (staff emails are in English). Table layout and inline styles as in
 * templates.ts. Colour never carries meaning alone: every risk cell also says it in words ("Red — at risk"),
 * for colour-blind readers, plain-text clients and printouts. Each pair below has at least 6:1 contrast.
 */

type ReportAccount = RiskReport['accounts'][number];

const levels: Record<RiskLevel, { label: string; background: string; color: string }> = {
  red: { label: 'Red — at risk', background: '#fee2e2', color: '#991b1b' }, // 6.8:1
  amber: { label: 'Amber — watch', background: '#fef3c7', color: '#854d0e' }, // 6.2:1
  green: { label: 'Green — on track', background: '#dcfce7', color: '#166534' }, // 6.5:1
};
const colors = { card: '#ffffff', text: '#1f2937', muted: '#4b5563', rule: '#e5e7eb', head: '#f9fafb' } as const; // text on head 14:1, muted 7.2:1
const font = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** Above this many accounts the email lists those with something to say and points to the full report for the rest. */
export const MAX_ACCOUNTS_IN_EMAIL = 50;

export interface RiskReportEmailInput {
  recipientName: string;
  /** Executives get the whole portfolio, managers their own accounts. */
  scope: 'portfolio' | 'own';
  /** The local Monday of the edition, 'YYYY-MM-DD'; null for a report sent on request. */
  weekOf: string | null;
  accounts: ReportAccount[];
  reportUrl: string;
}

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const longDate = (ymd: string) => {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return `${d} ${months[m - 1]} ${y}`;
};
/** Whole points, signed, with a real minus sign (U+2212), as the pages show an NPS. */
const signedPoints = (nps: number) => {
  const rounded = Math.round(nps);
  return rounded > 0 ? `+${rounded}` : rounded < 0 ? `−${-rounded}` : '0';
};
const answers = (n: number) => `${n} ${n === 1 ? 'answer' : 'answers'}`;
/**
 * "+30 ±12.3, 8 answers"; "+75, all 4 contacts answered" (the margin is then 0: never "±0.0"); the margin to one
 * decimal, the same figure the pages show for the quarter.
 */
export const npsText = (a: Pick<ReportAccount, 'nps' | 'npsMargin' | 'npsResponses' | 'npsAsked' | 'npsEveryoneAnswered'>) => {
  if (a.nps === null) return 'no answers';
  if (a.npsEveryoneAnswered && a.npsAsked !== null) {
    return `${signedPoints(a.nps)}, ${a.npsAsked === 1 ? 'the 1 contact asked answered' : `all ${a.npsAsked} contacts answered`}`;
  }
  const margin = a.npsMargin !== null && Number(a.npsMargin.toFixed(1)) > 0 ? ` ±${a.npsMargin.toFixed(1)}` : '';
  return `${signedPoints(a.nps)}${margin}, ${answers(a.npsResponses)}`;
};

function countLevels(accounts: ReportAccount[]) {
  const n = { red: 0, amber: 0, green: 0 };
  for (const a of accounts) n[a.level]++;
  return n;
}

export function renderRiskReport(input: RiskReportEmailInput): EmailContent {
  const { accounts } = input;
  const n = countLevels(accounts);
  const whose = input.scope === 'portfolio' ? 'the whole portfolio' : 'your accounts';
  const when = input.weekOf ? `week of ${longDate(input.weekOf)}` : 'sent on request';
  const subject = `Monday Morning Report (${when}): ${n.red} red, ${n.amber} amber of ${accounts.length} account${accounts.length === 1 ? '' : 's'}`;
  const summary = `Account risk for ${whose}, ${when}: ${n.red} red, ${n.amber} amber and ${n.green} green of ${accounts.length}.`;

  // A long portfolio is cut to the accounts that need attention; the order (key accounts first, most at risk
  // first) is kept, and the rest is one click away.
  const listed = accounts.length <= MAX_ACCOUNTS_IN_EMAIL ? accounts : accounts.filter((a) => a.level !== 'green').slice(0, MAX_ACCOUNTS_IN_EMAIL);
  const omitted = accounts.length - listed.length;
  const omittedNote = omitted
    ? `${omitted} more account${omitted === 1 ? '' : 's'} (${n.green} green with nothing to report) ${omitted === 1 ? 'is' : 'are'} in the full report.`
    : null;
  const groups = [
    { title: 'Key accounts', rows: listed.filter((a) => a.stage === 'key_account') },
    { title: 'Other customers', rows: listed.filter((a) => a.stage !== 'key_account') },
  ].filter((g) => g.rows.length);

  const cell = (content: string, style = '') =>
    `<td valign="top" bgcolor="${colors.card}" style="padding:10px 8px;border-top:1px solid ${colors.rule};font-family:${font};` +
    `font-size:14px;line-height:20px;color:${colors.text};background-color:${colors.card};${style}">${content}</td>`;
  const headCell = (label: string, width?: number) =>
    `<th align="left" valign="bottom"${width ? ` width="${width}"` : ''} bgcolor="${colors.head}" style="padding:8px;font-family:${font};` +
    `font-size:13px;line-height:18px;font-weight:bold;color:${colors.text};background-color:${colors.head};">${label}</th>`;
  const accountRow = (a: ReportAccount) => {
    const level = levels[a.level];
    const owner = input.scope === 'portfolio' ? `<br><span style="color:${colors.muted};">Owner: ${escapeHtml(a.owner.name)}</span>` : '';
    const reasons = a.reasons.length
      ? a.reasons.map((r) => `<br>• ${escapeHtml(r.text)}`).join('')
      : `<br><span style="color:${colors.muted};">Nothing to report</span>`;
    return (
      '<tr>' +
      `<td valign="top" width="110" bgcolor="${level.background}" style="padding:10px 8px;border-top:1px solid ${colors.rule};font-family:${font};` +
      `font-size:14px;line-height:20px;font-weight:bold;color:${level.color};background-color:${level.background};">${escapeHtml(level.label)}</td>` +
      cell(`${link(a.link, `<strong>${escapeHtml(a.name)}</strong>`)}${owner}${reasons}`) +
      cell(escapeHtml(npsText(a)), 'white-space:nowrap;') +
      cell(escapeHtml(a.renewalDate ?? '–'), 'white-space:nowrap;') +
      '</tr>'
    );
  };
  const table = groups
    .map(
      (g) =>
        paragraph(escapeHtml(`${g.title} (${g.rows.length})`), { bold: true, padding: '16px 32px 8px 32px' }) +
        `<tr><td bgcolor="${colors.card}" style="padding:0 24px 8px 24px;background-color:${colors.card};">` +
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">` +
        `<tr>${headCell('Risk', 110)}${headCell('Account and reasons')}${headCell('NPS', 120)}${headCell('Renewal', 90)}</tr>` +
        g.rows.map(accountRow).join('') +
        '</table></td></tr>',
    )
    .join('');

  const rows = [
    paragraph(escapeHtml(`Hello ${input.recipientName},`)),
    paragraph(escapeHtml(summary)),
    accounts.length ? table : paragraph(escapeHtml('There are no customer accounts to report on.')),
    ...(omittedNote ? [paragraph(escapeHtml(omittedNote), { size: 14, color: colors.muted })] : []),
    paragraph(
      `The full report: ${link(input.reportUrl, escapeHtml(input.reportUrl))} (add <code>?format=csv</code> for a spreadsheet). ` +
        'NPS is the latest quarter with answers, ± its margin of error (95 %), with the number of answers behind it.',
      { size: 13, color: colors.muted, padding: '16px 32px 32px 32px' },
    ),
  ].join('\n');
  const html = layout({ lang: 'en', title: subject, preheader: summary, rows, footer: 'Keypulse · the Monday Morning Report' });

  const text: string[] = [`Hello ${input.recipientName},`, '', summary, ''];
  for (const g of groups) {
    text.push(g.title.toUpperCase(), '');
    for (const a of g.rows) {
      const owner = input.scope === 'portfolio' ? ` (owner: ${a.owner.name})` : '';
      text.push(`[${levels[a.level].label}] ${a.name}${owner} · NPS ${npsText(a)} · renewal ${a.renewalDate ?? '–'}`);
      for (const r of a.reasons) text.push(`  - ${r.text}`);
      text.push(`  ${a.link}`, '');
    }
  }
  if (!accounts.length) text.push('There are no customer accounts to report on.', '');
  if (omittedNote) text.push(omittedNote, '');
  text.push(`The full report: ${input.reportUrl} (CSV: ${input.reportUrl}?format=csv)`);
  return { subject, html, text: text.join('\n') + '\n' };
}
