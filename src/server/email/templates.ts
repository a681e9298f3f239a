import { t, uiLanguage, type MessageKey } from '../../shared/i18n.js';
import type { SurveyKind } from '../../shared/schemas/survey.js';
import { textOnAccent } from '../../shared/schemas/settings.js';

/**
 * Email templates: pure functions from data to `{ subject, html, text }`.
 *
 * The HTML follows what survives the common clients: nested tables for layout (Outlook's Word engine has no
 * flexbox, no max-width, no inline-block), inline styles only (some Gmail views drop <style>), a 600px column,
 * a hidden preheader for the inbox preview, and no text in images. For dark mode we declare `color-scheme`
 * and set an explicit background *and* text colour on every element that holds text: clients that recolour
 * (Outlook, Gmail apps) then invert pairs, never leaving dark text on a darkened background. Every pair
 * used has at least 4.5:1 contrast.
 */

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

export interface SurveyInvitationInput {
  /** The respondent's language (BCP 47); interface texts fall back to its base language, then English. */
  lang: string;
  contactName: string;
  /** Our account owner, who signs the email. */
  ownerName: string;
  /** Our company (the sender). */
  companyName: string;
  surveyKind: SurveyKind;
  /** Already in the respondent's language. */
  surveyTitle: string;
  /** The NPS question, already localized; null uses the standard wording. */
  npsQuestion: string | null;
  surveyUrl: string;
  unsubscribeUrl: string;
  reminder: boolean;
  /** The admin's logo (an absolute http(s) URL, drawn at width × height) and accent colour (#rrggbb). */
  brand?: EmailBrand | undefined;
}

export interface EmailBrand {
  logo: { url: string; width: number; height: number } | null;
  accentColor: string;
}

/** The email-only texts of the catalogues (src/shared/i18n/<lang>.ts), by their short names here. */
const emailKeys = {
  subjectNps: 'emailSubjectNps',
  subjectSurvey: 'emailSubjectSurvey',
  npsQuestion: 'emailNpsQuestion',
  customBody: 'emailCustomBody',
  reminderLead: 'emailReminderLead',
  buttonFallback: 'emailButtonFallback',
  alsoOpen: 'emailAlsoOpen',
} as const satisfies Record<string, MessageKey>;

function tl(lang: string, key: keyof typeof emailKeys, vars: Record<string, string> = {}): string {
  return t(lang, emailKeys[key], vars);
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function assertWebUrl(url: string, what: string): void {
  if (!/^https?:\/\/[^\s<>"]+$/i.test(url)) throw new Error(`${what} must be an http(s) URL, got ${JSON.stringify(url)}`);
}

/** The link a score button opens: the survey with the score preselected. */
export function scoreUrl(surveyUrl: string, score: number): string {
  return `${surveyUrl}${surveyUrl.includes('?') ? '&' : '?'}score=${score}`;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

// Palette: every text colour is used only on the background it is listed with (contrast in brackets).
const colors = {
  page: '#f3f4f6',
  card: '#ffffff',
  text: '#1f2937', // on card 14.7:1
  muted: '#4b5563', // on card 7.6:1, on page 6.9:1
  button: '#1d4ed8', // white on it 6.7:1
  scoreBg: '#eef2ff',
  scoreText: '#1e3a8a', // on scoreBg 9.3:1
  scoreBorder: '#4f46e5',
  link: '#1d4ed8', // on card 6.7:1, on page 6.1:1
} as const;
const font = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

export function paragraph(html: string, opts: { size?: number; color?: string; bold?: boolean; padding?: string } = {}): string {
  const style = [
    `padding:${opts.padding ?? '0 32px 16px 32px'}`,
    `font-family:${font}`,
    `font-size:${opts.size ?? 16}px`,
    `line-height:${Math.round((opts.size ?? 16) * 1.5)}px`,
    `color:${opts.color ?? colors.text}`,
    `background-color:${colors.card}`,
    ...(opts.bold ? ['font-weight:bold'] : []),
  ].join(';');
  return `<tr><td bgcolor="${colors.card}" style="${style};">${html}</td></tr>`;
}

export function link(url: string, label: string, color: string = colors.link): string {
  return `<a href="${escapeHtml(url)}" style="color:${color};text-decoration:underline;word-break:break-word;overflow-wrap:anywhere;">${label}</a>`;
}

/**
 * The 0–10 scale: one table row of 11 cells, each a link filling its cell, 40px high. It never wraps — a scale split
 * over two rows biases answers — so the cells share the width (9% each, fixed layout): 296px on a 320px phone
 * (8px page margin and 4px card padding on each side) leaves each score 24.6px besides a 1px gap, wider than "10"
 * in 15px bold and the 24px minimum touch target (WCAG 2.2).
 * A table, not inline blocks, so Outlook's Word engine lays it out the same.
 */
export const SCALE_ROW_PADDING_PX = 4;
function npsScale(lang: string, surveyUrl: string, accent: string): string {
  const low = t(lang, 'notLikely');
  const high = t(lang, 'veryLikely');
  const cells = Array.from({ length: 11 }, (_, n) => {
    const title = n === 0 ? `0 – ${low}` : n === 10 ? `10 – ${high}` : String(n);
    const style = [
      'display:block',
      'height:40px',
      'line-height:40px',
      'text-align:center',
      `font-family:${font}`,
      'font-size:15px',
      'font-weight:bold',
      `color:${colors.scoreText}`,
      `background-color:${colors.scoreBg}`,
      `border:1px solid ${accent}`,
      'border-radius:6px',
      'text-decoration:none',
    ].join(';');
    return (
      `<td width="9%" align="center" bgcolor="${colors.card}" style="width:9%;padding:0 1px;background-color:${colors.card};">` +
      `<a href="${escapeHtml(scoreUrl(surveyUrl, n))}" title="${escapeHtml(title)}" style="${style};">${n}</a>` +
      `</td>`
    );
  }).join('');
  const labelStyle = `font-family:${font};font-size:13px;line-height:18px;color:${colors.muted};background-color:${colors.card}`;
  const side = `${SCALE_ROW_PADDING_PX}px`;
  return (
    `<tr><td align="center" bgcolor="${colors.card}" style="padding:0 ${side} 8px ${side};background-color:${colors.card};">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" align="center" ` +
    `style="width:100%;max-width:528px;table-layout:fixed;"><tr>` +
    cells +
    `</tr></table>` +
    `</td></tr>` +
    `<tr><td bgcolor="${colors.card}" style="padding:0 ${side} 24px ${side};background-color:${colors.card};">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>` +
    `<td align="left" valign="top" bgcolor="${colors.card}" style="${labelStyle};">0 = ${escapeHtml(low)}</td>` +
    `<td align="right" valign="top" bgcolor="${colors.card}" style="${labelStyle};">10 = ${escapeHtml(high)}</td>` +
    `</tr></table></td></tr>`
  );
}

/** A button in the accent colour (the brand's, or the default blue), its label white or black, whichever contrasts more. */
export function button(url: string, label: string, accent: string = colors.button): string {
  const on = textOnAccent(accent);
  return (
    `<tr><td align="center" bgcolor="${colors.card}" style="padding:8px 32px 24px 32px;background-color:${colors.card};">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" align="center"><tr>` +
    `<td align="center" bgcolor="${accent}" style="border-radius:6px;mso-padding-alt:14px 28px;background-color:${accent};">` +
    `<a href="${escapeHtml(url)}" style="display:inline-block;padding:14px 28px;font-family:${font};font-size:16px;` +
    `line-height:20px;font-weight:bold;color:${on};background-color:${accent};text-decoration:none;border-radius:6px;">` +
    `${escapeHtml(label)}</a></td></tr></table></td></tr>`
  );
}

function htmlLang(lang: string): string {
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(lang) ? lang : uiLanguage(lang);
}

export function layout(opts: { lang: string; title: string; preheader: string; rows: string; footer: string }): string {
  // Filler after the preheader stops clients from appending body text to the inbox preview.
  const filler = '&#847;&zwnj;&nbsp;'.repeat(40);
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(htmlLang(opts.lang))}" dir="ltr" xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
    '<meta name="x-apple-disable-message-reformatting">',
    '<meta name="format-detection" content="telephone=no, date=no, address=no, email=no, url=no">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="supported-color-schemes" content="light dark">',
    `<title>${escapeHtml(opts.title)}</title>`,
    '<!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->',
    '</head>',
    `<body style="margin:0;padding:0;width:100%;background-color:${colors.page};color:${colors.text};">`,
    `<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;color:${colors.page};">` +
      `${escapeHtml(opts.preheader)}${filler}</div>`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${colors.page}" style="background-color:${colors.page};">`,
    `<tr><td align="center" bgcolor="${colors.page}" style="padding:24px 8px;background-color:${colors.page};">`,
    '<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->',
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${colors.card}" ` +
      `style="max-width:600px;margin:0 auto;background-color:${colors.card};border-radius:8px;">`,
    `<tr><td bgcolor="${colors.card}" style="height:32px;line-height:32px;font-size:0;background-color:${colors.card};">&nbsp;</td></tr>`,
    opts.rows,
    '</table>',
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;margin:0 auto;">`,
    `<tr><td align="center" bgcolor="${colors.page}" style="padding:16px 24px;font-family:${font};font-size:13px;line-height:20px;` +
      `color:${colors.muted};background-color:${colors.page};">${opts.footer}</td></tr>`,
    '</table>',
    '<!--[if mso]></td></tr></table><![endif]-->',
    '</td></tr></table>',
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * Who is asking, at the top of the card: the logo (with the company name as its alt text, for clients that block
 * images) or, without a logo, the company name in bold.
 */
function brandHeader(company: string, logo: EmailBrand['logo']): string {
  if (logo) {
    assertWebUrl(logo.url, 'logo url');
    const img =
      `<img src="${escapeHtml(logo.url)}" width="${logo.width}" height="${logo.height}" alt="${escapeHtml(company)}" ` +
      `style="display:block;border:0;outline:none;width:${logo.width}px;height:${logo.height}px;font-family:${font};font-size:16px;font-weight:bold;color:${colors.text};">`;
    return `<tr><td bgcolor="${colors.card}" style="padding:0 32px 16px 32px;background-color:${colors.card};">${img}</td></tr>`;
  }
  return paragraph(escapeHtml(company), { bold: true, size: 18 });
}

export function renderSurveyInvitation(input: SurveyInvitationInput): EmailContent {
  const { lang, surveyUrl, unsubscribeUrl } = input;
  assertWebUrl(surveyUrl, 'surveyUrl');
  assertWebUrl(unsubscribeUrl, 'unsubscribeUrl');
  const ui = (key: MessageKey, vars?: Record<string, string>) => t(lang, key, vars);
  const company = input.companyName;
  const isNps = input.surveyKind === 'nps';

  const baseSubject = isNps
    ? tl(lang, 'subjectNps', { company })
    : tl(lang, 'subjectSurvey', { title: input.surveyTitle, company });
  const subject = oneLine((input.reminder ? ui('emailReminderPrefix') : '') + baseSubject);

  const greeting = ui('emailGreeting', { name: input.contactName });
  const reminderLead = input.reminder ? tl(lang, 'reminderLead') : null;
  const question = isNps ? (input.npsQuestion ?? tl(lang, 'npsQuestion', { company })) : null;
  const body = isNps
    ? ui('emailNpsBody')
    : input.surveyKind === 'audit'
      ? ui('emailAuditBody', { owner: input.ownerName })
      : tl(lang, 'customBody', { owner: input.ownerName, title: input.surveyTitle });
  const signoff = [ui('emailSignoff'), input.ownerName, company];
  const why = ui('emailWhy', { company });
  const unsubscribe = ui('emailUnsubscribe');

  const accent = input.brand?.accentColor ?? colors.button;
  const rows: string[] = [brandHeader(company, input.brand?.logo ?? null), paragraph(escapeHtml(greeting))];
  if (reminderLead) rows.push(paragraph(escapeHtml(reminderLead)));
  rows.push(paragraph(escapeHtml(body)));
  if (question) {
    rows.push(paragraph(escapeHtml(question), { size: 18, bold: true, padding: '8px 32px 8px 32px' }));
    rows.push(paragraph(escapeHtml(ui('emailNpsLead')), { size: 14, color: colors.muted, padding: '0 32px 12px 32px' }));
    rows.push(npsScale(lang, surveyUrl, accent));
    rows.push(paragraph(`${escapeHtml(tl(lang, 'alsoOpen'))} ${link(surveyUrl, escapeHtml(surveyUrl))}`, { size: 14, color: colors.muted }));
  } else {
    rows.push(button(surveyUrl, ui('emailOpenSurvey'), accent));
    rows.push(paragraph(`${escapeHtml(tl(lang, 'buttonFallback'))} ${link(surveyUrl, escapeHtml(surveyUrl))}`, { size: 14, color: colors.muted }));
  }
  rows.push(paragraph(signoff.map(escapeHtml).join('<br>'), { padding: '8px 32px 32px 32px' }));

  const html = layout({
    lang,
    title: subject,
    preheader: question ?? body,
    rows: rows.join('\n'),
    footer: `${escapeHtml(why)}<br>${link(unsubscribeUrl, escapeHtml(unsubscribe), colors.link)}`,
  });

  const textParts: string[] = [greeting, ''];
  if (reminderLead) textParts.push(reminderLead, '');
  textParts.push(body, '');
  if (question) {
    textParts.push(question, ui('emailNpsLead'), '');
    for (let n = 0; n <= 10; n++) {
      const label = n === 0 ? ` (${ui('notLikely')})` : n === 10 ? ` (${ui('veryLikely')})` : '';
      textParts.push(`${n}${label}: ${scoreUrl(surveyUrl, n)}`);
    }
    textParts.push('', `${tl(lang, 'alsoOpen')} ${surveyUrl}`, '');
  } else {
    textParts.push(`${ui('emailOpenSurvey')}: ${surveyUrl}`, '');
  }
  textParts.push(...signoff, '', '--', why, `${unsubscribe}: ${unsubscribeUrl}`);

  return { subject, html, text: textParts.join('\n') + '\n' };
}

/**
 * List-Unsubscribe with RFC 8058 one-click: mail clients show an unsubscribe button and POST
 * `List-Unsubscribe=One-Click` to the URL (so it must accept a cookie-less POST). Gmail and Yahoo require
 * this for bulk senders. An optional mailto is offered second, for clients that only do mailto.
 */
export function emailHeaders(unsubscribeUrl: string, mailto?: string): Record<string, string> {
  assertWebUrl(unsubscribeUrl, 'unsubscribeUrl');
  const uris = [`<${unsubscribeUrl}>`];
  if (mailto) {
    const uri = mailto.startsWith('mailto:') ? mailto : `mailto:${mailto}`;
    if (/[\s<>,]/.test(uri)) throw new Error(`invalid unsubscribe mailto: ${JSON.stringify(mailto)}`);
    uris.push(`<${uri}>`);
  }
  return {
    'List-Unsubscribe': uris.join(', '),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
