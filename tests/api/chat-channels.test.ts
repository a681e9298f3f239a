import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, gt, lte } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';
import { startFakeChatReceiver, type FakeChatReceiver, type ReceivedChatMessage } from '../helpers/fake-chat-receiver.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { deliverWebhooks, nudgeDeliveries } from '../../src/server/integrations/delivery/engine.js';
import { webhookDeliveries, webhookEndpoints } from '../../src/server/db/schema/index.js';

type Client = TestClient & { user: TestUser };

/*
 * Slack and Teams channels, end to end: real answered surveys and the Monday report produce events, the delivery
 * engine sends them from the queue through @slack/webhook and fetch, and loopback receivers check what arrives
 * against the documented shapes (Slack Block Kit; a Teams message with an Adaptive Card attachment).
 */

/** The block types Slack documents for messages. */
const SLACK_BLOCK_TYPES = new Set(['actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'rich_text', 'section', 'video']);

function expectSlackMessage(body: any) {
  expect(typeof body.text).toBe('string');
  expect(body.text.length).toBeGreaterThan(0);
  expect(Array.isArray(body.blocks)).toBe(true);
  expect(body.blocks.length).toBeGreaterThan(0);
  expect(body.blocks.length).toBeLessThanOrEqual(50);
  for (const block of body.blocks) {
    expect(SLACK_BLOCK_TYPES.has(block.type)).toBe(true);
    if (block.type === 'header') {
      expect(block.text.type).toBe('plain_text');
      expect(block.text.text.length).toBeLessThanOrEqual(150);
    }
    if (block.type === 'section') {
      expect(block.text || block.fields).toBeTruthy();
      if (block.text) {
        expect(['mrkdwn', 'plain_text']).toContain(block.text.type);
        expect(block.text.text.length).toBeLessThanOrEqual(3000);
      }
      if (block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
    }
    if (block.type === 'actions') {
      for (const e of block.elements) {
        expect(e.type).toBe('button');
        expect(e.text.type).toBe('plain_text');
        expect(e.url).toMatch(/^http/);
      }
    }
  }
}

function expectTeamsMessage(body: any) {
  expect(body.type).toBe('message');
  expect(body.attachments).toHaveLength(1);
  const [attachment] = body.attachments;
  expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
  const card = attachment.content;
  expect(card).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' });
  expect(Array.isArray(card.body)).toBe(true);
  expect(card.body.length).toBeGreaterThan(0);
  for (const element of card.body) expect(['TextBlock', 'FactSet', 'Container', 'ColumnSet']).toContain(element.type);
  expect(card.actions.length).toBeGreaterThan(0);
  for (const action of card.actions) {
    expect(action.type).toBe('Action.OpenUrl');
    expect(action.url).toMatch(/^http/);
  }
  return card;
}

const slackText = (m: ReceivedChatMessage) => JSON.stringify(m.body.blocks);
const teamsText = (m: ReceivedChatMessage) => JSON.stringify(m.body.attachments[0].content);

describe('Slack and Teams channels', () => {
  let ctx: TestContext;
  let admin: Client;
  let maria: Client;
  let tom: Client;
  const receivers: FakeChatReceiver[] = [];
  let slackAll: FakeChatReceiver;
  let teamsAll: FakeChatReceiver;
  let slackMaria: FakeChatReceiver;
  let teamsTom: FakeChatReceiver;
  let mariaChannelId: string;

  const receiver = async (kind: 'slack' | 'teams') => {
    const r = await startFakeChatReceiver(kind);
    receivers.push(r);
    return r;
  };

  /**
   * Runs the queue, stepping the fake clock over Slack and Teams pacing (one message a second per channel): while a
   * delivery waits for its channel's next second, a second passes and the queue runs again.
   */
  async function runJobsPaced() {
    await ctx.runJobs();
    for (let step = 0; step < 30; step++) {
      const now = ctx.clock.now();
      const [waiting] = await ctx.database.db
        .select({ n: count() })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.status, 'pending'), gt(webhookDeliveries.nextAttemptAt, now), lte(webhookDeliveries.nextAttemptAt, new Date(now.getTime() + 1000))));
      if (!waiting!.n) return;
      ctx.clock.advance(1000);
      await nudgeDeliveries(ctx.deps);
      await ctx.runJobs();
    }
  }

  /** A contact of the manager's (new) account answers the NPS survey; the follow-up runs on the answer. */
  async function detractorAnswers(manager: Client, accountName: string, contactName: string, answers: Record<string, unknown>) {
    const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [{ name: contactName }], { name: accountName });
    await sendCampaign(ctx, manager, { accountIds: [accountId] });
    const mail = await emailTo(ctx, emails[0]!);
    const res = await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers, complete: true });
    expect(res.status).toBe(200);
    await runJobsPaced();
    return { accountId, contactId: contactIds[0]! };
  }

  beforeAll(async () => {
    ctx = await createTestContext({ timeZone: 'UTC', webhookAllowPrivate: ['127.0.0.1'] });
    ctx.clock.set('2026-03-04T10:00:00Z'); // a Wednesday: no Monday report due
    admin = await ctx.signIn(await ctx.createUser('admin', { name: 'Ada Admin' }));
    maria = await ctx.signIn(await ctx.createUser('account_manager', { name: 'María Santos' }));
    tom = await ctx.signIn(await ctx.createUser('account_manager', { name: 'Tom Lindqvist' }));
    [slackAll, teamsAll, slackMaria, teamsTom] = await Promise.all([receiver('slack'), receiver('teams'), receiver('slack'), receiver('teams')]);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await ctx.close();
  });

  describe('registering channels', () => {
    it('a manager cannot add an installation channel (403), an admin can; the URL is sealed and never shown', async () => {
      const refused = await maria.post('/api/chat-channels', { format: 'slack', url: slackAll.url, events: ['detractor.alert'], scope: 'installation' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');

      const slack = await admin.post('/api/chat-channels', { format: 'slack', url: slackAll.url, events: ['detractor.alert', 'risk.summary'], scope: 'installation' });
      expect(slack.status).toBe(201);
      expect(slack.body).toMatchObject({ format: 'slack', scope: 'installation', userId: null, enabled: true, events: ['detractor.alert', 'risk.summary'] });
      expect(slack.body.urlHint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…rt42$/);
      expect(JSON.stringify(slack.body)).not.toContain('xoxSecretPart42');
      const [row] = await ctx.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, slack.body.id));
      expect(row!.urlSealed).not.toContain('xoxSecretPart42');
      expect(ctx.deps.secrets.unseal(row!.urlSealed)).toBe(slackAll.url);

      const teams = await admin.post('/api/chat-channels', { format: 'teams', url: teamsAll.url, events: ['detractor.alert', 'risk.summary'], scope: 'installation' });
      expect(teams.status).toBe(201);
      const list = await admin.get('/api/chat-channels');
      expect(JSON.stringify(list.body)).not.toContain('SecretSig42');
    });

    it('managers add channels of their own, which only they (not even admins) see and manage', async () => {
      const mine = await maria.post('/api/chat-channels', { format: 'slack', url: slackMaria.url, events: ['detractor.alert', 'risk.summary'], scope: 'mine' });
      expect(mine.status).toBe(201);
      expect(mine.body).toMatchObject({ scope: 'mine', userId: maria.user.id });
      mariaChannelId = mine.body.id;
      const toms = await tom.post('/api/chat-channels', { format: 'teams', url: teamsTom.url, events: ['detractor.alert', 'risk.summary'] });
      expect(toms.status).toBe(201);
      expect(toms.body.scope).toBe('mine');

      expect((await maria.get('/api/chat-channels')).body.data.map((c: any) => c.id)).toEqual([mariaChannelId]);
      const adminList = (await admin.get('/api/chat-channels')).body.data as any[];
      expect(adminList.map((c) => c.scope)).toEqual(['installation', 'installation']);
    });

    it("another person's channel is not found: not for another manager, not for an admin", async () => {
      for (const client of [tom, admin]) {
        expect((await client.patch(`/api/chat-channels/${mariaChannelId}`, { enabled: false })).status).toBe(404);
        expect((await client.post(`/api/chat-channels/${mariaChannelId}/test`)).status).toBe(404);
        expect((await client.delete(`/api/chat-channels/${mariaChannelId}`)).status).toBe(404);
      }
      const installation = (await admin.get('/api/chat-channels')).body.data[0];
      expect((await maria.patch(`/api/chat-channels/${installation.id}`, { enabled: false })).status).toBe(404);
      expect((await maria.delete(`/api/chat-channels/${installation.id}`)).status).toBe(404);
      // Still there and on.
      expect((await maria.get('/api/chat-channels')).body.data).toHaveLength(1);
      expect((await admin.get('/api/chat-channels')).body.data.every((c: any) => c.enabled)).toBe(true);
    });

    it('refuses plain http to a host not allowed, private addresses, bad events and bad ids with a 4xx, writing nothing', async () => {
      const before = (await maria.get('/api/chat-channels')).body.data.length;
      const cases = [
        { format: 'slack', url: 'http://hooks.slack.example/services/x', events: ['detractor.alert'] },
        { format: 'slack', url: 'http://8.8.8.8/services/x', events: ['detractor.alert'] }, // public, but plain http
        { format: 'slack', url: 'https://169.254.169.254/latest', events: ['detractor.alert'] },
        { format: 'slack', url: 'https://10.1.2.3/hook', events: ['detractor.alert'] },
        { format: 'slack', url: 'ftp://example.com/x', events: ['detractor.alert'] },
        { format: 'teams', url: teamsTom.url, events: ['response.created'] },
        { format: 'teams', url: teamsTom.url, events: [] },
        { format: 'discord', url: teamsTom.url, events: ['detractor.alert'] },
      ];
      for (const body of cases) {
        const res = await maria.post('/api/chat-channels', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      expect((await maria.patch('/api/chat-channels/not-a-uuid', { enabled: false })).status).toBe(400);
      expect((await maria.patch(`/api/chat-channels/${mariaChannelId}`, {})).status).toBe(400);
      expect((await maria.get('/api/chat-channels')).body.data).toHaveLength(before);
    });
  });

  describe('detractor alerts', () => {
    it("reach the installation channels and the owner's own channel, as Block Kit and an Adaptive Card; not another manager's", async () => {
      const { accountId } = await detractorAnswers(maria, 'Acme Industrial', 'Hana Sato', {
        nps: 3,
        reason: 'Invoices are wrong every month. <!channel> @here & <script>',
      });
      const [slack] = await slackAll.waitForAccepted(1);
      const [teams] = await teamsAll.waitForAccepted(1);
      const [own] = await slackMaria.waitForAccepted(1);
      expect(teamsTom.requests()).toHaveLength(0);

      expectSlackMessage(slack!.body);
      expect(slack!.body.blocks.map((b: any) => b.type)).toEqual(['header', 'section', 'section', 'actions']);
      expect(slack!.body.blocks[0].text.text).toBe('Detractor: Hana Sato at Acme Industrial answered 3/10');
      expect(slackText(slack!)).toContain('Invoices are wrong every month.');
      // Their words cannot notify the room nor inject markup.
      expect(slackText(slack!)).not.toContain('<!channel>');
      expect(slackText(slack!)).toContain('&lt;!channel&gt;');
      expect(slackText(slack!)).toContain('&amp; &lt;script&gt;');
      expect(slackText(slack!)).not.toMatch(/@here/);
      const tasks = (await maria.get(`/api/tasks?accountId=${accountId}`)).body.data as any[];
      expect(tasks).toHaveLength(1);
      const button = slack!.body.blocks[3].elements[0];
      expect(button.url).toBe(`http://localhost:3000/tasks/${tasks[0].id}`);
      expect(slack!.body.text).toContain('Hana Sato');
      expect(own!.body).toEqual(slack!.body);

      const card = expectTeamsMessage(teams!.body);
      expect(teamsText(teams!)).toContain('Acme Industrial');
      expect(teamsText(teams!)).toContain('Invoices are wrong every month.');
      expect(teamsText(teams!)).not.toMatch(/@here/);
      expect(card.actions[0]).toMatchObject({ type: 'Action.OpenUrl', url: `http://localhost:3000/tasks/${tasks[0].id}` });

      // Tom's detractor: Tom's channel and the installation ones hear it, María's does not.
      await detractorAnswers(tom, 'Cobalt Mining', 'Ines Ruiz', { nps: 1 });
      await teamsTom.waitForAccepted(1);
      await slackAll.waitForAccepted(2);
      await teamsAll.waitForAccepted(2);
      expect(slackMaria.requests()).toHaveLength(1);
      expect(teamsText(teamsTom.accepted()[0]!)).toContain('Cobalt Mining');
      expect(teamsText(teamsTom.accepted()[0]!)).toContain('did not write a comment');
    });

    it('a passive or a promoter is not announced, and a revised answer is not announced twice', async () => {
      const before = slackAll.requests().length;
      await detractorAnswers(maria, 'Borealis', 'Ola Nordmann', { nps: 8 });
      await detractorAnswers(maria, 'Cygnus', 'Ken Ito', { nps: 10 });
      expect(slackAll.requests()).toHaveLength(before);

      // A detractor who revises their answer (a lower score, more words) is announced once.
      const { accountId, contactIds, emails } = await createAccountWithContacts(maria, [{ name: 'Rev Iser' }], { name: 'Eridanus' });
      await sendCampaign(ctx, maria, { accountIds: [accountId] });
      const mail = await emailTo(ctx, emails[0]!);
      await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 5 }, complete: true });
      await runJobsPaced();
      await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 2, reason: 'Worse on reflection' }, complete: true });
      await runJobsPaced();
      await slackAll.waitForAccepted(before + 1);
      expect(slackAll.requests()).toHaveLength(before + 1);
      expect(slackText(slackAll.accepted().at(-1)!)).toContain('Eridanus');
      void contactIds;
    });
  });

  describe('the Monday risk summary', () => {
    it("installation channels get the portfolio, each manager's channel only their accounts, once per edition", async () => {
      const before = { slack: slackAll.accepted().length, teams: teamsAll.accepted().length, maria: slackMaria.accepted().length, tom: teamsTom.accepted().length };
      ctx.clock.set('2026-03-09T07:00:00Z'); // Monday 07:00 in UTC
      await schedulerTick(ctx.deps);
      await Promise.all([schedulerTick(ctx.deps), schedulerTick(ctx.deps)]); // overlapping sweeps
      await runJobsPaced();
      const slack = (await slackAll.waitForAccepted(before.slack + 1)).at(-1)!;
      const teams = (await teamsAll.waitForAccepted(before.teams + 1)).at(-1)!;
      const mine = (await slackMaria.waitForAccepted(before.maria + 1)).at(-1)!;
      const toms = (await teamsTom.waitForAccepted(before.tom + 1)).at(-1)!;

      expectSlackMessage(slack.body);
      expect(slack.body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'Monday Morning Report — week of 9 March 2026' } });
      expect(slack.body.text).toContain('the whole portfolio');
      expect(slack.body.text).toMatch(/of 5 accounts/);
      expect(slack.body.blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ type: 'button', url: 'http://localhost:3000/overview' }] });

      expectTeamsMessage(teams.body);
      expect(teamsText(teams)).toContain('the whole portfolio');

      expectSlackMessage(mine.body);
      expect(mine.body.text).toContain("María Santos's accounts");
      expect(mine.body.text).toMatch(/of 4 accounts/);
      expect(slackText(mine)).not.toContain('Cobalt Mining');

      expectTeamsMessage(toms.body);
      expect(teamsText(toms)).toContain("Tom Lindqvist's accounts");
      expect(teamsText(toms)).toMatch(/of 1 account\b/);
      for (const name of ['Acme Industrial', 'Borealis', 'Cygnus', 'Eridanus']) expect(teamsText(toms)).not.toContain(name);

      // Later sweeps the same Monday send nothing more.
      ctx.clock.set('2026-03-09T07:05:00Z');
      await schedulerTick(ctx.deps);
      await runJobsPaced();
      expect(slackAll.accepted()).toHaveLength(before.slack + 1);
      expect(slackMaria.accepted()).toHaveLength(before.maria + 1);
      expect(teamsTom.accepted()).toHaveLength(before.tom + 1);
    });
  });

  describe('test messages, rate limits and switching off', () => {
    it('a receiver answering 429 with Retry-After, then 200, gets exactly one message, not before the time it asked', async () => {
      const limited = await receiver('slack');
      const created = await tom.post('/api/chat-channels', { format: 'slack', url: limited.url, events: ['detractor.alert'] });
      expect(created.status).toBe(201);
      limited.failNext(1, 429, { 'retry-after': '120' });

      const sent = await tom.post(`/api/chat-channels/${created.body.id}/test`);
      expect(sent.status).toBe(202);
      expect(sent.body.eventId).toMatch(/^msg_/);
      await runJobsPaced();
      expect(limited.requests().map((r) => r.status)).toEqual([429]);

      ctx.clock.advance(60_000); // not yet: Slack asked for 120 s
      await nudgeDeliveries(ctx.deps);
      await runJobsPaced();
      expect(limited.requests()).toHaveLength(1);

      ctx.clock.advance(61_000);
      await schedulerTick(ctx.deps);
      await runJobsPaced();
      const [message] = await limited.waitForAccepted(1);
      expect(limited.requests().map((r) => r.status)).toEqual([429, 200]);
      expectSlackMessage(message!.body);
      expect(message!.body.text).toContain('[Test]');

      ctx.clock.advance(3600_000);
      await schedulerTick(ctx.deps);
      await runJobsPaced();
      expect(limited.accepted()).toHaveLength(1);
    });

    it('a channel gets at most one message a second, however many are due, across workers', async () => {
      const paced = await receiver('teams');
      const created = await tom.post('/api/chat-channels', { format: 'teams', url: paced.url, events: ['detractor.alert'] });
      expect(created.status).toBe(201);
      for (let i = 0; i < 3; i++) expect((await tom.post(`/api/chat-channels/${created.body.id}/test`)).status).toBe(202);

      // Two workers at once, at the same instant: one message between them.
      await Promise.all([deliverWebhooks(ctx.deps), deliverWebhooks(ctx.deps)]);
      await ctx.runJobs();
      await paced.waitForAccepted(1);
      expect(paced.requests()).toHaveLength(1);
      ctx.clock.advance(999);
      await deliverWebhooks(ctx.deps);
      expect(paced.requests()).toHaveLength(1);
      ctx.clock.advance(1);
      await deliverWebhooks(ctx.deps);
      await paced.waitForAccepted(2);
      expect(paced.requests()).toHaveLength(2);
      ctx.clock.advance(1000);
      await deliverWebhooks(ctx.deps);
      await paced.waitForAccepted(3);
      // Each message once: the ones that waited were put back, not counted as failed attempts.
      const attempts = await ctx.database.db
        .select({ attempts: webhookDeliveries.attempts, status: webhookDeliveries.status })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, created.body.id));
      expect(attempts).toEqual([1, 1, 1].map(() => ({ attempts: 1, status: 'succeeded' })));
    });

    it('a test goes to that one channel only; a switched-off channel gets no test and no alerts', async () => {
      const before = { all: slackAll.requests().length, tom: teamsTom.requests().length };
      expect((await maria.post(`/api/chat-channels/${mariaChannelId}/test`)).status).toBe(202);
      await runJobsPaced();
      const last = (await slackMaria.waitForAccepted(slackMaria.accepted().length)).at(-1)!;
      expect(last.body.text).toContain('[Test]');
      expect(slackAll.requests()).toHaveLength(before.all);
      expect(teamsTom.requests()).toHaveLength(before.tom);

      const off = await maria.patch(`/api/chat-channels/${mariaChannelId}`, { enabled: false });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ enabled: false, disabledReason: 'manual' });
      expect((await maria.post(`/api/chat-channels/${mariaChannelId}/test`)).status).toBe(409);
      const heard = slackMaria.requests().length;
      await detractorAnswers(maria, 'Draco Foods', 'Lee Park', { nps: 0 });
      await slackAll.waitForAccepted(slackAll.accepted().length); // the installation channel still hears it
      expect(slackMaria.requests()).toHaveLength(heard);

      const on = await maria.patch(`/api/chat-channels/${mariaChannelId}`, { enabled: true, events: ['risk.summary'] });
      expect(on.body).toMatchObject({ enabled: true, disabledReason: null, events: ['risk.summary'] });
      expect((await maria.delete(`/api/chat-channels/${mariaChannelId}`)).status).toBe(200);
      expect((await maria.get('/api/chat-channels')).body.data).toEqual([]);
    });
  });
});
