import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitations, responses } from '../../src/server/db/schema/index.js';
import { createTestContext, TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign, type FixtureContact, type SentEmail } from '../helpers/survey-fixtures.js';
import { supportedLanguages, t } from '../../src/shared/i18n.js';

let ctx: TestContext;
let manager: Awaited<ReturnType<TestContext['signIn']>>;
beforeAll(async () => {
  ctx = await createTestContext();
  manager = await ctx.signIn('account_manager');
});
afterAll(() => ctx.close());

const DAY = 24 * 3600_000;

interface Invitation {
  mail: SentEmail;
  contactId: string;
  campaignId: string;
  /** The survey page's path, as the email links it (the host is the test origin). */
  path: string;
}

/** One contact invited to a survey by a real campaign; the link comes from the email in the outbox. */
async function invite(contact: FixtureContact = {}, survey: 'nps' | 'audit' = 'nps', campaign: Record<string, unknown> = {}): Promise<Invitation> {
  // Tests move the clock past link expiry, which outlives a staff session: sign in afresh.
  manager = await ctx.signIn(manager.user);
  const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [contact]);
  const sent = await sendCampaign(ctx, manager, { accountIds: [accountId], survey, ...campaign });
  const mail = await emailTo(ctx, emails[0]!);
  return { mail, contactId: contactIds[0]!, campaignId: sent.id, path: new URL(mail.surveyUrl).pathname };
}

async function responsesOf(contactId: string) {
  return ctx.database.db.select().from(responses).where(eq(responses.contactId, contactId));
}

async function invitationOf(contactId: string) {
  const [row] = await ctx.database.db.select().from(invitations).where(eq(invitations.contactId, contactId));
  return row!;
}

/** A plain HTML form post, as a browser with JavaScript off sends it. */
function postForm(client: TestClient, path: string, fields: [string, string][]) {
  return client.request('POST', path, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The text a person sees (tags dropped, entities decoded enough for our strings). */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

function expectStrictCsp(headers: Headers) {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  // Token URLs never leave the site; same-origin (not no-referrer) keeps a real Origin on plain form posts.
  expect(headers.get('referrer-policy')).toBe('same-origin');
}

/** Nothing the CSP would block: every script is a file or a JSON data block, no inline style or handler. */
function expectNoInlineCode(html: string) {
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\/assets\/|type="application\/json"/);
  expect(html).not.toMatch(/\sstyle="/);
  expect(html).not.toMatch(/\son[a-z]+="/);
}

describe('the survey page (server-rendered, works without JavaScript)', () => {
  it('shows the NPS survey in English, with an 11-point scale, its end labels and the required mark', async () => {
    const { path } = await invite({ language: 'en' });
    const res = await ctx.anonymous().get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expectStrictCsp(res.headers);
    expectNoInlineCode(res.text);
    expect(res.text).toContain('<html lang="en"');
    expect(res.text).toContain(`<form method="post" action="${path}"`);
    const text = visibleText(res.text);
    expect(text).toContain('How are we doing?');
    expect(text).toContain('How likely is it that you would recommend Keypulse Demo Co to a friend or colleague? * (required)');
    expect(text).toContain('Not at all likely');
    expect(text).toContain('Extremely likely');
    expect(text).toContain('What is the main reason for your score?');
    expect(res.text.match(/<input type="radio" id="q-nps-\d+" name="q\.nps" value="\d+"/g)).toHaveLength(11);
    expect(res.text).toMatch(/<textarea[^>]*name="q\.reason"/);
    expect(text).toContain('Send my answers');
    // The props travel in a JSON block for hydration; the bundle is a content-hashed module file.
    expect(res.text).toMatch(/<script type="application\/json" id="survey-props">\{"token":/);
    expect(res.text).toMatch(/<script type="module" src="\/assets\/survey-[0-9a-f]{12}\.js"><\/script>/);
  });

  it('speaks Spanish to a Spanish contact', async () => {
    const { path } = await invite({ language: 'es' });
    const res = await ctx.anonymous().get(path);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="es"');
    const text = visibleText(res.text);
    expect(text).toContain('¿Cómo lo estamos haciendo?');
    expect(text).toContain('¿Qué probabilidad hay de que recomiende Keypulse Demo Co a un amigo o colega? * (obligatoria)');
    expect(text).toContain('Nada probable');
    expect(text).toContain('Muy probable');
    expect(text).toContain('Enviar mis respuestas');
    expect(text).not.toContain('How likely');
  });

  it('shows the audit one section at a time, with its intro, the section heading and where the respondent is', async () => {
    const { path } = await invite({ language: 'en' }, 'audit');
    const res = await ctx.anonymous().get(path);
    const text = visibleText(res.text);
    expect(text).toContain('Our yearly review of how we work together.');
    expect(text).toContain('Section 1 of 3');
    expect(res.text).toContain('<h2>Past and present</h2>');
    expect(res.text).not.toContain('<h2>The future</h2>');
    expect(res.text.match(/name="q\.marks"/g)).toHaveLength(10);
    expect(res.text).toMatch(/<input type="radio" id="q-supplier_or_partner-1" name="q\.supplier_or_partner" value="partner"/);
    expect(res.text).toMatch(/<input type="text"[^>]*name="q\.one_sentence"/);
    expect(text).toContain('Questions marked * are required.');
    expect(res.text).toContain('<button class="btn" type="submit" name="action" value="next">Next</button>');
    expect(res.text).not.toContain('value="back"');

    const second = await ctx.anonymous().get(`${path}?section=2`);
    expect(visibleText(second.text)).toContain('Section 2 of 3');
    expect(second.text).toContain('<h2>The future</h2>');
    expect(second.text).not.toContain('<h2>Past and present</h2>');
    expect(visibleText(second.text)).not.toContain('Our yearly review');
    expect(second.text).toContain('value="back">Back</button>');
    // A section number out of range shows the nearest section.
    expect(visibleText((await ctx.anonymous().get(`${path}?section=99`)).text)).toContain('Section 3 of 3');
    expect(visibleText((await ctx.anonymous().get(`${path}?section=abc`)).text)).toContain('Section 1 of 3');
  });

  it('without JavaScript, each section is stored when the respondent moves on, and a missing required answer stops them', async () => {
    const { path, contactId } = await invite({ language: 'en' }, 'audit');
    const anon = ctx.anonymous();
    // Section 1 without its required questions: stays, says what is missing, keeps what was typed.
    const stopped = await postForm(anon, path, [
      ['section', '1'],
      ['action', 'next'],
      ['q.falls_short', 'Slow invoices'],
    ]);
    expect(stopped.status).toBe(422);
    expect(visibleText(stopped.text)).toContain('Section 1 of 3');
    expect(stopped.text).toContain('id="q-marks-error"');
    expect((await responsesOf(contactId))[0]?.answers).toEqual({ falls_short: 'Slow invoices' });

    const next = await postForm(anon, path, [
      ['section', '1'],
      ['action', 'next'],
      ['q.falls_short', 'Slow invoices'],
      ['q.marks', '7'],
      ['q.supplier_or_partner', 'partner'],
    ]);
    expect(next.status).toBe(303);
    expect(next.headers.get('location')).toBe(`${path}?section=2`);
    expect((await responsesOf(contactId))[0]).toMatchObject({
      answers: { falls_short: 'Slow invoices', marks: 7, supplier_or_partner: { selected: ['partner'] } },
      completedAt: null,
    });

    // Back from section 2 stores what was typed there too, and shows section 1 with its answers.
    const back = await postForm(anon, path, [
      ['section', '2'],
      ['action', 'back'],
      ['q.how_we_help', 'Earlier forecasts'],
    ]);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${path}?section=1`);
    expect((await responsesOf(contactId))[0]?.answers).toMatchObject({ how_we_help: 'Earlier forecasts' });
    const first = await anon.get(`${path}?section=1`);
    expect(first.text).toMatch(/<input type="radio" id="q-marks-6" name="q\.marks" value="7" checked/);

    // Sending from the last section without the required score: the page shows that section and its error.
    const send = await postForm(anon, path, [['section', '3']]);
    expect(send.status).toBe(422);
    expect(visibleText(send.text)).toContain('Section 3 of 3');
    expect(send.text).toContain('id="q-nps-error"');
    const done = await postForm(anon, path, [
      ['section', '3'],
      ['q.nps', '9'],
    ]);
    expect(done.status).toBe(200);
    expect(visibleText(done.text)).toContain('Thank you for your time.');
    expect((await responsesOf(contactId))[0]).toMatchObject({ npsScore: 9, answers: { marks: 7, how_we_help: 'Earlier forecasts', nps: 9 } });
    expect((await responsesOf(contactId))[0]!.completedAt).not.toBeNull();
  });

  it('a bare GET with ?score=N (what mail scanners prefetch) records nothing, for any N', async () => {
    const { path, contactId } = await invite();
    const anon = ctx.anonymous();
    for (const score of ['0', '5', '9', '10', '11', '-1', 'abc', '']) {
      const res = await anon.get(`${path}?score=${score}`);
      expect(res.status).toBe(200);
    }
    const res = await anon.get(`${path}?score=7`);
    // The score is pre-checked and waits for one confirming click; nothing else is asked yet.
    expect(res.text).toMatch(/<input type="radio" id="q-nps-7" name="q\.nps" value="7" checked/);
    expect(res.text).toMatch(/<button class="btn" type="submit" name="action" value="save-score">Confirm my score<\/button>/);
    expect(res.text).not.toContain('name="q.reason"');
    expect(await responsesOf(contactId)).toEqual([]);
    expect((await invitationOf(contactId)).respondedAt).toBeNull();
  });

  it('without JavaScript, "Confirm my score" records the score and then shows the rest of the form', async () => {
    const { path, contactId } = await invite();
    const res = await postForm(ctx.anonymous(), path, [
      ['q.nps', '3'],
      ['action', 'save-score'],
    ]);
    expect(res.status).toBe(200);
    expectStrictCsp(res.headers);
    expect(visibleText(res.text)).toContain('Thank you, your score is saved. Would you like to tell us a little more?');
    expect(res.text).toMatch(/name="q\.reason"/);
    expect(res.text).toMatch(/value="3" checked/);
    expect(res.text).not.toContain('value="save-score"');
    const [saved, ...more] = await responsesOf(contactId);
    expect(more).toEqual([]);
    expect(saved).toMatchObject({ answers: { nps: 3 }, npsScore: 3, completedAt: null });
  });

  it('a full submit missing a required answer is refused with the message next to the question, in Spanish, and writes nothing', async () => {
    const { path, contactId } = await invite({ language: 'es' });
    const res = await postForm(ctx.anonymous(), path, [['q.reason', 'Buen soporte']]);
    expect(res.status).toBe(422);
    expectStrictCsp(res.headers);
    // The message sits under the question and is tied to it for screen readers.
    expect(res.text).toMatch(
      /<fieldset class="q bad" aria-describedby="q-nps-error q-nps-ends" aria-invalid="true"><legend[^>]*>.*?<\/legend><p class="err" id="q-nps-error">Por favor, responda a esta pregunta\.<\/p>/,
    );
    // A summary at the top links to the question.
    expect(res.text).toMatch(/<div class="summary" role="alert" tabindex="-1"[^>]*><h2 id="summary-title">Algunas respuestas necesitan su atención\.<\/h2>/);
    expect(res.text).toMatch(/<a href="#q-nps-0">¿Qué probabilidad hay[^<]*colega\? Por favor, responda a esta pregunta\.<\/a>/);
    expect(res.text).toMatch(/<title>Error: ¿Cómo lo estamos haciendo\?<\/title>/);
    // What was typed is kept in the form.
    expect(res.text).toMatch(/<textarea[^>]*name="q\.reason"[^>]*>Buen soporte<\/textarea>/);
    expect(await responsesOf(contactId)).toEqual([]);
  });

  it('an invalid score in a plain post is refused next to the question', async () => {
    const { path, contactId } = await invite();
    const res = await postForm(ctx.anonymous(), path, [['q.nps', '12']]);
    expect(res.status).toBe(422);
    expect(res.text).toContain('<p class="err" id="q-nps-error">Choose a number from 0 to 10.</p>');
    expect(await responsesOf(contactId)).toEqual([]);
  });

  it('a valid submit thanks the respondent, and sending again (double click, retry) keeps exactly one response', async () => {
    const { path, contactId } = await invite();
    const fields: [string, string][] = [
      ['q.nps', '8'],
      ['q.reason', 'Quick answers'],
    ];
    const anon = ctx.anonymous();
    const first = await postForm(anon, path, fields);
    expect(first.status).toBe(200);
    const text = visibleText(first.text);
    // The survey's closing text starts with its own "Thank you.": it is said once, not twice.
    expect(text).toContain('Thank you! Your account team reads every answer.');
    expect(text).not.toContain('Thank you. Your account team');
    expect(first.text).toContain(`<a href="${path}?edit=1">Change my answers</a>`);
    const [stored] = await responsesOf(contactId);
    expect(stored).toMatchObject({ answers: { nps: 8, reason: 'Quick answers' }, npsScore: 8 });
    expect(stored!.completedAt).not.toBeNull();

    ctx.clock.advance(60_000);
    const retries = await Promise.all([postForm(anon, path, fields), postForm(anon, path, fields), anon.post(`${path}/answers`, { answers: { nps: 8 }, complete: true })]);
    expect(retries.map((r) => r.status)).toEqual([200, 200, 200]);
    const after = await responsesOf(contactId);
    expect(after).toHaveLength(1);
    expect(after[0]!.completedAt).toEqual(stored!.completedAt); // the first completion time stands

    // Opening the link again shows the thanks, not an empty form.
    expect(visibleText((await anon.get(path)).text)).toContain('Change my answers');
  });

  it('answers can be revised until the link expires; then the link is simply unavailable', async () => {
    const { path, contactId } = await invite({}, 'nps', { expiresAfterDays: 7 });
    const anon = ctx.anonymous();
    expect((await postForm(anon, path, [['q.nps', '4']])).status).toBe(200);

    const edit = await anon.get(`${path}?edit=1`);
    expect(edit.status).toBe(200);
    expect(edit.text).toMatch(/value="4" checked/);
    expect(edit.text).toContain('Send my answers');

    ctx.clock.advance(6 * DAY);
    const revised = await postForm(anon, path, [
      ['q.nps', '9'],
      ['q.reason', 'They fixed it'],
    ]);
    expect(revised.status).toBe(200);
    expect(await responsesOf(contactId)).toMatchObject([{ answers: { nps: 9, reason: 'They fixed it' }, npsScore: 9 }]);

    ctx.clock.advance(2 * DAY);
    const closed = await anon.get(`${path}?edit=1`);
    expect(closed.status).toBe(404);
    expect(visibleText(closed.text)).toContain('This survey link is not available');
    expect((await postForm(anon, path, [['q.nps', '0']])).status).toBe(404);
    expect((await anon.post(`${path}/answers`, { answers: { nps: 0 } })).status).toBe(404);
    expect(await responsesOf(contactId)).toMatchObject([{ npsScore: 9 }]);
  });

  it('an expired link, an unknown token and a malformed one give the same friendly page, which reveals nothing', async () => {
    const { path, mail } = await invite({ name: 'Zoë Secretname' }, 'nps', { expiresAfterDays: 1 });
    ctx.clock.advance(2 * DAY);
    const anon = ctx.anonymous();
    const expired = await anon.get(`${path}?score=9`);
    const unknown = await anon.get(`/s/${'A'.repeat(mail.surveyToken.length)}?score=9`);
    const malformed = await anon.get('/s/nope');
    for (const res of [expired, unknown, malformed]) {
      expect(res.status).toBe(404);
      expectStrictCsp(res.headers);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect(unknown.text).toBe(expired.text);
    expect(malformed.text).toBe(expired.text);
    for (const secret of ['Secretname', 'How are we doing', 'Keypulse Demo Co', 'recommend', mail.surveyToken]) {
      expect(expired.text).not.toContain(secret);
    }
    expect(visibleText(expired.text)).toContain('The link may have expired or the survey may have closed.');
    expect(expired.text).not.toMatch(/<script type="module"/);
  });

  it('a cancelled campaign closes its links the same way', async () => {
    const { path, campaignId } = await invite();
    const reference = await ctx.anonymous().get(`/s/${'B'.repeat(43)}`);
    expect((await manager.post(`/api/campaigns/${campaignId}/cancel`)).status).toBe(200);
    const res = await ctx.anonymous().get(`${path}?score=10`);
    expect(res.status).toBe(404);
    expect(res.text).toBe(reference.text);
    expect((await postForm(ctx.anonymous(), path, [['q.nps', '10']])).status).toBe(404);
  });

  it('answers containing markup are shown as text and cannot break out of the props block', async () => {
    const { path } = await invite();
    const evil = '</script><script>alert(1)</script><b>hi</b>';
    expect((await ctx.anonymous().post(`${path}/answers`, { answers: { nps: 5, reason: evil } })).status).toBe(200);
    const page = await ctx.anonymous().get(`${path}?edit=1`);
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toContain('<b>hi</b>');
    expect(page.text).toContain('\\u003c/script>');
    expectNoInlineCode(page.text);
  });
});

describe('the JSON answers endpoint (used by the page with JavaScript on)', () => {
  it('saves partial answers, which the page then shows on a reload', async () => {
    const { path, contactId } = await invite();
    const anon = ctx.anonymous();
    const res = await anon.post(`${path}/answers`, { answers: { nps: 6 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ answers: { nps: 6 }, completed: false });
    const more = await anon.post(`${path}/answers`, { answers: { reason: 'Slow invoices' } });
    expect(more.body.answers).toEqual({ nps: 6, reason: 'Slow invoices' });
    const page = await anon.get(path);
    expect(page.text).toMatch(/value="6" checked/);
    expect(page.text).toMatch(/>Slow invoices<\/textarea>/);
    expect(await responsesOf(contactId)).toHaveLength(1);
  });

  it('refuses what is not JSON (415), bad JSON and bad bodies (400), and names an unknown question', async () => {
    const { path, contactId } = await invite({ language: 'es' });
    const anon = ctx.anonymous();
    const text = await anon.request('POST', `${path}/answers`, { headers: { 'content-type': 'text/plain' }, body: '{"answers":{}}' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    const form = await postForm(anon, `${path}/answers`, [['q.nps', '5']]);
    expect(form.status).toBe(415);

    const broken = await anon.request('POST', `${path}/answers`, { headers: { 'content-type': 'application/json' }, body: '{"answers":' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');

    for (const body of [{ answers: 'nine' }, { answers: { nps: 9 }, extra: 1 }, {}, { answers: { nps: 9 }, complete: 'yes' }]) {
      const res = await anon.post(`${path}/answers`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }

    const unknown = await anon.post(`${path}/answers`, { answers: { nps: 9, favourite_colour: 'blue' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues).toEqual([{ path: 'favourite_colour', message: 'Esta respuesta no es válida.' }]);

    const range = await anon.post(`${path}/answers`, { answers: { nps: 11 } });
    expect(range.status).toBe(400);
    expect(range.body.error.issues).toEqual([{ path: 'nps', message: 'Elija un número del 0 al 10.' }]);

    const incomplete = await anon.post(`${path}/answers`, { answers: { reason: 'x' }, complete: true });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.issues).toEqual([{ path: 'nps', message: 'Por favor, responda a esta pregunta.' }]);

    expect(await responsesOf(contactId)).toEqual([]);
  });

  it('completes on top of earlier saves, clears with null, refuses a completion that leaves a required question empty, and closes with the campaign', async () => {
    const { path, contactId, campaignId } = await invite();
    const anon = ctx.anonymous();
    expect((await anon.post(`${path}/answers`, { answers: { nps: 3 } })).body).toMatchObject({ answers: { nps: 3 }, completed: false });
    const firstAnswer = (await invitationOf(contactId)).respondedAt;
    expect(firstAnswer).not.toBeNull();

    ctx.clock.advance(3600_000);
    const done = await anon.post(`${path}/answers`, { answers: { reason: '  Late deliveries ' }, complete: true });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ answers: { nps: 3, reason: 'Late deliveries' }, completed: true });
    const [completed] = await responsesOf(contactId);
    expect(completed).toMatchObject({ npsScore: 3, answers: { nps: 3, reason: 'Late deliveries' } });
    expect(completed!.completedAt).not.toBeNull();
    expect((await invitationOf(contactId)).respondedAt).toEqual(firstAnswer); // the first answer's time stands

    const emptied = await anon.post(`${path}/answers`, { answers: { nps: null }, complete: true });
    expect(emptied.status).toBe(400);
    expect(emptied.body.error.issues).toEqual([{ path: 'nps', message: 'Please answer this question.' }]);
    expect(await responsesOf(contactId)).toMatchObject([{ npsScore: 3, answers: { nps: 3, reason: 'Late deliveries' } }]);

    const cleared = await anon.post(`${path}/answers`, { answers: { reason: null, nps: 8 } });
    expect(cleared.body).toMatchObject({ answers: { nps: 8 }, completed: true });
    expect(await responsesOf(contactId)).toMatchObject([{ npsScore: 8, answers: { nps: 8 }, completedAt: completed!.completedAt }]);

    expect((await manager.post(`/api/campaigns/${campaignId}/cancel`)).status).toBe(200);
    const closed = await anon.post(`${path}/answers`, { answers: { nps: 10 } });
    const unknown = await anon.post(`/s/${'C'.repeat(43)}/answers`, { answers: { nps: 10 } });
    for (const res of [closed, unknown]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect(closed.body).toEqual(unknown.body);
    expect(await responsesOf(contactId)).toMatchObject([{ npsScore: 8 }]);
  });

  it('many respondents at once are written together, each acknowledged answer stored; a link\'s answers apply in the order sent', async () => {
    manager = await ctx.signIn(manager.user);
    const people = Array.from({ length: 12 }, (_, i) => ({ email: `crowd${i}.${Date.now()}@customer.example`, language: i % 4 === 0 ? 'es' : 'en' }));
    const { contactIds, emails } = await createAccountWithContacts(manager, people);
    const campaign = await sendCampaign(ctx, manager, { contactIds });
    const paths = await Promise.all(emails.map(async (to) => new URL((await emailTo(ctx, to)).surveyUrl).pathname));
    const anon = ctx.anonymous();
    const before = ctx.deps.answerWrites.stats();
    // All at once: a score for everyone, and for every third person a second answer right behind the first,
    // plus a completion that is missing its required score on a link nobody has answered (refused alone).
    const sent = paths.flatMap((path, i) => {
      const requests = [anon.post(`${path}/answers`, { answers: { nps: i % 11 } })];
      if (i % 3 === 0) requests.push(anon.post(`${path}/answers`, { answers: { nps: 10 - (i % 11), reason: `Second thoughts ${i}` } }));
      return requests;
    });
    const unknown = anon.post(`/s/${'D'.repeat(43)}/answers`, { answers: { nps: 5 } });
    const results = await Promise.all(sent);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect((await unknown).status).toBe(404);
    const after = ctx.deps.answerWrites.stats();
    // Written in fewer statements than answers: they were grouped.
    expect(after.statements - before.statements).toBeLessThan(after.items - before.items);
    const stored = await ctx.database.db.select().from(responses).where(eq(responses.campaignId, campaign.id));
    expect(stored).toHaveLength(paths.length);
    for (const [i, contactId] of contactIds.entries()) {
      const response = stored.find((r) => r.contactId === contactId)!;
      const expected = i % 3 === 0 ? { nps: 10 - (i % 11), reason: `Second thoughts ${i}` } : { nps: i % 11 };
      expect(response.answers, `person ${i}`).toEqual(expected);
      expect(response.npsScore).toBe(expected.nps);
      expect(response.language).toBe(i % 4 === 0 ? 'es' : 'en');
      expect((await invitationOf(contactId)).respondedAt).not.toBeNull();
    }
  });

  it('blocks a post from another site', async () => {
    const { path, contactId } = await invite();
    const res = await ctx.anonymous().post(`${path}/answers`, { answers: { nps: 0 } }, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(await responsesOf(contactId)).toEqual([]);
  });
});

describe('the unsubscribe page', () => {
  async function contactUnsubscribed(contactId: string): Promise<boolean> {
    return (await manager.get(`/api/contacts/${contactId}`)).body.unsubscribed;
  }

  it('opening the link shows a button and changes nothing; the button unsubscribes, and again is harmless', async () => {
    const { mail, contactId } = await invite({ language: 'es', email: 'baja@customer.example' });
    const path = new URL(mail.unsubscribeUrl).pathname;
    const anon = ctx.anonymous();
    const page = await anon.get(path);
    expect(page.status).toBe(200);
    expectStrictCsp(page.headers);
    expectNoInlineCode(page.text);
    expect(page.text).toContain('<html lang="es"');
    expect(page.text).toContain(`<form method="post" action="${path}"><button class="btn" type="submit">Darme de baja</button></form>`);
    expect(visibleText(page.text)).toContain('¿Dejar de recibir encuestas de Keypulse Demo Co en baja@customer.example?');
    expect(await contactUnsubscribed(contactId)).toBe(false);

    for (let i = 0; i < 2; i++) {
      const done = await postForm(anon, path, []);
      expect(done.status).toBe(200);
      expectStrictCsp(done.headers);
      expect(visibleText(done.text)).toContain('Se ha dado de baja');
      expect(done.text).not.toContain('<form');
    }
    expect(await contactUnsubscribed(contactId)).toBe(true);
    // Afterwards the page says so instead of offering the button again.
    expect(visibleText((await anon.get(path)).text)).toContain('Se ha dado de baja');
  });

  it('RFC 8058 one-click: a mail provider posts "List-Unsubscribe=One-Click" without cookies or Origin', async () => {
    const { mail, contactId } = await invite();
    const path = new URL(mail.unsubscribeUrl).pathname;
    const provider = new TestClient(ctx.app, {});
    for (let i = 0; i < 2; i++) {
      const res = await provider.request('POST', path, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status).toBe(200);
    }
    expect(await contactUnsubscribed(contactId)).toBe(true);
  });

  it('an unknown unsubscribe token gets the same unavailable page', async () => {
    const reference = await ctx.anonymous().get(`/s/${'C'.repeat(43)}`);
    const res = await ctx.anonymous().get(`/u/${'C'.repeat(43)}`);
    expect(res.status).toBe(404);
    expect(res.text).toBe(reference.text);
    expect((await postForm(ctx.anonymous(), `/u/${'C'.repeat(43)}`, [])).status).toBe(404);
  });
});

describe('the survey page assets', () => {
  it('the script and stylesheet have content-hashed names, are cached for a year and gzipped on request', async () => {
    const { path } = await invite();
    const page = await ctx.anonymous().get(path);
    const script = /<script type="module" src="([^"]+)"/.exec(page.text)![1]!;
    const style = /<link rel="stylesheet" href="([^"]+)"/.exec(page.text)![1]!;
    expect(style).toMatch(/^\/assets\/survey-[0-9a-f]{12}\.css$/);

    const js = await ctx.anonymous().get(script);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.text).toContain('survey-props');
    const css = await ctx.anonymous().get(style);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.text).toContain('prefers-color-scheme:dark');

    const zipped = await ctx.app.request(`http://localhost:3000${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect((await zipped.arrayBuffer()).byteLength).toBeLessThan(js.text.length / 2);

    expect((await ctx.anonymous().get('/assets/survey-000000000000.js')).status).toBe(404);
  });
});

describe('the thank-you page in every language', () => {
  const closing = {
    nps: {
      en: 'Your account team reads every answer.',
      es: 'Su equipo de cuenta lee todas las respuestas.',
      fr: 'L’équipe qui suit votre compte lit chaque réponse.',
      de: 'Ihr Kundenteam liest jede Antwort.',
      pt: 'Sua equipe de atendimento lê todas as respostas.',
      nl: 'Uw accountteam leest elk antwoord.',
      it: 'Il team che segue il Suo account legge ogni risposta.',
    },
    audit: {
      en: 'Your account manager will follow up on what you told us.',
      es: 'Su gestor de cuenta hará seguimiento de lo que nos ha contado.',
      fr: 'Votre responsable de compte donnera suite à ce que vous nous avez dit.',
      de: 'Ihr Key-Account-Manager wird sich um Ihre Anmerkungen kümmern.',
      pt: 'Seu gerente de contas dará retorno sobre o que você nos contou.',
      nl: 'Uw accountmanager gaat aan de slag met wat u ons hebt verteld.',
      it: 'Il Suo account manager darà seguito a quanto ci ha detto.',
    },
  } as Record<string, Record<string, string>>;
  const heading = {
    nps: { en: 'Thank you!', es: '¡Gracias!', fr: 'Merci !', de: 'Vielen Dank!', pt: 'Obrigado!', nl: 'Hartelijk dank!', it: 'Grazie!' },
    audit: {
      en: 'Thank you for your time.',
      es: 'Gracias por su tiempo.',
      fr: 'Merci pour votre temps.',
      de: 'Vielen Dank für Ihre Zeit.',
      pt: 'Obrigado pelo seu tempo.',
      nl: 'Hartelijk dank voor uw tijd.',
      it: 'Grazie per il Suo tempo.',
    },
  } as Record<string, Record<string, string>>;
  /** The word each language thanks with: said once on the page. */
  const thanksWords: Record<string, RegExp> = {
    en: /thank you/gi,
    es: /gracias/gi,
    fr: /merci/gi,
    de: /dank/gi,
    pt: /obrigad/gi,
    nl: /dank/gi,
    it: /grazie/gi,
  };

  it.each(supportedLanguages.flatMap((lang) => (['nps', 'audit'] as const).map((survey) => [lang, survey] as const)))(
    '%s, %s survey: thanks once, in the respondent\'s own words, and says how to change the answers',
    async (lang, survey) => {
      expect(closing[survey]![lang], `a closing text for ${lang}`).toBeDefined();
      expect(heading[survey]![lang], `a heading for ${lang}`).toBeDefined();
      const { path } = await invite({ language: lang }, survey);
      const anon = ctx.anonymous();
      const fields: [string, string][] = survey === 'nps' ? [['q.nps', '9']] : [['q.marks', '8'], ['q.supplier_or_partner', 'partner'], ['q.nps', '9']];
      const res = await postForm(anon, path, fields);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`<html lang="${lang}">`);
      expect(res.text).toContain(`<h1 tabindex="-1">${heading[survey]![lang]}</h1>`);
      const text = visibleText(res.text);
      expect(text).toContain(closing[survey]![lang]);
      expect(text).toContain(t(lang, 'thanksBody'));
      expect(text).toContain(t(lang, 'editAnswers'));
      // Thanked once: the heading's words are not repeated in the lead.
      expect(thanksWords[lang], `a thanks word for ${lang}`).toBeDefined();
      expect(text.match(thanksWords[lang]!)).toHaveLength(1);
      // Nothing of another language leaks in.
      for (const other of supportedLanguages.filter((l) => l !== lang)) expect(text).not.toContain(t(other, 'thanksBody'));
    },
  );
});
