import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveys, surveyVersions } from '../../src/server/db/schema/index.js';
import { ensureBuiltInSurveys } from '../../src/server/db/queries/surveys.js';
import { npsTemplate, surveyLanguages } from '../../src/server/domain/survey-templates.js';
import type { SurveyDefinition } from '../../src/shared/schemas/survey.js';
import { catalogues } from '../../src/shared/i18n.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign, templateSurveyId, type FixtureContact } from '../helpers/survey-fixtures.js';

/** French and German contacts get their invitation, survey page and unsubscribe page in their own language. */

let ctx: TestContext;
let manager: Awaited<ReturnType<TestContext['signIn']>>;
beforeAll(async () => {
  ctx = await createTestContext();
  manager = await ctx.signIn('account_manager');
});
afterAll(() => ctx.close());

async function invite(contact: FixtureContact, survey: 'nps' | 'audit' = 'nps') {
  manager = await ctx.signIn(manager.user);
  const { accountId, emails } = await createAccountWithContacts(manager, [contact]);
  await sendCampaign(ctx, manager, { accountIds: [accountId], survey });
  return emailTo(ctx, emails[0]!);
}

/** The text a person sees (tags and scripts dropped). */
const visibleText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

const expected = {
  fr: {
    subject: 'Une petite question de la part de Keypulse Demo Co',
    greeting: 'Bonjour Camille Durand,',
    emailQuestion: 'Quelle est la probabilité que vous recommandiez Keypulse Demo Co à un ami ou à un collègue ?',
    title: 'Comment jugez-vous notre travail ?',
    low: 'Pas du tout probable',
    submit: 'Envoyer mes réponses',
    unsubscribeQuestion: 'Ne plus recevoir d’enquêtes de Keypulse Demo Co à l’adresse {email} ?',
    unsubscribeButton: 'Me désabonner',
    unsubscribed: 'Vous êtes désabonné',
    auditQuestion: 'Sur quels points répondons-nous à vos attentes ?',
  },
  de: {
    subject: 'Eine kurze Frage von Keypulse Demo Co',
    greeting: 'Guten Tag Jonas Becker,',
    emailQuestion: 'Wie wahrscheinlich ist es, dass Sie Keypulse Demo Co einem Freund oder Kollegen weiterempfehlen?',
    title: 'Wie zufrieden sind Sie mit uns?',
    low: 'Überhaupt nicht wahrscheinlich',
    submit: 'Antworten senden',
    unsubscribeQuestion: 'Keine Umfragen von Keypulse Demo Co mehr an {email} erhalten?',
    unsubscribeButton: 'Abmelden',
    unsubscribed: 'Sie sind abgemeldet',
    auditQuestion: 'Wo erfüllen wir Ihre Erwartungen?',
  },
} as const;
const people = { fr: 'Camille Durand', de: 'Jonas Becker' } as const;

describe.each(['fr', 'de'] as const)('a contact whose language is %s', (lang) => {
  const words = expected[lang];

  it('gets the invitation email, the survey page and the unsubscribe page in that language', async () => {
    const email = `${lang}.${Date.now()}@customer.example`;
    const mail = await invite({ name: people[lang], email, language: lang });
    expect(mail.subject).toBe(words.subject);
    expect(mail.text).toContain(words.greeting);
    expect(mail.text).toContain(words.emailQuestion);
    expect(mail.html).toContain(`<html lang="${lang}"`);
    expect(mail.text).not.toMatch(/Hello|How likely|Unsubscribe/);

    const page = await ctx.anonymous().get(new URL(mail.surveyUrl).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<html lang="${lang}"`);
    const text = visibleText(page.text);
    expect(text).toContain(words.title);
    expect(text).toContain(words.low);
    expect(text).toContain(words.submit);
    expect(text).not.toMatch(/How likely|Send my answers|Not at all likely/);
    // The browser gets the respondent's interface texts and no other language's, and none of the emails'.
    const block = /<script type="application\/json" id="survey-messages">(.*?)<\/script>/.exec(page.text);
    expect(block).not.toBeNull();
    const handed = JSON.parse(block![1]!) as { lang: string; messages: Record<string, string> };
    expect(handed.lang).toBe(lang);
    expect(handed.messages.submit).toBe(words.submit);
    expect(Object.keys(handed.messages).some((k) => k.startsWith('email'))).toBe(false);
    // …and the script itself bundles no catalogue: its size does not grow with the languages.
    const script = /<script type="module" src="(\/assets\/survey-[0-9a-f]{12}\.js)"><\/script>/.exec(page.text)![1]!;
    const js = (await ctx.anonymous().get(script)).text;
    for (const messages of Object.values(catalogues)) expect(js).not.toContain(messages.tooManyBody);

    const unsubscribePath = new URL(mail.unsubscribeUrl).pathname;
    const unsubscribe = await ctx.anonymous().get(unsubscribePath);
    expect(unsubscribe.status).toBe(200);
    expect(unsubscribe.text).toContain(`<html lang="${lang}"`);
    expect(visibleText(unsubscribe.text)).toContain(words.unsubscribeQuestion.replace('{email}', email));
    expect(unsubscribe.text).toContain(`>${words.unsubscribeButton}</button>`);
    const done = await ctx.anonymous().request('POST', unsubscribePath, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(done.status).toBe(200);
    expect(visibleText(done.text)).toContain(words.unsubscribed);
  });

  it('gets the key-account audit in that language too, from a regional tag', async () => {
    const mail = await invite({ name: people[lang], email: `audit.${lang}.${Date.now()}@customer.example`, language: `${lang}-CH` }, 'audit');
    expect(mail.text).toContain(words.greeting);
    const page = await ctx.anonymous().get(new URL(mail.surveyUrl).pathname);
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain(words.auditQuestion);
  });
});

describe('the built-in templates of an earlier release', () => {
  it('gain the new languages at start-up: a new version once sent, so earlier answers keep their texts', async () => {
    const db = ctx.database.db;
    const npsId = await templateSurveyId(ctx, 'nps');
    const english = (d: SurveyDefinition): SurveyDefinition =>
      JSON.parse(JSON.stringify(d), (_k, v) => (v && typeof v === 'object' && typeof v.en === 'string' ? { en: v.en, es: v.es } : v));
    const versions = () => db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, npsId)).orderBy(surveyVersions.version);
    // As an earlier release left it: English and Spanish only, and already sent (campaigns above used it).
    const before = await versions();
    const latest = before[before.length - 1]!;
    await db.update(surveyVersions).set({ definition: english(latest.definition) }).where(eq(surveyVersions.id, latest.id));

    await ensureBuiltInSurveys(db, ctx.clock.now());
    await ensureBuiltInSurveys(db, ctx.clock.now()); // a second start changes nothing
    const after = await versions();
    expect(after).toHaveLength(before.length + 1);
    expect(surveyLanguages(after[after.length - 2]!.definition)).toEqual(['en', 'es']);
    expect(after[after.length - 1]!.definition).toEqual(npsTemplate);

    const [row] = await db.select().from(surveys).where(eq(surveys.id, npsId));
    expect(row!.templateKey).toBe('nps');
    const listed = (await manager.get(`/api/surveys/${npsId}`)).body as { languages: string[] };
    expect(listed.languages).toEqual(['en', 'de', 'es', 'fr', 'it', 'nl', 'pt']);
  });
});
