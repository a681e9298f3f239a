import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { like } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, templateSurveyId } from '../helpers/survey-fixtures.js';
import { createOutboxTransport } from '../../src/server/email/outbox-transport.js';
import type { OutgoingEmail } from '../../src/server/email/transport.js';
import { settings } from '../../src/server/db/schema/index.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { testConfig } from '../../src/server/config.js';

const DAY = 86_400_000;
const ENV = { emailFrom: 'Keypulse <surveys@keypulse.localhost>', timeZone: 'UTC', minDaysBetweenSurveys: 30 };

// The outbox, remembering each email's From as the provider would see it.
const sent: OutgoingEmail[] = [];
const outbox = createOutboxTransport();
const recording = { ...outbox, sendBatch: async (emails: OutgoingEmail[], key: string) => (sent.push(...emails), outbox.sendBatch(emails, key)) };

let ctx: TestContext;
let admin: TestClient;
beforeAll(async () => {
  ctx = await createTestContext({}, { transport: recording });
  admin = await ctx.signIn('admin');
});
afterAll(() => ctx.close());

const storedRows = () => ctx.database.db.select().from(settings).where(like(settings.key, 'config.%'));
const reset = () => admin.patch('/api/settings', { emailFrom: null, timeZone: null, minDaysBetweenSurveys: null });

async function campaign(client: TestClient, contactIds: string[]) {
  const res = await client.post('/api/campaigns', { name: 'Settings NPS', surveyId: await templateSurveyId(ctx, 'nps'), audience: { contactIds } });
  expect(res.status).toBe(201);
  return res.body as { id: string; counts: { targeted: number; skipped: number } };
}

describe('settings: sender, time zone and survey window', () => {
  it('starts from the environment, and executives may read it', async () => {
    const res = await admin.get('/api/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      values: ENV,
      environment: ENV,
      sources: { emailFrom: 'environment', timeZone: 'environment', minDaysBetweenSurveys: 'environment' },
      updatedAt: null,
    });
    const executive = await ctx.signIn('executive');
    expect((await executive.get('/api/settings')).body.values).toEqual(ENV);
  });

  it('an admin changes the sender and the next campaign is sent from it', async () => {
    const res = await admin.patch('/api/settings', { emailFrom: 'Acme Surveys <nps@acme.example>' });
    expect(res.status).toBe(200);
    expect(res.body.values.emailFrom).toBe('Acme Surveys <nps@acme.example>');
    expect(res.body.environment.emailFrom).toBe(ENV.emailFrom);
    expect(res.body.sources).toEqual({ emailFrom: 'admin', timeZone: 'environment', minDaysBetweenSurveys: 'environment' });
    expect(res.body.updatedAt).toBe(ctx.clock.now().toISOString());

    const manager = await ctx.signIn('account_manager');
    const { contactIds, emails } = await createAccountWithContacts(manager, [{ name: 'Ada' }]);
    await campaign(manager, contactIds);
    await ctx.runJobs();
    const email = sent.find((e) => e.to === emails[0]);
    expect(email?.from).toBe('Acme Surveys <nps@acme.example>');
    await reset();
  });

  it('an admin changes the time zone and the reports cut their periods in it', async () => {
    expect((await admin.get('/api/reports/nps?scope=portfolio')).body.timeZone).toBe('UTC');
    expect((await admin.patch('/api/settings', { timeZone: 'Europe/Madrid' })).status).toBe(200);
    const report = await admin.get('/api/reports/nps?scope=portfolio&groupBy=quarter');
    expect(report.body.timeZone).toBe('Europe/Madrid');
    expect(ctx.deps.config.timeZone).toBe('Europe/Madrid');
    await reset();
    expect((await admin.get('/api/reports/nps?scope=portfolio')).body.timeZone).toBe('UTC');
  });

  it('an admin shortens the frequency window and a recently surveyed contact is asked again', async () => {
    const manager = await ctx.signIn('account_manager');
    const { contactIds } = await createAccountWithContacts(manager, [{ name: 'Hal' }]);
    await campaign(manager, contactIds);
    await ctx.runJobs();
    ctx.clock.advance(2 * DAY);
    expect((await campaign(manager, contactIds)).counts).toMatchObject({ targeted: 1, skipped: 1 });

    expect((await admin.patch('/api/settings', { minDaysBetweenSurveys: 1 })).body.values.minDaysBetweenSurveys).toBe(1);
    expect((await campaign(manager, contactIds)).counts).toMatchObject({ targeted: 1, skipped: 0 });
    await reset();
  });

  it('a worker process picks up a change in its scheduler sweep', async () => {
    await admin.patch('/api/settings', { timeZone: 'America/New_York', minDaysBetweenSurveys: 7 });
    const workerConfig = testConfig({ publicUrl: ctx.deps.config.publicUrl });
    expect(workerConfig.timeZone).toBe('UTC');
    await schedulerTick({ ...ctx.deps, config: workerConfig });
    expect(workerConfig.timeZone).toBe('America/New_York');
    expect(workerConfig.minDaysBetweenSurveys).toBe(7);
    expect(workerConfig.email.from).toBe(ENV.emailFrom);

    // Back to the environment: null removes the override, in every process at its next sweep.
    const res = await reset();
    expect(res.body.sources).toEqual({ emailFrom: 'environment', timeZone: 'environment', minDaysBetweenSurveys: 'environment' });
    await schedulerTick({ ...ctx.deps, config: workerConfig });
    expect(workerConfig.timeZone).toBe('UTC');
    expect(await storedRows()).toEqual([]);
  });

  it('executives and managers may not change settings', async () => {
    const executive = await ctx.signIn('executive');
    const manager = await ctx.signIn('account_manager');
    expect((await executive.patch('/api/settings', { timeZone: 'Europe/Madrid' })).status).toBe(403);
    expect((await manager.patch('/api/settings', { timeZone: 'Europe/Madrid' })).status).toBe(403);
    expect((await manager.get('/api/settings')).status).toBe(403);
    expect((await ctx.anonymous().get('/api/settings')).status).toBe(401);
    expect(await storedRows()).toEqual([]);
    expect((await admin.get('/api/settings')).body.values).toEqual(ENV);
  });

  it.each([
    [{ emailFrom: 'not an email' }, 'emailFrom'],
    [{ emailFrom: 'Acme <nps@acme>' }, 'emailFrom'],
    [{ emailFrom: '' }, 'emailFrom'],
    [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
    [{ timeZone: 'Europe/Madrid; DROP TABLE settings' }, 'timeZone'],
    [{ minDaysBetweenSurveys: 366 }, 'minDaysBetweenSurveys'],
    [{ minDaysBetweenSurveys: -1 }, 'minDaysBetweenSurveys'],
    [{ minDaysBetweenSurveys: 1.5 }, 'minDaysBetweenSurveys'],
    [{ minDaysBetweenSurveys: '30' }, 'minDaysBetweenSurveys'],
    // One good value beside a bad one: nothing is written.
    [{ timeZone: 'Europe/Madrid', minDaysBetweenSurveys: 1000 }, 'minDaysBetweenSurveys'],
    [{ sender: 'a@b.example' }, ''],
    [{}, ''],
  ])('%j is refused with 400 and writes nothing', async (body, field) => {
    const res = await admin.patch('/api/settings', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    if (field) expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect(await storedRows()).toEqual([]);
    expect(ctx.deps.config.timeZone).toBe('UTC');
  });

  it('a malformed JSON body is a 400, not a 500', async () => {
    const res = await admin.request('PATCH', '/api/settings', { body: '{"timeZone":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
  });
});
