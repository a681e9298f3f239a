import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import { eq, sql } from 'drizzle-orm';
import { createResendTransport } from '../../src/server/email/resend-transport.js';
import type { EmailTransport } from '../../src/server/email/transport.js';
import { messages } from '../../src/server/db/schema/index.js';
import { claimAttempt } from '../../src/server/db/queries/messages.js';
import { pgliteBossDb, postgresBossDb } from '../../src/server/jobs/boss-db.js';
import { crashRecoveryBoundSeconds, JOB_LEASE_SECONDS, PgBossQueue, type JobQueue } from '../../src/server/jobs/queue.js';
import { SEND_EMAILS, sendEmails } from '../../src/server/jobs/send-emails.js';
import { dispatchCampaign } from '../../src/server/jobs/dispatch-campaign.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { createLogger } from '../../src/server/http/logger.js';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, templateSurveyId } from '../helpers/survey-fixtures.js';
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js';

let fake: FakeResend;
let resend: EmailTransport;
let ctx: TestContext;
let manager: TestClient;
const logger = createLogger('silent');

beforeAll(async () => {
  fake = await startFakeResend();
  resend = createResendTransport({ apiKey: fake.apiKey, baseUrl: fake.url, requestsPerSecond: 1000 });
  ctx = await createTestContext({}, { transport: resend });
  manager = await ctx.signIn('account_manager');
});
afterAll(async () => {
  await ctx.close();
  await fake.close();
});

/** A bare pg-boss on the test database: the worker that is about to die, or a look at the queue's own tables. */
async function bareBoss(): Promise<PgBoss> {
  const raw = ctx.database.raw;
  const db = raw.kind === 'pglite' ? pgliteBossDb(raw.pglite) : postgresBossDb(raw.sql);
  const boss = new PgBoss({ db, schema: 'pgboss', supervise: false, schedule: false, migrate: true } as PgBoss.ConstructorOptions);
  await boss.start();
  return boss;
}

/** A campaign to `count` new contacts whose emails are queued (by the dispatch job, run here with `jobs`). */
async function campaignQueued(count: number, jobs: JobQueue = ctx.deps.jobs) {
  const { accountId, emails } = await createAccountWithContacts(manager, Array.from({ length: count }, (_, i) => ({ name: `P${i}` })));
  const res = await manager.post('/api/campaigns', { name: `Crash ${Date.now()}`, surveyId: await templateSurveyId(ctx, 'nps'), audience: { accountIds: [accountId], contactIds: [] } });
  expect(res.status).toBe(201);
  await dispatchCampaign({ ...ctx.deps, jobs }, { campaignId: res.body.id, wave: 1 });
  const rows = await ctx.database.db.select().from(messages).where(eq(messages.campaignId, res.body.id));
  expect(rows).toHaveLength(count);
  return { campaignId: res.body.id as string, emails, batchKey: rows[0]!.batchKey! };
}

const messagesOf = (campaignId: string) => ctx.database.db.select().from(messages).where(eq(messages.campaignId, campaignId));

/** Jobs of a batch that are waiting, retrying or running. */
async function liveJobs(batchKey: string): Promise<number> {
  const result = await ctx.database.db.execute(
    sql`select count(*)::int as n from pgboss.job where name = ${SEND_EMAILS} and singleton_key = ${batchKey} and state < 'completed'`,
  );
  const rows = (result as unknown as { rows?: { n: number }[] }).rows ?? (result as unknown as { n: number }[]);
  return Number(rows[0]!.n);
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if (await condition()) return true;
  }
  return condition();
}

/** How many emails the provider accepted for each of these addresses. */
const sentTo = (addresses: string[]) => addresses.map((a) => fake.emails().filter((e) => String(e.to) === a).length);

/** A worker that claims the batch's job, gets the emails accepted by the provider and dies before recording it. */
async function claimAndDie(batchKey: string): Promise<string> {
  const dying = await bareBoss();
  const fetched = await dying.fetch<{ batchKey: string }>(SEND_EMAILS, { batchSize: 100 });
  const job = fetched.find((j) => j.data.batchKey === batchKey);
  expect(job).toBeDefined();
  // Other emails the scheduler queued meanwhile (the Monday report…) go back to the queue untouched.
  for (const other of fetched.filter((j) => j !== job)) await dying.fail(SEND_EMAILS, other.id, { message: 'not this test' });
  const killedAfterAccept: EmailTransport = {
    name: 'resend',
    async sendBatch(emails, key) {
      await resend.sendBatch(emails, key);
      throw new Error('worker killed');
    },
  };
  await expect(sendEmails({ ...ctx.deps, transport: killedAfterAccept }, job!.data)).rejects.toThrow('worker killed');
  await dying.stop({ graceful: false });
  return job!.id;
}

describe('after a crash, queued emails go out soon after the restart, and once', () => {
  it('a batch claimed by a worker that died is sent by the restarted workers once its lease runs out, exactly once', async () => {
    // This installation runs with every timing shortened (lease, maintenance, retry) so the test takes seconds;
    // crashRecoveryBoundSeconds scales with them (the shipped timings are checked below).
    const scaled = { leaseSeconds: 2, maintenanceIntervalSeconds: 1, retryDelaySeconds: 0 };
    await ctx.runJobs(); // the test context's own queue has started (and set its timings) before ours
    let queued!: Awaited<ReturnType<typeof campaignQueued>>;
    const setup = await PgBossQueue.start(ctx.database, { ...scaled, supervise: false, logger });
    try {
      queued = await campaignQueued(3, setup);
    } finally {
      await setup.stop();
    }
    fake.reset();
    await claimAndDie(queued.batchKey);
    expect(sentTo(queued.emails)).toEqual(queued.emails.map(() => 1)); // the provider has them; we never heard back
    expect((await messagesOf(queued.campaignId)).map((m) => [m.status, m.attempts])).toEqual([['queued', 1], ['queued', 1], ['queued', 1]]);
    expect(await liveJobs(queued.batchKey)).toBe(1); // still "active": its worker is gone

    const restartedAt = Date.now();
    const restarted = await PgBossQueue.start(ctx.database, { ...scaled, supervise: true, logger });
    try {
      await restarted.work({ ...ctx.deps, jobs: restarted });
      const bound = crashRecoveryBoundSeconds(scaled);
      const allSent = async () => (await messagesOf(queued.campaignId)).every((m) => m.status === 'sent');
      // Start-up of the queue itself on a busy machine gets a few seconds on top of the bound.
      expect(await until(allSent, (bound + 5) * 1000), `sent within ${bound} s of the restart`).toBe(true);
      expect((Date.now() - restartedAt) / 1000).toBeLessThanOrEqual(bound + 5);
    } finally {
      await restarted.stop();
    }

    // Exactly once: the retry sent the frozen batch under the same idempotency key, and the provider dropped it.
    const key = fake.requests()[0]!.idempotencyKey;
    expect(fake.requests().filter((r) => r.idempotencyKey === key)).toHaveLength(2);
    expect(sentTo(queued.emails)).toEqual(queued.emails.map(() => 1));
    expect((await messagesOf(queued.campaignId)).every((m) => m.attempts === 2 && m.providerId)).toBe(true);
  }, 120_000);

  it('a batch whose job was lost is queued again half a minute later, once, and never next to a live job', async () => {
    const lost: JobQueue = { ...ctx.deps.jobs, enqueueMany: async () => {} }; // the process died before queuing the job
    const queued = await campaignQueued(2, lost);
    fake.reset();

    await schedulerTick(ctx.deps); // the restart's catch-up: too fresh to call lost yet
    expect(await liveJobs(queued.batchKey)).toBe(0);
    ctx.clock.advance(31_000);
    await schedulerTick(ctx.deps);
    expect(await liveJobs(queued.batchKey)).toBe(1);
    await schedulerTick(ctx.deps);
    expect(await liveJobs(queued.batchKey)).toBe(1);

    // Claimed by a worker that dies: the batch has a running job (until its lease runs out), so no second one.
    const jobId = await claimAndDie(queued.batchKey);
    ctx.clock.advance(31_000);
    await schedulerTick(ctx.deps);
    expect(await liveJobs(queued.batchKey)).toBe(1);

    // Its lease runs out: pg-boss fails it for a retry (as its maintenance does; the first test lets that happen
    // for real), and the retry sends each email once.
    const boss = await bareBoss();
    await boss.fail(SEND_EMAILS, jobId, { message: 'job failed by timeout in active state' });
    await boss.stop({ graceful: false });
    await ctx.runJobs();
    expect(sentTo(queued.emails)).toEqual(queued.emails.map(() => 1));
    expect((await messagesOf(queued.campaignId)).every((m) => m.status === 'sent')).toBe(true);
  }, 60_000);

  it('of two runs of one batch (a lease that ran out under a live worker) only the one that claims it may send', async () => {
    const queued = await campaignQueued(2, { ...ctx.deps.jobs, enqueueMany: async () => {} });
    const read = (await messagesOf(queued.campaignId)).map((m) => ({ id: m.id, attempts: m.attempts }));
    const now = ctx.clock.now();
    expect(await claimAttempt(ctx.database.db, read, now)).toBe(true);
    // The other run read the batch before that claim: it must not send (it might have read it differently).
    expect(await claimAttempt(ctx.database.db, read, now)).toBe(false);
    // A claim that fails on one message changes none.
    expect(await claimAttempt(ctx.database.db, [{ ...read[0]!, attempts: 1 }, read[1]!], now)).toBe(false);
    expect((await messagesOf(queued.campaignId)).map((m) => m.attempts)).toEqual([1, 1]);
  });

  it('with the shipped timings the bound is under two minutes, also on an installation whose queues had the old 15-minute lease', async () => {
    expect(crashRecoveryBoundSeconds()).toBeLessThanOrEqual(120);
    const boss = await bareBoss();
    await boss.updateQueue(SEND_EMAILS, { policy: 'stately', expireInSeconds: 15 * 60 } as PgBoss.Queue);
    await (await PgBossQueue.start(ctx.database, { supervise: false, logger })).stop();
    expect((await boss.getQueue(SEND_EMAILS))?.expireInSeconds).toBe(JOB_LEASE_SECONDS);
    await boss.stop({ graceful: false });
  });
});
