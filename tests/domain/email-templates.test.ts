import { describe, expect, it } from 'vitest';
import { emailHeaders, renderSurveyInvitation, type SurveyInvitationInput } from '../../src/server/email/templates.js';

const surveyUrl = 'https://keypulse.example.com/s/tok_abc123';
const unsubscribeUrl = 'https://keypulse.example.com/u/unsub_xyz789';

const nps: SurveyInvitationInput = {
  lang: 'en',
  contactName: 'Ana Lima',
  ownerName: 'María Santos',
  companyName: 'Keypulse Demo Co',
  surveyKind: 'nps',
  surveyTitle: 'Relationship NPS',
  npsQuestion: 'How likely are you to recommend Keypulse Demo Co to a colleague?',
  surveyUrl,
  unsubscribeUrl,
  reminder: false,
};
const audit: SurveyInvitationInput = { ...nps, surveyKind: 'audit', surveyTitle: 'Key account review', npsQuestion: null };

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
const scoreLinks = (html: string) => hrefs(html).filter((h) => h.includes('score='));

describe('the NPS invitation', () => {
  const email = renderSurveyInvitation(nps);

  it('greets the contact in English, asks the question and shows the 0–10 scale with both labels', () => {
    expect(email.subject).toBe('A quick question from Keypulse Demo Co');
    expect(email.html).toContain('Hello Ana Lima,');
    expect(email.html).toContain('How likely are you to recommend Keypulse Demo Co to a colleague?');
    expect(email.html).toContain('Click a number to answer: one click is all it takes.');
    expect(email.html).toContain('0 = Not at all likely');
    expect(email.html).toContain('10 = Extremely likely');
    expect(email.html).toContain('María Santos');
    expect(email.html).toMatch(/<html lang="en"/);
  });

  it('has eleven score links, 0 to 10 in order, each opening the survey with that score, each 40px high', () => {
    expect(scoreLinks(email.html)).toEqual(Array.from({ length: 11 }, (_, n) => `${surveyUrl}?score=${n}`));
    const anchors = [...email.html.matchAll(/<a href="[^"]*\?score=(\d+)"[^>]*style="([^"]*)"[^>]*>(\d+)<\/a>/g)];
    expect(anchors.map((a) => a[3])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    for (const [, score, style, label] of anchors) {
      expect(label).toBe(score);
      expect(style).toMatch(/height:40px/);
      expect(style).toMatch(/display:block/);
    }
    // No button: the scale is the call to action.
    expect(email.html).not.toContain('Open the survey<');
  });

  it('keeps the 0–10 scale on one row down to a 320px screen: one table row of 11 cells that share the width', () => {
    const table = /<table[^>]*table-layout:fixed[^>]*><tr>([\s\S]*?)<\/tr><\/table>/.exec(email.html);
    expect(table).not.toBeNull();
    const cells = [...table![1]!.matchAll(/<td width="(\d+)%"[^>]*style="([^"]*)">(?:(?!<\/td>)[\s\S])*\?score=(\d+)/g)];
    expect(cells.map((c) => c[3])).toEqual(Array.from({ length: 11 }, (_, n) => String(n)));
    expect(table![1]!.match(/<td/g)).toHaveLength(11);
    // No fixed pixel width anywhere in the row: it cannot be wider than its screen.
    expect(table![1]!).not.toMatch(/width:\d+px|width="\d+"(?!%)/);
    const percent = cells.reduce((sum, c) => sum + Number(c[1]), 0);
    expect(percent).toBeLessThanOrEqual(100);
    // The budget at 320px: the page's side padding (8px) and the scale row's (8px) on each side.
    const pagePadding = Number(/<td align="center" bgcolor="#f3f4f6" style="padding:24px (\d+)px/.exec(email.html)![1]);
    const rowPadding = Number(/<tr><td align="center" bgcolor="#ffffff" style="padding:0 (\d+)px 8px \1px;[^"]*"><table[^>]*table-layout:fixed/.exec(email.html)![1]);
    const cellPadding = Number(/padding:0 (\d+)px/.exec(cells[0]![2]!)![1]) * 2;
    const cellWidth = ((320 - 2 * pagePadding - 2 * rowPadding) * Number(cells[0]![1])) / 100 - cellPadding;
    // Wide enough for "10" in 15px bold (≈ 17px) and for a 24px touch target (WCAG 2.2 minimum).
    expect(cellWidth).toBeGreaterThanOrEqual(24);
  });

  it('is a 600px table layout with inline styles, a preheader and a color-scheme declaration', () => {
    expect(email.html).toMatch(/^<!doctype html>/);
    expect(email.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(email.html).toContain('max-width:600px');
    expect(email.html).toContain('role="presentation"');
    expect(email.html).not.toMatch(/<style|<script|<img|class="/i);
    const preheader = /<div style="display:none;[^"]*">([^<&]*)/.exec(email.html);
    expect(preheader?.[1]).toBe(nps.npsQuestion);
  });

  it('has the unsubscribe link in the footer', () => {
    const footerStart = email.html.lastIndexOf('You receive this email because you work with Keypulse Demo Co.');
    expect(footerStart).toBeGreaterThan(email.html.lastIndexOf('score=10'));
    expect(email.html.slice(footerStart)).toContain(`href="${unsubscribeUrl}"`);
    expect(email.html.slice(footerStart)).toContain('>Unsubscribe</a>');
  });

  it('has a plain-text version with the same links', () => {
    for (const href of new Set(hrefs(email.html))) expect(email.text).toContain(href);
    expect(email.text).toContain(`0 (Not at all likely): ${surveyUrl}?score=0`);
    expect(email.text).toContain(`7: ${surveyUrl}?score=7`);
    expect(email.text).toContain(`10 (Extremely likely): ${surveyUrl}?score=10`);
    expect(email.text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
    expect(email.text).not.toMatch(/<[a-z]/i);
  });

  it('uses the standard question when the survey gives none', () => {
    const plain = renderSurveyInvitation({ ...nps, npsQuestion: null });
    expect(plain.html).toContain('How likely are you to recommend Keypulse Demo Co to a friend or colleague?');
  });

  it('keeps the score links valid when the survey URL already has a query', () => {
    const withQuery = renderSurveyInvitation({ ...nps, surveyUrl: `${surveyUrl}?lang=es` });
    expect(scoreLinks(withQuery.html)[3]).toBe(`${surveyUrl}?lang=es&amp;score=3`);
    expect(withQuery.text).toContain(`${surveyUrl}?lang=es&score=3`);
  });
});

describe('in Spanish', () => {
  it('uses the Spanish interface texts for an es-MX contact', () => {
    const email = renderSurveyInvitation({ ...nps, lang: 'es-MX', npsQuestion: '¿Recomendaría Keypulse Demo Co a un colega?' });
    expect(email.subject).toBe('Una pregunta rápida de Keypulse Demo Co');
    expect(email.html).toContain('Hola, Ana Lima:');
    expect(email.html).toContain('0 = Nada probable');
    expect(email.html).toContain('10 = Muy probable');
    expect(email.html).toContain('Darse de baja</a>');
    expect(email.html).toMatch(/<html lang="es-MX"/);
    expect(email.text).toContain(`0 (Nada probable): ${surveyUrl}?score=0`);
    expect(scoreLinks(email.html)).toHaveLength(11);
  });

  it('sends the audit with a Spanish button and reminder prefix', () => {
    const email = renderSurveyInvitation({ ...audit, lang: 'es', surveyTitle: 'Revisión de cuenta clave', reminder: true });
    expect(email.subject).toBe('Recordatorio: Revisión de cuenta clave – Keypulse Demo Co');
    expect(email.html).toContain('A María Santos le gustaría conocer su opinión');
    expect(email.html).toContain('>Abrir la encuesta</a>');
  });
});

describe('the audit and custom invitations', () => {
  it('show an "Open the survey" button linking to the survey instead of a scale', () => {
    const email = renderSurveyInvitation(audit);
    expect(email.subject).toBe('Key account review – Keypulse Demo Co');
    expect(email.html).toContain('María Santos would value your view of how we work together.');
    expect(email.html).toMatch(new RegExp(`<a href="${surveyUrl}"[^>]*>Open the survey</a>`));
    expect(scoreLinks(email.html)).toEqual([]);
    expect(email.text).toContain(`Open the survey: ${surveyUrl}`);
    expect(email.html).toContain(`href="${unsubscribeUrl}"`);
  });

  it('name the survey in a custom invitation', () => {
    const email = renderSurveyInvitation({ ...audit, surveyKind: 'custom', surveyTitle: 'Onboarding feedback' });
    expect(email.html).toContain('María Santos would value your answers to a short survey: Onboarding feedback.');
    expect(email.html).toContain('>Open the survey</a>');
  });
});

describe('reminders', () => {
  it('prefix the subject and say it is a reminder, keeping the same links', () => {
    const first = renderSurveyInvitation(nps);
    const reminder = renderSurveyInvitation({ ...nps, reminder: true });
    expect(reminder.subject).toBe('Reminder: A quick question from Keypulse Demo Co');
    expect(reminder.html).toContain('in case our earlier email got buried');
    expect(first.html).not.toContain('in case our earlier email got buried');
    expect(hrefs(reminder.html)).toEqual(hrefs(first.html));
  });
});

describe('escaping', () => {
  it('escapes a contact name, owner, company and title in the HTML and keeps them readable in the text', () => {
    const email = renderSurveyInvitation({
      ...audit,
      surveyKind: 'custom',
      contactName: '<script>alert("x")</script>',
      ownerName: 'Tom & "Jerry"',
      companyName: "O'Brien <Ltd>",
      surveyTitle: '<b>Q3</b> {company}',
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>Q3');
    expect(email.html).toContain('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,');
    expect(email.html).toContain('Tom &amp; &quot;Jerry&quot;');
    expect(email.html).toContain('O&#39;Brien &lt;Ltd&gt;');
    // A placeholder inside a value is not expanded.
    expect(email.html).toContain('&lt;b&gt;Q3&lt;/b&gt; {company}');
    expect(email.text).toContain('Hello <script>alert("x")</script>,');
    expect(email.subject).toBe("<b>Q3</b> {company} – O'Brien <Ltd>");
  });

  it('keeps line breaks out of the subject and refuses non-web links', () => {
    expect(renderSurveyInvitation({ ...audit, surveyTitle: 'Review\r\nBcc: x@example.com' }).subject).toBe(
      'Review Bcc: x@example.com – Keypulse Demo Co',
    );
    expect(() => renderSurveyInvitation({ ...nps, surveyUrl: 'javascript:alert(1)' })).toThrow(/surveyUrl/);
    expect(() => renderSurveyInvitation({ ...nps, unsubscribeUrl: 'https://x.example/"onmouseover="x' })).toThrow(/unsubscribeUrl/);
  });
});

describe('email headers', () => {
  it('offer RFC 8058 one-click unsubscribe', () => {
    expect(emailHeaders(unsubscribeUrl)).toEqual({
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('add a mailto after the HTTPS link when given', () => {
    expect(emailHeaders(unsubscribeUrl, 'unsubscribe@keypulse.example.com')['List-Unsubscribe']).toBe(
      `<${unsubscribeUrl}>, <mailto:unsubscribe@keypulse.example.com>`,
    );
    expect(emailHeaders(unsubscribeUrl, 'mailto:u@example.com?subject=unsubscribe')['List-Unsubscribe']).toBe(
      `<${unsubscribeUrl}>, <mailto:u@example.com?subject=unsubscribe>`,
    );
    expect(() => emailHeaders(unsubscribeUrl, 'u@example.com>\r\nBcc: x')).toThrow();
  });
});

describe('the brand in survey emails', () => {
  const brand = { logo: { url: 'https://keypulse.example.com/brand/logo-0123456789abcdef.png', width: 144, height: 48 }, accentColor: '#ffd500' };

  it('shows the logo at its drawn size, with the company name as its alternative text', () => {
    const email = renderSurveyInvitation({ ...nps, companyName: 'Acme & Co', brand });
    expect(email.html).toContain('<img src="https://keypulse.example.com/brand/logo-0123456789abcdef.png" width="144" height="48" alt="Acme &amp; Co"');
  });

  it('without a logo, names the company at the top in bold', () => {
    const email = renderSurveyInvitation({ ...nps, companyName: 'Acme & Co', brand: { ...brand, logo: null } });
    expect(email.html).not.toContain('<img');
    expect(email.html).toMatch(/font-weight:bold;">Acme &amp; Co<\/td>/);
  });

  it('paints the button in the accent, with black or white text, whichever keeps 4.5:1', () => {
    const light = renderSurveyInvitation({ ...audit, brand }).html;
    expect(light).toMatch(/color:#000000;background-color:#ffd500;[^"]*">Open the survey</);
    const dark = renderSurveyInvitation({ ...audit, brand: { logo: null, accentColor: '#5b2a86' } }).html;
    expect(dark).toMatch(/color:#ffffff;background-color:#5b2a86;[^"]*">Open the survey</);
  });

  it('refuses a logo address that is not a web URL', () => {
    expect(() => renderSurveyInvitation({ ...nps, brand: { ...brand, logo: { ...brand.logo, url: 'javascript:alert(1)' } } })).toThrow(/logo url/);
  });
});
