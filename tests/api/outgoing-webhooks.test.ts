import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { createTestContext, TestClient, type TestContext } from '../helpers/test-app.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { answerLatestNps, createAccountWithContacts, outbox, sendCampaign } from '../helpers/survey-fixtures.js';
import { auditLog, messages, outgoingEvents, settings, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../src/server/db/schema/index.js';
import { nudgeDeliveries } from '../../src/server/integrations/delivery/engine.js';
import { createGuard } from '../../src/server/integrations/delivery/ssrf.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { announceRiskChanges } from '../../src/server/services/webhook-sweeps.js';

/*
 * Outgoing webhooks end to end (issue 15): an admin registers a loopback receiver (allowed by the private-address
 * setting, as a self-hosted receiver would be), events flow from the queue, and the receiver checks every delivery
 * with the `standardwebhooks` library — as a customer's receiver would.
 */

let ctx: TestContext;
let admin: Awaited<ReturnType<TestContext['signIn']>>;
let manager: Awaited<ReturnType<TestContext['signIn']>>;
const receivers: WebhookReceiver[] = [];
const ALLOWED = ['127.0.0.1/32', '::1/128'];

beforeAll(async () => {
  ctx = await createTestContext({ webhookAllowPrivate: ALLOWED });
  admin = await ctx.signIn('admin');
  manager = await ctx.signIn('account_manager');
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await ctx.close();
});

async function receiver() {
  const r = await startWebhookReceiver();
  receivers.push(r);
  return r;
}

/** The receiver's check, at the fake clock's time (the library reads Date.now for the 5-minute tolerance). */
function verify(secret: string, delivery: Pick<ReceivedWebhook, 'body' | 'headers'>, at = ctx.clock.now()) {
  const spy = vi.spyOn(Date, 'now').mockReturnValue(at.getTime());
  try {
    return new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>) as any;
  } finally {
    spy.mockRestore();
  }
}

async function register(url: string, eventTypes: string[], description = 'Test receiver') {
  const res = await admin.post('/api/webhooks', { url, eventTypes, description });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; secret: string; urlHint: string };
}

/** The fake clock jumps days ahead in some tests: sessions end by then, so sign in again (a new session). */
async function jump(ms: number) {
  ctx.clock.advance(ms);
  admin = Object.assign(await ctx.signIn(admin.user), { user: admin.user });
}

/** What the queue would do: run the delivery job now (the scheduler tick queues it for due retries). */
async function deliver() {
  await nudgeDeliveries(ctx.deps);
  await ctx.runJobs();
}

/** Moves the clock to the next due attempt of this endpoint's pending deliveries and runs them; false when none. */
async function runNextRetry(endpointId: string): Promise<boolean> {
  const pending = await ctx.database.db
    .select({ at: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
  const due = pending.map((p) => p.at!.getTime()).sort((a, b) => a - b)[0];
  if (due === undefined) return false;
  const wait = due - ctx.clock.now().getTime();
  if (wait > 0) ctx.clock.advance(wait);
  await deliver();
  return true;
}

async function newTask(accountId: string, title: string) {
  const res = await admin.post('/api/tasks', { accountId, title, priority: 'high', dueAt: '2026-03-20' });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

const remove = (id: string) => admin.delete(`/api/webhooks/${id}`);

describe('registering an endpoint', () => {
  it('an admin registers a URL and sees the whsec_ secret once; lists never show it again', async () => {
    const r = await receiver();
    const created = await register(r.url, ['task.created']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(24);
    expect(created.urlHint).toBe(`http://127.0.0.1:${r.port}/…ulse`);
    const list = await admin.get('/api/webhooks');
    const listed = list.body.data.find((e: { id: string }) => e.id === created.id);
    expect(listed).toMatchObject({ enabled: true, eventTypes: ['task.created'], description: 'Test receiver', failingSince: null });
    expect(JSON.stringify(list.body)).not.toContain(created.secret.slice(6));
    expect((await admin.get(`/api/webhooks/${created.id}`)).body).not.toHaveProperty('secret');
    // Stored sealed, never as typed.
    const [row] = await ctx.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id));
    expect(row!.secretSealed).not.toContain(created.secret.slice(6));
    expect(row!.urlSealed).not.toContain('127.0.0.1');
    await remove(created.id);
  });

  it('bad input is a 400 naming the field, and nothing is written', async () => {
    const before = (await ctx.database.db.select({ n: count() }).from(webhookEndpoints))[0]!.n;
    for (const body of [
      { url: 'not a url', eventTypes: ['task.created'] },
      { url: 'ftp://example.com/x', eventTypes: ['task.created'] },
      { url: 'https://user:pw@example.com/x', eventTypes: ['task.created'] },
      { url: 'https://example.com/x', eventTypes: [] },
      { url: 'https://example.com/x', eventTypes: ['task.exploded'] },
      { url: 'https://example.com/x', eventTypes: ['task.created'], secret: 'mine' },
    ]) {
      const res = await admin.post('/api/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.issues[0].path).toMatch(/^(url|eventTypes(\.0)?|\(body\))$/);
    }
    expect((await ctx.database.db.select({ n: count() }).from(webhookEndpoints))[0]!.n).toBe(before);
  });
});

describe('who may manage webhooks', () => {
  it('a manager and an executive get 403 on every route; so does an admin API key without the admin scope', async () => {
    const r = await receiver();
    const created = await register(r.url, ['task.created']);
    const executive = await ctx.signIn('executive');
    const key = await admin.post('/api/api-keys', { name: 'Read key', scope: 'write' });
    const script = new TestClient(ctx.app, { authorization: `Bearer ${key.body.key}` });
    for (const client of [manager, executive, script]) {
      expect((await client.get('/api/webhooks')).status).toBe(403);
      expect((await client.post('/api/webhooks', { url: r.url, eventTypes: ['task.created'] })).status).toBe(403);
      expect((await client.get(`/api/webhooks/${created.id}`)).status).toBe(403);
      expect((await client.patch(`/api/webhooks/${created.id}`, { enabled: false })).status).toBe(403);
      expect((await client.post(`/api/webhooks/${created.id}/rotate-secret`)).status).toBe(403);
      expect((await client.post(`/api/webhooks/${created.id}/test`)).status).toBe(403);
      expect((await client.get(`/api/webhooks/${created.id}/deliveries`)).status).toBe(403);
      expect((await client.delete(`/api/webhooks/${created.id}`)).status).toBe(403);
    }
    expect((await admin.get(`/api/webhooks/${created.id}`)).body.enabled).toBe(true);
    // An admin's key with the admin scope may.
    const adminKey = await admin.post('/api/api-keys', { name: 'Admin key', scope: 'admin' });
    const adminScript = new TestClient(ctx.app, { authorization: `Bearer ${adminKey.body.key}` });
    expect((await adminScript.get('/api/webhooks')).status).toBe(200);
    await remove(created.id);
  });
});

describe('deliveries', () => {
  it('every delivery verifies with standardwebhooks; a receiver failing three times then answering 200 accepts each event exactly once', async () => {
    const r = await receiver();
    r.respond = (_req, seenBefore) => (seenBefore < 3 ? 500 : 200);
    const endpoint = await register(r.url, ['task.created', 'task.closed']);
    const { accountId } = await createAccountWithContacts(admin, [{}]);
    const first = await newTask(accountId, 'Call the CFO back');
    const second = await newTask(accountId, 'Send the renewal offer');
    expect((await admin.post(`/api/tasks/${first}/close`, { resolution: 'Called; all good' })).status).toBe(200);

    await ctx.runJobs();
    expect(r.received).toHaveLength(3);
    expect(r.received.every((d) => d.status === 500)).toBe(true);
    // Retries at 5 s, 5 min, 30 min — the first by the scheduler tick, as in production.
    ctx.clock.advance(5_000);
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    while (await runNextRetry(endpoint.id));
    // Nothing more is sent once each event was accepted.
    await jump(86_400_000);
    await deliver();

    const ids = [...new Set(r.received.map((d) => d.headers['webhook-id']))];
    expect(ids).toHaveLength(3);
    for (const id of ids) {
      const attempts = r.received.filter((d) => d.headers['webhook-id'] === id);
      expect(attempts.map((d) => d.status)).toEqual([500, 500, 500, 200]);
      // Every attempt carries the same bytes and verifies, at the time it was sent.
      expect(new Set(attempts.map((d) => d.body)).size).toBe(1);
    }
    for (const d of r.received) {
      const at = new Date(Number(d.headers['webhook-timestamp']) * 1000);
      expect(verify(endpoint.secret, d, at)).toBeDefined();
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['user-agent']).toBe('Keypulse-Webhooks/1');
    }
    const accepted = r.received.filter((d) => d.status === 200).map((d) => JSON.parse(d.body));
    expect(accepted.map((b) => b.type).sort()).toEqual(['task.closed', 'task.created', 'task.created']);
    const closed = accepted.find((b) => b.type === 'task.closed');
    expect(closed.data).toMatchObject({
      version: 'v1',
      task: { id: first, title: 'Call the CFO back', status: 'done', priority: 'high' },
      account: { id: accountId },
      links: { task: `http://localhost:3000/tasks/${first}` },
    });
    expect(accepted.filter((b) => b.type === 'task.created').map((b) => b.data.task.id).sort()).toEqual([first, second].sort());

    const log = await admin.get(`/api/webhooks/${endpoint.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.body.total).toBe(3);
    for (const delivery of log.body.data) {
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, lastStatusCode: 200 });
      expect(delivery.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 500, 500, 500]);
      expect(delivery.attemptLog[1]).toMatchObject({ trigger: 'scheduled', responseExcerpt: 'nope 500', error: 'receiver answered 500' });
    }
    expect((await admin.get(`/api/webhooks/${endpoint.id}`)).body).toMatchObject({ failingSince: null, lastSuccessAt: expect.any(String) });
    await remove(endpoint.id);
  });

  it("a forged signature or a stale timestamp fails the receiver's check", async () => {
    const r = await receiver();
    const endpoint = await register(r.url, ['task.created']);
    const { accountId } = await createAccountWithContacts(admin, []);
    await newTask(accountId, 'Check the signature');
    await ctx.runJobs();
    const [delivery] = r.received;
    expect(verify(endpoint.secret, delivery!)).toMatchObject({ type: 'task.created' });
    // Someone changes the body, or signs with a secret of their own.
    expect(() => verify(endpoint.secret, { ...delivery!, body: delivery!.body.replace('Check the signature', 'Wire the money') })).toThrow(/signature/i);
    const forger = new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`);
    const forged = forger.sign(String(delivery!.headers['webhook-id']), ctx.clock.now(), delivery!.body);
    expect(() => verify(endpoint.secret, { ...delivery!, headers: { ...delivery!.headers, 'webhook-signature': forged } })).toThrow(/signature/i);
    // Replayed by an attacker ten minutes later: too old.
    expect(() => verify(endpoint.secret, delivery!, new Date(ctx.clock.now().getTime() + 10 * 60_000))).toThrow(/too old/i);
    await remove(endpoint.id);
  });

  it('a survey answer announces response.created and response.completed with score, comment and contact', async () => {
    const r = await receiver();
    const endpoint = await register(r.url, ['response.created', 'response.completed']);
    const { accountId, contactIds, emails } = await createAccountWithContacts(admin, [{ name: 'Rosa Díaz' }]);
    await sendCampaign(ctx, admin, { accountIds: [accountId] });
    await answerLatestNps(ctx, emails, [3]);
    await ctx.runJobs();
    const bodies = r.received.map((d) => JSON.parse(d.body));
    expect(bodies.map((b) => b.type).sort()).toEqual(['response.completed', 'response.created']);
    const completed = bodies.find((b) => b.type === 'response.completed');
    expect(completed.data).toMatchObject({
      version: 'v1',
      response: { score: 3, completed: true },
      account: { id: accountId },
      contact: { id: contactIds[0], name: 'Rosa Díaz', email: emails[0] },
      links: { account: `http://localhost:3000/accounts/${accountId}` },
    });
    for (const d of r.received) expect(verify(endpoint.secret, d)).toBeDefined();
    await remove(endpoint.id);
  });

  it('a 410 Gone switches the endpoint off at once', async () => {
    const r = await receiver();
    r.respond = () => 410;
    const endpoint = await register(r.url, ['task.created']);
    const { accountId } = await createAccountWithContacts(admin, []);
    await newTask(accountId, 'Gone receiver');
    await newTask(accountId, 'Gone receiver, again');
    await ctx.runJobs();
    const after = (await admin.get(`/api/webhooks/${endpoint.id}`)).body;
    expect(after).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const statuses = await ctx.database.db.select({ status: webhookDeliveries.status }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(statuses.every((s) => s.status === 'failed' || s.status === 'cancelled')).toBe(true);
    await remove(endpoint.id);
  });

  it('a 429 with Retry-After is tried again no sooner than asked', async () => {
    const r = await receiver();
    r.respond = (_req, seenBefore) => (seenBefore === 0 ? [429, { 'retry-after': '120' }] : 200);
    const endpoint = await register(r.url, ['task.created']);
    const { accountId } = await createAccountWithContacts(admin, []);
    await newTask(accountId, 'Slow down');
    const start = ctx.clock.now().getTime();
    await ctx.runJobs();
    const [row] = await ctx.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(row!.nextAttemptAt!.getTime() - start).toBe(120_000);
    ctx.clock.advance(60_000);
    await deliver();
    expect(r.received).toHaveLength(1);
    ctx.clock.advance(60_000);
    await deliver();
    expect(r.received.map((d) => d.status)).toEqual([429, 200]);
    await remove(endpoint.id);
  });
});

describe('test events and replays', () => {
  it('a test event goes to that endpoint only, and a replay re-sends the same id and bytes without a new event', async () => {
    const r = await receiver();
    const other = await receiver();
    const endpoint = await register(r.url, ['campaign.finished']);
    const bystander = await register(other.url, ['campaign.finished']);
    const test = await admin.post(`/api/webhooks/${endpoint.id}/test`);
    expect(test.status).toBe(202);
    await ctx.runJobs();
    expect(other.received).toHaveLength(0);
    expect(r.received).toHaveLength(1);
    const sent = verify(endpoint.secret, r.received[0]!);
    expect(sent).toMatchObject({ type: 'webhook.test', data: { version: 'v1' } });
    expect(r.received[0]!.headers['webhook-id']).toBe(test.body.eventId);

    const events = (await ctx.database.db.select({ n: count() }).from(outgoingEvents))[0]!.n;
    ctx.clock.advance(60_000);
    const replay = await admin.post(`/api/webhooks/${endpoint.id}/deliveries/${test.body.deliveryId}/replay`);
    expect(replay.status).toBe(202);
    await ctx.runJobs();
    expect(r.received).toHaveLength(2);
    expect(r.received[1]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id']);
    expect(r.received[1]!.body).toBe(r.received[0]!.body);
    // Signed afresh at the time of the replay.
    expect(verify(endpoint.secret, r.received[1]!)).toBeDefined();
    expect((await ctx.database.db.select({ n: count() }).from(outgoingEvents))[0]!.n).toBe(events);
    const log = await admin.get(`/api/webhooks/${endpoint.id}/deliveries`);
    expect(log.body.data[0].attemptLog.map((a: { trigger: string }) => a.trigger)).toEqual(['replay', 'test']);
    expect(log.body.data[0]).toMatchObject({ status: 'succeeded', attempts: 1 });

    // Another endpoint's delivery id is not this endpoint's: 404.
    expect((await admin.post(`/api/webhooks/${bystander.id}/deliveries/${test.body.deliveryId}/replay`)).status).toBe(404);
    await remove(endpoint.id);
    await remove(bystander.id);
  });
});

describe('secret rotation', () => {
  it('for 24 hours deliveries verify with the old and the new secret; after that only with the new one', async () => {
    const r = await receiver();
    const endpoint = await register(r.url, ['campaign.finished']);
    const rotated = await admin.post(`/api/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.previousSecretExpiresAt).toBe(new Date(ctx.clock.now().getTime() + 86_400_000).toISOString());

    await admin.post(`/api/webhooks/${endpoint.id}/test`);
    await ctx.runJobs();
    const during = r.received[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(endpoint.secret, during)).toBeDefined();
    expect(verify(rotated.body.secret, during)).toBeDefined();

    await jump(86_400_000 + 1_000);
    await admin.post(`/api/webhooks/${endpoint.id}/test`);
    await ctx.runJobs();
    const after = r.received[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verify(rotated.body.secret, after)).toBeDefined();
    expect(() => verify(endpoint.secret, after)).toThrow(/signature/i);
    await remove(endpoint.id);
  });
});

describe('SSRF guard', () => {
  /** The installation's setting as it ships: no private address allowed. */
  async function withDefaultSetting<T>(work: () => Promise<T>): Promise<T> {
    ctx.deps.config.webhookAllowPrivate = [];
    try {
      return await work();
    } finally {
      ctx.deps.config.webhookAllowPrivate = ALLOWED;
    }
  }

  it('refuses loopback, link-local (cloud metadata), private and mapped addresses at registration by default', async () => {
    await withDefaultSetting(async () => {
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://10.1.2.3/hook',
        'http://192.168.0.10/hook',
        'http://100.64.0.1/hook',
        'http://[::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://[fe80::1]/hook',
        'http://0.0.0.0/hook',
        'http://localhost:8080/hook',
      ]) {
        const res = await admin.post('/api/webhooks', { url, eventTypes: ['task.created'] });
        expect(res.status, url).toBe(400);
        expect(res.body.error.issues[0]).toMatchObject({ path: 'url', message: expect.stringMatching(/private, loopback or link-local.*KEYPULSE_WEBHOOK_ALLOW_PRIVATE/) });
      }
    });
  });

  it('refuses at every attempt too: a name that now resolves to 127.0.0.1 is logged "address not allowed" and counts as a failure', async () => {
    const r = await receiver();
    const endpoint = await register(`http://localhost:${r.port}/hook`, ['campaign.finished']);
    await withDefaultSetting(async () => {
      await admin.post(`/api/webhooks/${endpoint.id}/test`);
      await ctx.runJobs();
    });
    expect(r.received).toHaveLength(0);
    const log = (await admin.get(`/api/webhooks/${endpoint.id}/deliveries`)).body.data[0];
    expect(log).toMatchObject({ status: 'pending', attempts: 1 });
    expect(log.attemptLog[0]).toMatchObject({ statusCode: null, error: 'address not allowed' });
    expect((await admin.get(`/api/webhooks/${endpoint.id}`)).body.failingSince).not.toBeNull();
    await remove(endpoint.id);
  });

  it("the agents senders use refuse at connect time, for names and literal addresses alike", async () => {
    const r = await receiver();
    const guard = createGuard([]);
    const get = (url: string) =>
      new Promise<string>((resolve) => {
        const req = http.get(url, { agent: guard.agents.http }, (res) => {
          res.resume();
          resolve(`status ${res.statusCode}`);
        });
        req.on('error', (error: Error & { code?: string }) => resolve(String(error.code ?? error.message)));
      });
    expect(await get(`http://localhost:${r.port}/`)).toBe('ADDRESS_NOT_ALLOWED');
    expect(await get(`http://127.0.0.1:${r.port}/`)).toBe('ADDRESS_NOT_ALLOWED');
    await expect(guard.guardedFetch(`http://127.0.0.1:${r.port}/`, { method: 'POST' })).rejects.toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
    expect(r.received).toHaveLength(0);
    // Allowed by the setting, the same agent connects.
    const allowed = createGuard(['127.0.0.1/32']);
    expect((await allowed.guardedFetch(`http://127.0.0.1:${r.port}/`, { method: 'POST', body: '{}' })).status).toBe(200);
  });
});

describe('events from sweeps and links', () => {
  it('contact.unsubscribed when a contact follows the unsubscribe link', async () => {
    const r = await receiver();
    const endpoint = await register(r.url, ['contact.unsubscribed']);
    const { accountId, contactIds, emails } = await createAccountWithContacts(admin, [{ name: 'Una Subscribe' }]);
    await sendCampaign(ctx, admin, { accountIds: [accountId] });
    const email = (await outbox(ctx)).filter((e) => e.to === emails[0]).at(-1)!;
    const res = await ctx.anonymous().request('POST', `/u/${email.unsubscribeToken}`, {
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    // Twice is once.
    await ctx.anonymous().request('POST', `/u/${email.unsubscribeToken}`, { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await ctx.runJobs();
    expect(r.received).toHaveLength(1);
    expect(verify(endpoint.secret, r.received[0]!)).toMatchObject({
      type: 'contact.unsubscribed',
      data: { version: 'v1', contact: { id: contactIds[0], name: 'Una Subscribe', email: emails[0] }, account: { id: accountId } },
    });
    await remove(endpoint.id);
  });

  it('campaign.finished once every invitation of its last wave was answered or expired', async () => {
    const r = await receiver();
    const endpoint = await register(r.url, ['campaign.finished']);
    const { accountId, emails } = await createAccountWithContacts(admin, [{}, {}]);
    const campaign = await sendCampaign(ctx, admin, { accountIds: [accountId], expiresAfterDays: 10 });
    await answerLatestNps(ctx, emails, [9, null]);
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    expect(r.received.filter((d) => JSON.parse(d.body).data.campaign?.id === campaign.id)).toHaveLength(0);
    // The unanswered invitation expires.
    await jump(11 * 86_400_000);
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    const mine = r.received.filter((d) => JSON.parse(d.body).data.campaign?.id === campaign.id);
    expect(mine).toHaveLength(1);
    expect(verify(endpoint.secret, mine[0]!)).toMatchObject({
      type: 'campaign.finished',
      data: { version: 'v1', campaign: { id: campaign.id, invited: 2, responded: 1 }, links: { campaign: `http://localhost:3000/campaigns/${campaign.id}` } },
    });
    await remove(endpoint.id);
  });

  it("account.risk_changed when the weekly risk run sees a level other than the previous run's", async () => {
    const r = await receiver();
    const endpoint = await register(r.url, ['account.risk_changed']);
    const { accountId } = await createAccountWithContacts(admin, [{}]);
    // The next Monday, 08:00 UTC (the weekly run's slot opens at 07:00 in KEYPULSE_TIMEZONE, UTC here).
    const nextMonday = () => {
      const d = new Date(ctx.clock.now().getTime() + 86_400_000);
      d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
      d.setUTCHours(8, 0, 0, 0);
      return d;
    };
    await jump(nextMonday().getTime() - ctx.clock.now().getTime());
    expect(await announceRiskChanges(ctx.deps)).toBe(0); // the first run only records what it saw
    const [row] = await ctx.database.db.select().from(settings).where(eq(settings.key, 'webhooks.risk_levels'));
    const seen = JSON.parse(row!.value) as { week: string; levels: Record<string, string> };
    const level = seen.levels[accountId]!;
    expect(['green', 'amber', 'red']).toContain(level);
    // As if last week's run had seen another level for the account.
    const other = level === 'green' ? 'red' : 'green';
    await ctx.database.db
      .update(settings)
      .set({ value: JSON.stringify({ week: '2000-W01', levels: { ...seen.levels, [accountId]: other } }) })
      .where(eq(settings.key, 'webhooks.risk_levels'));
    await jump(nextMonday().getTime() - ctx.clock.now().getTime());
    expect(await announceRiskChanges(ctx.deps)).toBeGreaterThanOrEqual(1);
    expect(await announceRiskChanges(ctx.deps)).toBe(0); // the same week again: nothing new
    await ctx.runJobs();
    const mine = r.received.map((d) => verify(endpoint.secret, d)).filter((b) => b.data.account.id === accountId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ type: 'account.risk_changed', data: { version: 'v1', level: { from: other, to: level }, reasons: expect.any(Array) } });
    await remove(endpoint.id);
  });
});

describe('the OpenAPI document', () => {
  it('documents every event in its webhooks section, with the signing headers, and the /api/webhooks routes', async () => {
    const doc = (await admin.get('/api/openapi.json')).body;
    expect(Object.keys(doc.webhooks).sort()).toEqual(
      ['account.risk_changed', 'campaign.finished', 'contact.unsubscribed', 'response.completed', 'response.created', 'task.closed', 'task.created'],
    );
    const completed = doc.webhooks['response.completed'].post;
    expect(completed.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    const data = completed.requestBody.content['application/json'].schema.properties.data;
    expect(data.properties.version).toMatchObject({ const: 'v1' });
    expect(Object.keys(data.properties)).toEqual(expect.arrayContaining(['response', 'account', 'contact', 'links']));
    for (const path of ['/api/webhooks', '/api/webhooks/{id}', '/api/webhooks/{id}/rotate-secret', '/api/webhooks/{id}/deliveries', '/api/webhooks/{id}/deliveries/{deliveryId}/replay', '/api/webhooks/{id}/test']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});

describe('the audit log', () => {
  it('records creating, rotating, turning off and on, and deleting an endpoint — never the secret or the URL', async () => {
    const r = await receiver();
    const endpoint = await register(r.url, ['task.created']);
    await admin.post(`/api/webhooks/${endpoint.id}/rotate-secret`);
    await admin.patch(`/api/webhooks/${endpoint.id}`, { enabled: false });
    await admin.patch(`/api/webhooks/${endpoint.id}`, { enabled: true, description: 'Renamed' });
    await remove(endpoint.id);
    const entries = await ctx.database.db.select().from(auditLog).where(eq(auditLog.targetId, endpoint.id));
    expect(entries.map((e) => e.action).sort()).toEqual(['webhook.created', 'webhook.deleted', 'webhook.disabled', 'webhook.enabled', 'webhook.secret_rotated']);
    expect(JSON.stringify(entries)).not.toContain(endpoint.secret.slice(6));
    expect(JSON.stringify(entries)).not.toContain('/hooks/keypulse');
    expect((await admin.get(`/api/webhooks/${endpoint.id}`)).status).toBe(404);
  });
});

describe('erasure', () => {
  it("erasing a contact deletes the events that hold their data, with their deliveries and attempts", async () => {
    const r = await receiver();
    r.respond = () => 500;
    const endpoint = await register(r.url, ['response.created', 'response.completed']);
    const { accountId, contactIds, emails } = await createAccountWithContacts(admin, [{ name: 'Erik Erased' }]);
    await sendCampaign(ctx, admin, { accountIds: [accountId] });
    await answerLatestNps(ctx, emails, [2]);
    await ctx.runJobs();
    const theirs = () => ctx.database.db.select({ type: outgoingEvents.type }).from(outgoingEvents).where(eq(outgoingEvents.contactId, contactIds[0]!));
    expect((await theirs()).map((e) => e.type).sort()).toEqual(['response.completed', 'response.created']);
    expect((await admin.post(`/api/contacts/${contactIds[0]}/erase`)).status).toBe(200);
    expect(await theirs()).toHaveLength(0);
    const left = await ctx.database.db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(left[0]!.n).toBe(0);
    const attempts = await ctx.database.db.select({ n: count() }).from(webhookAttempts);
    expect(attempts[0]!.n).toBeGreaterThanOrEqual(0);
    await remove(endpoint.id);
  });
});

describe('an endpoint that keeps failing', () => {
  it('is switched off after five days without a success, its pending deliveries cancelled and its creator emailed once', async () => {
    // The only endpoint left: moving the clock days ahead concerns it alone.
    for (const e of (await admin.get('/api/webhooks')).body.data) await remove(e.id);
    const r = await receiver();
    r.respond = () => 503;
    const endpoint = await register(r.url, ['task.created']);
    const { accountId } = await createAccountWithContacts(admin, []);
    await newTask(accountId, 'Nobody home');
    await ctx.runJobs();
    const since = (await admin.get(`/api/webhooks/${endpoint.id}`)).body.failingSince;
    expect(since).toBe(ctx.clock.now().toISOString());

    // Four days on, still failing, still on.
    await jump(4 * 86_400_000);
    await newTask(accountId, 'Still nobody');
    await ctx.runJobs();
    expect((await admin.get(`/api/webhooks/${endpoint.id}`)).body.enabled).toBe(true);

    await jump(86_400_000);
    await newTask(accountId, 'Five days of nobody');
    await ctx.runJobs();
    const off = (await admin.get(`/api/webhooks/${endpoint.id}`)).body;
    expect(off).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const pending = await ctx.database.db
      .select({ n: count() })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.status, 'pending')));
    expect(pending[0]!.n).toBe(0);
    const emails = await ctx.database.db.select().from(messages).where(and(eq(messages.toAddress, admin.user.email), eq(messages.purpose, 'webhook_disabled')));
    expect(emails).toHaveLength(1);
    expect(emails[0]!.status).toBe('sent');
    expect(emails[0]!.subject).toContain(`127.0.0.1:${r.port}`);
    expect(emails[0]!.text).not.toContain('/hooks/keypulse');

    // Off: new events are not sent to it; more failing time sends no second email.
    const seen = r.received.length;
    await newTask(accountId, 'After the switch-off');
    await jump(86_400_000);
    await deliver();
    expect(r.received).toHaveLength(seen);
    expect(await ctx.database.db.select().from(messages).where(eq(messages.purpose, 'webhook_disabled'))).toHaveLength(1);

    // Back on: the failing streak starts again.
    r.respond = () => 200;
    const on = await admin.patch(`/api/webhooks/${endpoint.id}`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    await newTask(accountId, 'Welcome back');
    await ctx.runJobs();
    expect(r.received.at(-1)!.status).toBe(200);
    await remove(endpoint.id);
  });
});
