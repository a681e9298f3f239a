import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { like } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, templateSurveyId } from '../helpers/survey-fixtures.js';
import { createOutboxTransport } from '../../src/server/email/outbox-transport.js';
import type { OutgoingEmail } from '../../src/server/email/transport.js';
import { settings } from '../../src/server/db/schema/index.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { testConfig } from '../../src/server/config.js';
import { jpegHeader, solidPng, webpHeader } from '../helpers/images.js';

const DAY = 86_400_000;
const ENV = {
  emailFrom: 'Keypulse <surveys@keypulse.localhost>',
  timeZone: 'UTC',
  minDaysBetweenSurveys: 30,
  companyName: 'Keypulse Demo Co',
  accentColor: '#0b57d0',
  currency: 'EUR',
};
const FROM_ENV = {
  emailFrom: 'environment',
  timeZone: 'environment',
  minDaysBetweenSurveys: 'environment',
  companyName: 'environment',
  accentColor: 'environment',
  currency: 'environment',
};

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
const reset = () =>
  admin.patch('/api/settings', { emailFrom: null, timeZone: null, minDaysBetweenSurveys: null, companyName: null, accentColor: null, currency: null });

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
      sources: FROM_ENV,
      logo: null,
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
    expect(res.body.sources).toEqual({ ...FROM_ENV, emailFrom: 'admin' });
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
    expect(res.body.sources).toEqual(FROM_ENV);
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
    [{ companyName: '' }, 'companyName'],
    [{ companyName: 'Acme\nBcc: x@y.example' }, 'companyName'],
    [{ companyName: 'x'.repeat(101) }, 'companyName'],
    [{ accentColor: 'blue' }, 'accentColor'],
    [{ accentColor: '#12345' }, 'accentColor'],
    [{ accentColor: '#0b57d0; background:url(x)' }, 'accentColor'],
    [{ currency: 'EURO' }, 'currency'],
    [{ currency: 'XYZ' }, 'currency'],
    [{ currency: '' }, 'currency'],
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

describe('settings: who is asking (company name, accent colour, logo) and the currency', () => {
  const brandRows = () => ctx.database.db.select().from(settings).where(like(settings.key, 'brand.%'));
  const upload = (client: TestClient, bytes: Uint8Array, type: string, headers: Record<string, string> = {}) =>
    client.request('PUT', '/api/settings/logo', { body: new Uint8Array(bytes) as Uint8Array<ArrayBuffer>, headers: { 'content-type': type, ...headers } });

  async function surveyPage() {
    const manager = await ctx.signIn('account_manager');
    const { contactIds, emails } = await createAccountWithContacts(manager, [{ name: 'Bea' }]);
    await campaign(manager, contactIds);
    await ctx.runJobs();
    const email = sent.find((e) => e.to === emails[0])!;
    const url = /href="(http[^"]*\/s\/[^"?]+)\?score=0"/.exec(email.html)![1]!;
    return { email, page: await ctx.anonymous().get(new URL(url).pathname) };
  }

  it('an admin names the company, picks an accent and a currency: survey pages, emails and the workspace follow', async () => {
    const res = await admin.patch('/api/settings', { companyName: '  Acme Logistics ', accentColor: '#FFD500', currency: 'usd' });
    expect(res.status).toBe(200);
    expect(res.body.values).toMatchObject({ companyName: 'Acme Logistics', accentColor: '#ffd500', currency: 'USD' });
    expect(ctx.deps.config.companyName).toBe('Acme Logistics');

    const { email, page } = await surveyPage();
    expect(email.subject).toContain('Acme Logistics');
    expect(page.text).toContain('<header class="brand"><span>Acme Logistics</span></header>');
    // The accent arrives as a stylesheet (the CSP allows no inline style), its address the colour itself.
    expect(page.text).toContain('<link rel="stylesheet" href="/brand/accent-ffd500.css"/>');
    const css = await ctx.anonymous().get('/brand/accent-ffd500.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.headers.get('cache-control')).toContain('immutable');
    // A light yellow gets black labels, and links darkened to 4.5:1 on white.
    expect(css.text).toContain('--accent:#ffd500;--on-accent:#000000');
    const link = /--accent-text:(#[0-9a-f]{6})/.exec(css.text)![1]!;
    const { contrastRatio } = await import('../../src/shared/schemas/settings.js');
    expect(contrastRatio(link, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect((await ctx.anonymous().get('/brand/accent-zzzzzz.css')).status).toBe(404);

    // The email's button colour would be the accent for an audit; the NPS scale's borders take it here.
    expect(email.html).toContain('border:1px solid #ffd500');

    // The workspace gets the currency in its shell, as it gets the signed-in user.
    const shell = await admin.get('/accounts');
    expect(shell.text).toContain('<script type="application/json" id="kp-installation">{"currency":"USD","companyName":"Acme Logistics"}</script>');
    await reset();
    expect((await admin.get('/accounts')).text).toContain('{"currency":"EUR"');
  });

  it('an admin uploads a logo: served small, cached forever at a hashed address, shown on survey pages and in emails', async () => {
    const png = solidPng(240, 80);
    const res = await upload(admin, png, 'image/png');
    expect(res.status).toBe(200);
    const logo = res.body.logo;
    expect(logo).toMatchObject({ contentType: 'image/png', bytes: png.length, width: 240, height: 80 });
    expect(logo.url).toMatch(/^\/brand\/logo-[0-9a-f]{16}\.png$/);
    expect(logo.sha256.startsWith(logo.url.slice(12, 28))).toBe(true);

    const served = await ctx.anonymous().request('GET', logo.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await (await ctx.app.request(`http://localhost:3000${logo.url}`)).arrayBuffer());
    expect(bytes.equals(png)).toBe(true);

    // Drawn at most 48 px high (144 × 48 here), so nothing moves when it loads.
    const { email, page } = await surveyPage();
    expect(page.text).toContain(`<img src="${logo.url}" width="144" height="48" alt/>`);
    expect(email.html).toContain(`<img src="${ctx.deps.config.publicUrl}${logo.url}" width="144" height="48" alt="Keypulse Demo Co"`);

    // Another process (its own config, not refreshed yet) serves the new address too.
    const other = testConfig({ publicUrl: ctx.deps.config.publicUrl });
    const { findLogo } = await import('../../src/server/services/settings.js');
    const found = await findLogo(ctx.database.db, other, logo.sha256.slice(0, 16), 'png', ctx.clock.now().getTime());
    expect(found?.bytes.equals(png)).toBe(true);
    await schedulerTick({ ...ctx.deps, config: other });
    expect(other.logo?.sha256).toBe(logo.sha256);

    // A new logo is a new address; the old one is gone.
    const second = await upload(admin, solidPng(48, 48, [200, 30, 30]), 'image/png');
    expect(second.status).toBe(200);
    expect(second.body.logo.url).not.toBe(logo.url);
    expect((await ctx.anonymous().get(logo.url)).status).toBe(404);
    expect((await ctx.anonymous().get(second.body.logo.url)).status).toBe(200);

    // Removed: no logo anywhere, the address is a 404, and both rows are deleted.
    const removed = await admin.delete('/api/settings/logo');
    expect(removed.status).toBe(200);
    expect(removed.body.logo).toBeNull();
    expect((await ctx.anonymous().get(second.body.logo.url)).status).toBe(404);
    expect(await brandRows()).toEqual([]);
  });

  it('JPEG and WebP are read by their bytes too', async () => {
    const jpeg = await upload(admin, jpegHeader(300, 100), 'image/jpeg');
    expect(jpeg.status).toBe(200);
    expect(jpeg.body.logo).toMatchObject({ contentType: 'image/jpeg', width: 300, height: 100 });
    expect(jpeg.body.logo.url).toMatch(/\.jpg$/);
    const webp = await upload(admin, webpHeader(120, 60), 'image/webp');
    expect(webp.status).toBe(200);
    expect(webp.body.logo).toMatchObject({ contentType: 'image/webp', width: 120, height: 60 });
    expect((await ctx.anonymous().get(webp.body.logo.url)).headers.get('content-type')).toBe('image/webp');
    await admin.delete('/api/settings/logo');
  });

  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  it.each([
    ['an SVG', svg, 'image/svg+xml', 415],
    ['an SVG sent as PNG', svg, 'image/png', 415],
    ['HTML sent as PNG', Buffer.from('<!doctype html><script>alert(1)</script>'), 'image/png', 415],
    ['a JPEG sent as PNG', jpegHeader(10, 10), 'image/png', 415],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image/gif', 415],
    ['an empty body', Buffer.alloc(0), 'image/png', 415],
    ['a truncated PNG', solidPng(10, 10).subarray(0, 20), 'image/png', 415],
    ['a PNG over 100 KB', Buffer.concat([solidPng(10, 10), Buffer.alloc(100 * 1024)]), 'image/png', 413],
  ])('%s is refused and nothing is written', async (_name, bytes, type, status) => {
    const res = await upload(admin, bytes, type);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toBeTruthy();
    expect(await brandRows()).toEqual([]);
  });

  it('only admins change the logo, and only from this site (CSRF)', async () => {
    const png = solidPng(20, 20);
    const executive = await ctx.signIn('executive');
    const manager = await ctx.signIn('account_manager');
    expect((await upload(executive, png, 'image/png')).status).toBe(403);
    expect((await upload(manager, png, 'image/png')).status).toBe(403);
    expect((await executive.delete('/api/settings/logo')).status).toBe(403);
    expect((await upload(ctx.anonymous(), png, 'image/png')).status).toBe(401);
    expect((await upload(admin, png, 'image/png', { origin: 'https://evil.example' })).status).toBe(403);
    expect(await brandRows()).toEqual([]);
    expect((await ctx.anonymous().get('/brand/logo-0123456789abcdef.png')).status).toBe(404);
  });
});
