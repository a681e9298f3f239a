import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, ORIGIN, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, templateSurveyId } from '../helpers/survey-fixtures.js';
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js';
import { campaigns, invitations, messages } from '../../src/server/db/schema/index.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { dispatchCampaign } from '../../src/server/jobs/dispatch-campaign.js';
import { createResendTransport } from '../../src/server/email/resend-transport.js';
import { testConfig } from '../../src/server/config.js';
import { t } from '../../src/shared/i18n.js';

const DAY = 86_400_000;

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 30 });
});
afterAll(() => ctx.close());

interface Audience {
  accountIds?: string[];
  contactIds?: string[];
  levels?: string[];
  buyingRoles?: string[];
}

/** Creates a campaign through the API (NPS survey unless told), without running the queue. */
async function createCampaign(client: TestClient, audience: Audience, fields: Record<string, unknown> = {}) {
  return client.post('/api/campaigns', {
    name: 'Spring NPS',
    surveyId: await templateSurveyId(ctx, 'nps'),
    audience,
    ...fields,
  });
}

async function created(client: TestClient, audience: Audience, fields: Record<string, unknown> = {}) {
  const res = await createCampaign(client, audience, fields);
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; status: string; counts: Record<string, any>; [key: string]: any };
}

async function invitationList(client: TestClient, campaignId: string, status?: string) {
  const res = await client.get(`/api/campaigns/${campaignId}/invitations?pageSize=100${status ? `&status=${status}` : ''}`);
  expect(res.status).toBe(200);
  return res.body.data as { contactId: string; email: string; status: string; skipReason: string | null; wave: number }[];
}

async function emailsOf(client: TestClient, campaignId: string) {
  const res = await client.get(`/api/messages?campaignId=${campaignId}&pageSize=100`);
  expect(res.status).toBe(200);
  return res.body.data as { to: string; status: string; kind: string; subject: string | null; error: string | null }[];
}

const sentTo = async (client: TestClient, campaignId: string) =>
  (await emailsOf(client, campaignId))
    .filter((m) => m.status === 'sent')
    .map((m) => m.to)
    .sort();

async function rowCounts() {
  const [c] = await ctx.database.db.select({ n: count() }).from(campaigns);
  const [i] = await ctx.database.db.select({ n: count() }).from(invitations);
  const [m] = await ctx.database.db.select({ n: count() }).from(messages);
  return { campaigns: c!.n, invitations: i!.n, messages: m!.n };
}

async function tick() {
  await schedulerTick(ctx.deps);
  await ctx.runJobs();
}

describe('choosing who is asked', () => {
  it('asks the contacts of the chosen accounts, narrowed by level and buying role', async () => {
    const manager = await ctx.signIn('account_manager');
    const acme = await createAccountWithContacts(manager, [
      { name: 'Ana', level: 'instigator', buyingRole: 'decision_maker' },
      { name: 'Bo', level: 'influencer', buyingRole: 'decision_maker' },
      { name: 'Cy', level: 'instigator', buyingRole: 'user' },
    ]);
    const campaign = await created(manager, {
      accountIds: [acme.accountId],
      levels: ['instigator'],
      buyingRoles: ['decision_maker'],
    });
    // Contacts outside the filters are not part of the campaign at all (not "skipped").
    expect(campaign.counts).toMatchObject({ targeted: 1, skipped: 0 });
    expect(campaign.audience).toEqual({
      accountIds: [acme.accountId],
      contactIds: [],
      levels: ['instigator'],
      buyingRoles: ['decision_maker'],
    });
    expect((await invitationList(manager, campaign.id)).map((i) => [i.email, i.status])).toEqual([[acme.emails[0], 'pending']]);

    await ctx.runJobs();
    expect(await sentTo(manager, campaign.id)).toEqual([acme.emails[0]]);
  });

  it('asks whole accounts and single contacts together', async () => {
    const manager = await ctx.signIn('account_manager');
    const acme = await createAccountWithContacts(manager, [{ name: 'Dee' }, { name: 'Eve' }]);
    const globex = await createAccountWithContacts(manager, [{ name: 'Finn' }, { name: 'Gus' }]);
    const campaign = await created(manager, { accountIds: [acme.accountId], contactIds: [globex.contactIds[1]!] });
    expect(campaign.counts).toMatchObject({ targeted: 3, skipped: 0 });
    await ctx.runJobs();
    expect(await sentTo(manager, campaign.id)).toEqual([acme.emails[0], acme.emails[1], globex.emails[1]].sort());
  });

  it('a campaign whose filters match nobody is still listed for the manager who made it, and for no other', async () => {
    const ana = await ctx.signIn('account_manager');
    const bo = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(ana, [{ name: 'Hugo', level: 'instigator' }]);
    const campaign = await created(ana, { accountIds: [accountId], levels: ['implementer'] });
    expect(campaign.counts).toMatchObject({ targeted: 0, skipped: 0 });

    const mine = await ana.get('/api/campaigns?pageSize=100');
    expect(mine.body.data.map((c: { id: string }) => c.id)).toContain(campaign.id);
    expect((await ana.get(`/api/campaigns/${campaign.id}`)).status).toBe(200);
    const theirs = await bo.get('/api/campaigns?pageSize=100');
    expect(theirs.body.data.map((c: { id: string }) => c.id)).not.toContain(campaign.id);
    expect((await bo.get(`/api/campaigns/${campaign.id}`)).status).toBe(404);
  });

  it('records every skipped contact with its reason, in the counts and in the invitation list', async () => {
    const manager = await ctx.signIn('account_manager');
    const alpha = await createAccountWithContacts(
      manager,
      [
        { name: 'Olga' },
        { name: 'Uma Unsubscribed' },
        { name: 'Bea Bounced' },
        { name: 'Rita Recent' },
        { name: 'Pat Lee', email: 'Pat.Lee@Shared.example' },
        { name: 'Dan Deleted' },
      ],
      { name: 'Alpha Industries' },
    );
    const [olga, uma, bea, rita, pat, dan] = alpha.contactIds as [string, string, string, string, string, string];
    // The same person also works for Beta (contacts are per account); Alpha sorts first, so Alpha's copy is asked.
    const beta = await createAccountWithContacts(manager, [{ name: 'Pat Lee', email: 'pat.lee@shared.example' }, { name: 'Ben' }], {
      name: 'Beta Corp',
    });
    const archived = await createAccountWithContacts(manager, [{ name: 'Archie' }], { name: 'Gamma Archived' });

    expect((await manager.patch(`/api/contacts/${uma}`, { unsubscribed: true })).status).toBe(200);
    expect((await manager.patch(`/api/contacts/${bea}`, { bounced: true })).status).toBe(200);
    expect((await manager.delete(`/api/contacts/${dan}`)).status).toBe(204);
    expect((await manager.delete(`/api/accounts/${archived.accountId}`)).body.archived).toBe(true);
    // Rita answered another survey a moment ago.
    await created(manager, { contactIds: [rita] });
    await ctx.runJobs();

    const campaign = await created(manager, {
      accountIds: [alpha.accountId, beta.accountId],
      // Archived accounts' contacts are still contacts, and a deleted contact can still be named by id.
      contactIds: [archived.contactIds[0]!, dan],
    });
    const expectedSkips = {
      unsubscribed: 1,
      bounced: 1,
      recently_surveyed: 1,
      duplicate_email: 1,
      archived_account: 1,
      deleted_contact: 1,
    };
    expect(campaign.counts).toMatchObject({ targeted: 9, skipped: 6, skippedByReason: expectedSkips });
    const shown = await manager.get(`/api/campaigns/${campaign.id}`);
    expect(shown.body.counts).toMatchObject({ targeted: 9, skipped: 6, skippedByReason: expectedSkips });

    const skipped = await invitationList(manager, campaign.id, 'skipped');
    const reasons = Object.fromEntries(skipped.map((i) => [i.contactId, i.skipReason]));
    expect(reasons).toEqual({
      [uma]: 'unsubscribed',
      [bea]: 'bounced',
      [rita]: 'recently_surveyed',
      [beta.contactIds[0]!]: 'duplicate_email',
      [archived.contactIds[0]!]: 'archived_account',
      [dan]: 'deleted_contact',
    });
    expect(skipped.every((i) => i.status === 'skipped')).toBe(true);
    const asked = await invitationList(manager, campaign.id, 'pending');
    expect(asked.map((i) => i.contactId).sort()).toEqual([olga, pat, beta.contactIds[1]!].sort());

    // Only the people asked get an email; the counts say so.
    await ctx.runJobs();
    expect(await sentTo(manager, campaign.id)).toEqual([alpha.emails[0], 'pat.lee@shared.example', beta.emails[1]].sort());
    expect((await manager.get(`/api/campaigns/${campaign.id}`)).body.counts).toMatchObject({ targeted: 9, skipped: 6, sent: 3 });
  });

  it('asks a recently surveyed contact again once the frequency window has passed', async () => {
    const manager = await ctx.signIn('account_manager');
    const { contactIds, emails } = await createAccountWithContacts(manager, [{ name: 'Hal' }]);
    const first = await created(manager, { contactIds });
    await ctx.runJobs();
    expect(await sentTo(manager, first.id)).toEqual(emails);

    ctx.clock.advance(1 * DAY);
    let again = await ctx.signIn(manager.user);
    const tooSoon = await created(again, { contactIds });
    expect(tooSoon.counts).toMatchObject({ targeted: 1, skipped: 1, skippedByReason: { recently_surveyed: 1 } });
    await ctx.runJobs();
    expect(await sentTo(again, tooSoon.id)).toEqual([]);

    ctx.clock.advance(30 * DAY); // 31 days after the first survey; KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS is 30
    again = await ctx.signIn(manager.user);
    const later = await created(again, { contactIds });
    expect(later.counts).toMatchObject({ targeted: 1, skipped: 0 });
    await ctx.runJobs();
    expect(await sentTo(again, later.id)).toEqual(emails);
  });
});

describe('what a campaign must be given', () => {
  it('refuses an empty audience, an unknown survey, a bad send time and more than 5 reminders, writing nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, [{ name: 'Ida' }]);
    const before = await rowCounts();

    const cases: [string, Promise<Awaited<ReturnType<typeof createCampaign>>>, string][] = [
      ['no audience at all', createCampaign(manager, {}), 'audience.accountIds'],
      ['empty lists', createCampaign(manager, { accountIds: [], contactIds: [] }), 'audience.accountIds'],
      ['unknown survey', createCampaign(manager, { accountIds: [accountId] }, { surveyId: randomUUID() }), 'surveyId'],
      ['survey id not a UUID', createCampaign(manager, { accountIds: [accountId] }, { surveyId: 'nps' }), 'surveyId'],
      ['send time in words', createCampaign(manager, { accountIds: [accountId] }, { sendAt: 'next Tuesday' }), 'sendAt'],
      ['impossible date', createCampaign(manager, { accountIds: [accountId] }, { sendAt: '2026-13-01T09:00:00Z' }), 'sendAt'],
      ['six reminders', createCampaign(manager, { accountIds: [accountId] }, { reminder: { afterDays: 3, max: 6 } }), 'reminder.max'],
    ];
    for (const [label, request, path] of cases) {
      const res = await request;
      expect(res.status, label).toBe(400);
      expect(res.body.error.code, label).toBe('validation_failed');
      expect(res.body.error.issues.map((i: { path: string }) => i.path), label).toContain(path);
    }
    expect(await rowCounts()).toEqual(before);
  });
});

describe('who may run and see campaigns', () => {
  it('a manager can campaign only their own accounts and contacts: anyone else’s is "not found" and nothing is written', async () => {
    const ana = await ctx.signIn('account_manager');
    const bo = await ctx.signIn('account_manager');
    const anas = await createAccountWithContacts(ana, [{ name: 'Jo' }]);
    const bos = await createAccountWithContacts(bo, [{ name: 'Kim' }]);
    const before = await rowCounts();

    for (const audience of [
      { accountIds: [anas.accountId] },
      { contactIds: [anas.contactIds[0]!] },
      { accountIds: [bos.accountId], contactIds: [anas.contactIds[0]!] },
      { accountIds: [bos.accountId, anas.accountId] },
    ]) {
      const res = await createCampaign(bo, audience);
      expect(res.status, JSON.stringify(audience)).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    // An id that exists nowhere gets the same answer.
    expect((await createCampaign(bo, { accountIds: [randomUUID()] })).status).toBe(404);
    expect(await rowCounts()).toEqual(before);

    // An admin may campaign anyone's accounts.
    const admin = await ctx.signIn('admin');
    expect((await createCampaign(admin, { accountIds: [anas.accountId, bos.accountId] })).status).toBe(201);
  });

  it('executives read campaigns but cannot create or cancel them', async () => {
    const manager = await ctx.signIn('account_manager');
    const executive = await ctx.signIn('executive');
    const { accountId } = await createAccountWithContacts(manager, [{ name: 'Lu' }]);
    const campaign = await created(manager, { accountIds: [accountId] });
    await ctx.runJobs();

    const before = await rowCounts();
    const refused = await createCampaign(executive, { accountIds: [accountId] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await executive.post(`/api/campaigns/${campaign.id}/cancel`)).status).toBe(403);
    expect(await rowCounts()).toEqual(before);

    const list = await executive.get('/api/campaigns?pageSize=100');
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(campaign.id);
    const one = await executive.get(`/api/campaigns/${campaign.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ status: 'active', counts: { sent: 1 } });
    expect((await invitationList(executive, campaign.id)).length).toBe(1);
  });

  it('a manager never sees another manager’s campaigns, their emails or their answers', async () => {
    const ana = await ctx.signIn('account_manager');
    const bo = await ctx.signIn('account_manager');
    const anas = await createAccountWithContacts(ana, [{ name: 'Mo' }]);
    const campaign = await created(ana, { accountIds: [anas.accountId] });
    await ctx.runJobs();
    const mail = await emailTo(ctx, anas.emails[0]!);
    expect((await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 4 }, complete: true })).status).toBe(200);

    const [message] = (await ana.get(`/api/messages?campaignId=${campaign.id}`)).body.data as { id: string; to: string; status: string }[];
    const messageId = message!.id;
    const responses = await ana.get(`/api/responses?campaignId=${campaign.id}`);
    expect(responses.body.total).toBe(1);
    const responseId: string = responses.body.data[0].id;
    // Ana sees all of it.
    expect(message).toMatchObject({ to: anas.emails[0], status: 'sent' });
    expect((await ana.get(`/api/messages/${messageId}`)).status).toBe(200);
    expect((await ana.get(`/api/responses/${responseId}`)).body).toMatchObject({ npsScore: 4, category: 'detractor' });

    // Bo sees none of it.
    const list = await bo.get('/api/campaigns?pageSize=100');
    expect(list.body.data.map((c: { id: string }) => c.id)).not.toContain(campaign.id);
    for (const path of [`/api/campaigns/${campaign.id}`, `/api/campaigns/${campaign.id}/invitations`]) {
      const res = await bo.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await bo.post(`/api/campaigns/${campaign.id}/cancel`)).status).toBe(404);
    expect((await ana.get(`/api/campaigns/${campaign.id}`)).body.status).toBe('active');

    const boMessages = await bo.get('/api/messages?pageSize=100');
    expect(boMessages.body.data.map((m: { id: string }) => m.id)).not.toContain(messageId);
    expect((await bo.get(`/api/messages?campaignId=${campaign.id}`)).body.total).toBe(0);
    expect((await bo.get(`/api/messages/${messageId}`)).status).toBe(404);

    const boResponses = await bo.get('/api/responses?pageSize=100');
    expect(boResponses.body.data.map((r: { id: string }) => r.id)).not.toContain(responseId);
    expect((await bo.get(`/api/responses?campaignId=${campaign.id}`)).body.total).toBe(0);
    expect((await bo.get(`/api/responses/${responseId}`)).status).toBe(404);
  });
});

describe('scheduling and cancelling', () => {
  it('a scheduled campaign sends nothing until its time comes and the scheduler runs', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [{ name: 'Ned' }, { name: 'Ola' }]);
    const sendAt = new Date(ctx.clock.now().getTime() + 2 * DAY);
    const campaign = await created(manager, { accountIds: [accountId] }, { sendAt: sendAt.toISOString() });
    expect(campaign).toMatchObject({ status: 'scheduled', sendAt: sendAt.toISOString(), counts: { targeted: 2, sent: 0 } });

    await tick();
    expect(await emailsOf(manager, campaign.id)).toEqual([]);
    ctx.clock.advance(DAY);
    await tick();
    expect(await emailsOf(manager, campaign.id)).toEqual([]);

    // Ola unsubscribes while the campaign waits: she is not emailed when it goes out.
    expect((await manager.patch(`/api/contacts/${contactIds[1]}`, { unsubscribed: true })).status).toBe(200);
    ctx.clock.advance(DAY + 60_000);
    const again = await ctx.signIn(manager.user);
    await tick();
    expect(await sentTo(again, campaign.id)).toEqual([emails[0]]);
    const after = await again.get(`/api/campaigns/${campaign.id}`);
    expect(after.body).toMatchObject({ status: 'active', counts: { targeted: 2, sent: 1 } });

    // A second tick sends nothing more.
    await tick();
    expect((await emailsOf(again, campaign.id)).filter((m) => m.status === 'sent')).toHaveLength(1);
  });

  it('a send time already past means now: the email goes out with a link that works', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Otto' }]);
    const now = ctx.clock.now();
    const campaign = await created(manager, { accountIds: [accountId] }, { sendAt: '2025-01-15T09:00:00Z', repeat: 'quarterly' });
    expect(campaign.sendAt).toBe(now.toISOString());
    expect(new Date(campaign.nextWaveAt).getTime()).toBeGreaterThan(now.getTime());
    await ctx.runJobs();
    const mail = await emailTo(ctx, emails[0]!);
    expect((await ctx.anonymous().get(`/s/${mail.surveyToken}`)).status).toBe(200);
    // And no second wave is overdue.
    await tick();
    expect((await invitationList(manager, campaign.id)).map((i) => i.wave)).toEqual([1]);
  });

  it('cancelling a scheduled campaign stops its emails; cancelling twice changes nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, [{ name: 'Pia' }, { name: 'Quin' }]);
    const sendAt = new Date(ctx.clock.now().getTime() + DAY);
    const campaign = await created(manager, { accountIds: [accountId] }, { sendAt: sendAt.toISOString() });

    ctx.clock.advance(60_000);
    const cancelled = await manager.post(`/api/campaigns/${campaign.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.cancelledAt).toBe(ctx.clock.now().toISOString());
    expect((await invitationList(manager, campaign.id, 'cancelled')).length).toBe(2);
    expect(await invitationList(manager, campaign.id, 'pending')).toEqual([]);

    ctx.clock.advance(2 * DAY);
    const again = await ctx.signIn(manager.user);
    await tick();
    expect(await emailsOf(again, campaign.id)).toEqual([]);

    const twice = await again.post(`/api/campaigns/${campaign.id}/cancel`);
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ status: 'cancelled', cancelledAt: cancelled.body.cancelledAt });
  });

  it('cancelling a sent campaign closes its survey links; skips stay skips', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [{ name: 'Ray' }, { name: 'Sol' }]);
    expect((await manager.patch(`/api/contacts/${contactIds[1]}`, { unsubscribed: true })).status).toBe(200);
    const campaign = await created(manager, { accountIds: [accountId] }, { reminder: { afterDays: 2, max: 2 } });
    await ctx.runJobs();
    const mail = await emailTo(ctx, emails[0]!);
    const anon = ctx.anonymous();
    expect((await anon.get(`/s/${mail.surveyToken}`)).status).toBe(200);

    expect((await manager.post(`/api/campaigns/${campaign.id}/cancel`)).body.status).toBe('cancelled');
    const page = await anon.get(`/s/${mail.surveyToken}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain(t('en', 'unavailableTitle'));
    expect((await anon.post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 10 } })).status).toBe(404);
    expect((await invitationList(manager, campaign.id, 'skipped')).map((i) => i.skipReason)).toEqual(['unsubscribed']);

    // No reminder follows a cancelled campaign.
    ctx.clock.advance(3 * DAY);
    const again = await ctx.signIn(manager.user);
    await tick();
    expect((await emailsOf(again, campaign.id)).map((m) => m.kind)).toEqual(['invitation']);
  });
});

describe('campaign counts', () => {
  it('follow the campaign from queued to sent to answered', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [
      { name: 'Tom' },
      { name: 'Ula' },
      { name: 'Vic' },
      { name: 'Wes' },
    ]);
    expect((await manager.patch(`/api/contacts/${contactIds[3]}`, { bounced: true })).status).toBe(200);
    const campaign = await created(manager, { accountIds: [accountId] });
    const counts = async () => (await manager.get(`/api/campaigns/${campaign.id}`)).body.counts;
    expect(campaign.counts).toEqual({
      targeted: 4,
      skipped: 1,
      skippedByReason: { bounced: 1 },
      queued: 0,
      sent: 0,
      delivered: 0,
      bounced: 0,
      complained: 0,
      failed: 0,
      responded: 0,
      completed: 0,
      responseRate: null,
    });

    // The dispatcher queues one email per person asked; the sender has not run yet.
    await dispatchCampaign(ctx.deps, { campaignId: campaign.id, wave: 1 });
    expect(await counts()).toMatchObject({ queued: 3, sent: 0, responseRate: null });

    await ctx.runJobs();
    expect(await counts()).toMatchObject({ targeted: 4, skipped: 1, queued: 0, sent: 3, responded: 0, responseRate: 0 });

    const anon = ctx.anonymous();
    const [tom, ula] = [await emailTo(ctx, emails[0]!), await emailTo(ctx, emails[1]!)];
    // Opening the link, or saving nothing, is not an answer.
    expect((await anon.get(`/s/${tom.surveyToken}`)).status).toBe(200);
    expect((await anon.post(`/s/${tom.surveyToken}/answers`, { answers: {} })).status).toBe(200);
    expect(await counts()).toMatchObject({ responded: 0, completed: 0, responseRate: 0 });

    expect((await anon.post(`/s/${tom.surveyToken}/answers`, { answers: { nps: 8 } })).status).toBe(200);
    expect(await counts()).toMatchObject({ responded: 1, completed: 0, responseRate: 0.333 });
    expect((await anon.post(`/s/${ula.surveyToken}/answers`, { answers: { nps: 10 }, complete: true })).status).toBe(200);
    expect(await counts()).toMatchObject({ sent: 3, responded: 2, completed: 1, responseRate: 0.667 });

    // The list shows the same counts.
    const listed = (await manager.get('/api/campaigns?pageSize=100')).body.data.find((c: { id: string }) => c.id === campaign.id);
    expect(listed.counts).toEqual(await counts());
  });
});

describe('the invitation email as the provider receives it', () => {
  let fake: FakeResend;
  let rctx: TestContext;
  const from = 'Acme Customer Team <feedback@acme.example>';
  beforeAll(async () => {
    fake = await startFakeResend();
    rctx = await createTestContext(
      { email: { ...testConfig().email, from } },
      { transport: createResendTransport({ apiKey: fake.apiKey, baseUrl: fake.url, requestsPerSecond: 1000 }) },
    );
  });
  afterAll(async () => {
    await rctx?.close();
    await fake?.close();
  });

  it('comes from KEYPULSE_EMAIL_FROM, replies go to the account owner, and it carries one-click unsubscribe headers', async () => {
    const owner = await rctx.createUser('account_manager', { name: 'Maria Owner' });
    const admin = await rctx.signIn('admin');
    const { accountId, contactIds, emails } = await createAccountWithContacts(admin, [{ name: 'Xia' }], { ownerId: owner.id });
    // An admin sends it; the account's owner is who the customer answers to.
    const res = await admin.post('/api/campaigns', {
      name: 'Owner check',
      surveyId: await templateSurveyId(rctx, 'nps'),
      audience: { accountIds: [accountId] },
    });
    expect(res.status).toBe(201);
    await rctx.runJobs();

    const [email] = fake.emails();
    expect(fake.emails()).toHaveLength(1);
    expect(rctx.deps.config.email.from).toBe(from);
    expect(email).toMatchObject({ to: emails[0], from, reply_to: owner.email });
    const unsubscribe = /^<(https?:\/\/[^>]+\/u\/([\w-]+))>$/.exec(email!.headers['List-Unsubscribe']!);
    expect(unsubscribe, email!.headers['List-Unsubscribe']).not.toBeNull();
    expect(unsubscribe![1]!.startsWith(`${ORIGIN}/u/`)).toBe(true);
    expect(email!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // The body's unsubscribe link is the same one.
    expect(email!.text).toContain(unsubscribe![1]);

    // The provider's id is what the email log shows.
    const log = await admin.get(`/api/messages?campaignId=${res.body.id}`);
    expect(log.body.data[0]).toMatchObject({ status: 'sent', transport: 'resend', providerId: email!.id, html: null, text: null });

    // A mail client's one-click POST unsubscribes the contact.
    const oneClick = await rctx.anonymous().request('POST', `/u/${unsubscribe![2]}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await admin.get(`/api/contacts/${contactIds[0]}`)).body.unsubscribed).toBe(true);
  });
});
