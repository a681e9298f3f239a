import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign, templateSurveyId } from '../helpers/survey-fixtures.js';
import { surveys, surveyVersions } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  // No frequency window: the same contacts are asked by several campaigns in a row here.
  ctx = await createTestContext({ minDaysBetweenSurveys: 0 });
});
afterAll(() => ctx.close());

async function rowCounts() {
  const [s] = await ctx.database.db.select({ n: count() }).from(surveys);
  const [v] = await ctx.database.db.select({ n: count() }).from(surveyVersions);
  return { surveys: s!.n, versions: v!.n };
}

const text = (en: string, es?: string) => (es ? { en, es } : { en });
const validDefinition = (): Record<string, any> => ({
  title: text('Onboarding check', 'Revisión de incorporación'),
  questions: [
    { key: 'nps', kind: 'nps', required: true, text: text('Would you recommend us?', '¿Nos recomendaría?') },
    { key: 'comment', kind: 'text', text: text('Anything else?', '¿Algo más?') },
  ],
});

describe('survey templates', () => {
  it('everyone signed in sees the built-in NPS and audit templates, in English and Spanish', async () => {
    const executive = await ctx.signIn('executive');
    const res = await executive.get('/api/surveys');
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.data.filter((s: { templateKey: string | null }) => s.templateKey).map((s: any) => [s.templateKey, s]));
    expect(Object.keys(byKey).sort()).toEqual(['audit', 'delivery_pulse', 'nps']);
    expect(byKey.nps).toMatchObject({ kind: 'nps', version: 1, languages: ['en', 'de', 'es', 'fr', 'it', 'nl', 'pt'] });
    expect(byKey.audit).toMatchObject({ kind: 'audit', version: 1, languages: ['en', 'de', 'es', 'fr', 'it', 'nl', 'pt'] });
    expect(byKey.nps.definition.questions.filter((q: { kind: string }) => q.kind === 'nps')).toHaveLength(1);
    expect(byKey.audit.definition.questions.length).toBeGreaterThan(10);
    expect(byKey.audit.definition.title.es).toBeTruthy();

    const one = await executive.get(`/api/surveys/${byKey.nps.id}`);
    expect(one.body).toMatchObject({ id: byKey.nps.id, templateKey: 'nps' });
    expect((await executive.get(`/api/surveys/${randomUUID()}`)).status).toBe(404);
    expect((await ctx.anonymous().get('/api/surveys')).status).toBe(401);
  });

  it('built-in templates are read-only: editing one is a conflict and changes nothing', async () => {
    const admin = await ctx.signIn('admin');
    const npsId = await templateSurveyId(ctx, 'nps');
    const before = (await admin.get(`/api/surveys/${npsId}`)).body;
    const res = await admin.patch(`/api/surveys/${npsId}`, { name: 'Renamed', definition: validDefinition() });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect((await admin.get(`/api/surveys/${npsId}`)).body).toEqual(before);
  });
});

describe('survey copies', () => {
  it('a manager copies a template and rewrites its texts; the template stays as it was', async () => {
    const manager = await ctx.signIn('account_manager');
    const npsId = await templateSurveyId(ctx, 'nps');
    const template = (await manager.get(`/api/surveys/${npsId}`)).body;

    const copy = await manager.post('/api/surveys', { name: 'Our NPS', copyFromId: npsId });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: 'Our NPS', kind: 'nps', templateKey: null, version: 1, languages: ['en', 'de', 'es', 'fr', 'it', 'nl', 'pt'] });
    expect(copy.body.id).not.toBe(npsId);
    expect(copy.body.definition).toEqual(template.definition);

    const definition = structuredClone(copy.body.definition);
    definition.title = text('How is Acme doing for you?', '¿Qué tal lo hace Acme?');
    definition.questions[1].text = text('What should we change first?', '¿Qué deberíamos cambiar primero?');
    const edited = await manager.patch(`/api/surveys/${copy.body.id}`, { name: 'Acme NPS', definition });
    expect(edited.status).toBe(200);
    // No campaign has used it yet, so the edit stays version 1.
    expect(edited.body).toMatchObject({ name: 'Acme NPS', version: 1, versionId: copy.body.versionId, definition });

    expect((await manager.get('/api/surveys')).body.data.map((s: { name: string }) => s.name)).toContain('Acme NPS');
    expect((await manager.get(`/api/surveys/${npsId}`)).body.definition).toEqual(template.definition);
  });

  it('editing a copy a campaign has used creates version 2; earlier answers keep pointing at version 1', async () => {
    const manager = await ctx.signIn('account_manager');
    const copy = (await manager.post('/api/surveys', { name: 'Pilot survey', definition: validDefinition() })).body;
    expect(copy).toMatchObject({ kind: 'custom', version: 1, responseCount: 0 });
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ana' }]);
    const first = await sendCampaign(ctx, manager, { accountIds: [accountId], surveyId: copy.id });
    expect(first.surveyVersionId).toBe(copy.versionId);
    const mail = await emailTo(ctx, emails[0]!);
    expect((await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 8 }, complete: true })).status).toBe(200);

    const definition = validDefinition();
    definition.title = text('Onboarding check, revised', 'Revisión de incorporación, revisada');
    const edited = await manager.patch(`/api/surveys/${copy.id}`, { definition });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, responseCount: 1, definition: { title: definition.title } });
    expect(edited.body.versionId).not.toBe(copy.versionId);

    // The answer given to version 1 still says so, and the open link still shows version 1.
    const answers = await manager.get(`/api/responses?surveyId=${copy.id}`);
    expect(answers.body.data.map((r: { surveyVersionId: string; npsScore: number }) => [r.surveyVersionId, r.npsScore])).toEqual([
      [copy.versionId, 8],
    ]);
    const page = await ctx.anonymous().get(`/s/${mail.surveyToken}?edit=1`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Onboarding check');
    expect(page.text).not.toContain('revised');

    // Version 2 is edited in place until a campaign uses it; the next campaign does, so the edit after it is version 3.
    definition.intro = text('Five minutes, promised.', 'Cinco minutos, prometido.');
    const polished = await manager.patch(`/api/surveys/${copy.id}`, { definition });
    expect(polished.body).toMatchObject({ version: 2, versionId: edited.body.versionId, definition: { intro: definition.intro } });
    const second = await sendCampaign(ctx, manager, { accountIds: [accountId], surveyId: copy.id });
    expect(second.surveyVersionId).toBe(edited.body.versionId);
    const again = await manager.patch(`/api/surveys/${copy.id}`, { definition: validDefinition() });
    expect(again.body.version).toBe(3);
    // A new name alone is not a new version.
    const renamed = await manager.patch(`/api/surveys/${copy.id}`, { name: 'Pilot survey (final)' });
    expect(renamed.body).toMatchObject({ name: 'Pilot survey (final)', version: 3, versionId: again.body.versionId });
  });

  it('two people saving a used survey at the same moment both succeed, making one new version', async () => {
    // Ana made the copy; Bo is an admin (another manager may not edit it).
    const ana = await ctx.signIn('account_manager');
    const bo = await ctx.signIn('admin');
    const copy = (await ana.post('/api/surveys', { name: 'Shared survey', definition: validDefinition() })).body;
    const { accountId } = await createAccountWithContacts(ana, [{ name: 'Cy' }]);
    await sendCampaign(ctx, ana, { accountIds: [accountId], surveyId: copy.id });
    const before = await rowCounts();

    const edits = ['Ana’s wording', 'Bo’s wording', 'Ana’s second thought'].map((title, i) =>
      (i === 1 ? bo : ana).patch(`/api/surveys/${copy.id}`, { definition: { ...validDefinition(), title: text(title) } }),
    );
    const results = await Promise.all(edits);
    expect(results.map((r) => [r.status, r.body.version])).toEqual([
      [200, 2],
      [200, 2],
      [200, 2],
    ]);
    expect(await rowCounts()).toEqual({ ...before, versions: before.versions + 1 });
  });

  it('refuses definitions that cannot work, writing nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    const copy = (await manager.post('/api/surveys', { name: 'Valid', definition: validDefinition() })).body;
    const before = await rowCounts();

    const base = validDefinition();
    const broken: Record<string, unknown> = {
      'duplicate keys': { ...base, questions: [base.questions[0], { ...base.questions[1], key: 'nps' }] },
      'two NPS questions': { ...base, questions: [base.questions[0], { ...base.questions[0], key: 'nps_again' }] },
      'a question without English': { ...base, questions: [base.questions[0], { ...base.questions[1], text: { es: 'Solo en español' } }] },
      'a title without English': { ...base, title: { es: 'Solo en español' } },
      'an unknown question kind': { ...base, questions: [{ key: 'mood', kind: 'emoji', text: text('How do you feel?') }] },
      'no questions': { ...base, questions: [] },
      'a key with capitals': { ...base, questions: [{ ...base.questions[1], key: 'Comment' }] },
    };
    for (const [label, definition] of Object.entries(broken)) {
      const created = await manager.post('/api/surveys', { name: label, definition });
      expect(created.status, label).toBe(400);
      expect(created.body.error.code, label).toBe('validation_failed');
      const edited = await manager.patch(`/api/surveys/${copy.id}`, { definition });
      expect(edited.status, label).toBe(400);
    }
    const badKind = await manager.post('/api/surveys', { name: 'Bad kind', kind: 'quiz', definition: validDefinition() });
    expect(badKind.status).toBe(400);
    const noSource = await manager.post('/api/surveys', { name: 'From nothing', copyFromId: randomUUID() });
    expect(noSource.status).toBe(400);
    expect(noSource.body.error.issues[0].path).toBe('copyFromId');
    const neither = await manager.post('/api/surveys', { name: 'Empty' });
    expect(neither.status).toBe(400);

    expect(await rowCounts()).toEqual(before);
    expect((await manager.get(`/api/surveys/${copy.id}`)).body).toMatchObject({ version: 1, definition: validDefinition() });
  });

  it('executives read surveys but cannot create or edit them', async () => {
    const manager = await ctx.signIn('account_manager');
    const executive = await ctx.signIn('executive');
    const copy = (await manager.post('/api/surveys', { name: 'Managers only', definition: validDefinition() })).body;
    const before = await rowCounts();

    const created = await executive.post('/api/surveys', { name: 'Exec survey', definition: validDefinition() });
    expect(created.status).toBe(403);
    expect(created.body.error.code).toBe('forbidden');
    expect((await executive.post('/api/surveys', { name: 'Exec copy', copyFromId: copy.id })).status).toBe(403);
    expect((await executive.patch(`/api/surveys/${copy.id}`, { name: 'Exec rename' })).status).toBe(403);

    expect(await rowCounts()).toEqual(before);
    expect((await executive.get(`/api/surveys/${copy.id}`)).body.name).toBe('Managers only');
  });
});
