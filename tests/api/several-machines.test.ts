import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import postgres from 'postgres';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { buildDeps } from '../../src/server/bootstrap.js';
import { testConfig } from '../../src/server/config.js';
import { hashPassword } from '../../src/server/auth/passwords.js';
import { insertUser } from '../../src/server/db/queries/users.js';
import { accounts, campaigns, contacts, invitations, messages, responses, surveys, surveyVersions } from '../../src/server/db/schema/index.js';
import { createWave } from '../../src/server/services/campaign-waves.js';
import { SETTINGS_REFRESH_MS } from '../../src/server/services/settings.js';
import { postgresBossDb } from '../../src/server/jobs/boss-db.js';
import { PgBossQueue } from '../../src/server/jobs/queue.js';
import { createLogger } from '../../src/server/http/logger.js';
import { openDatabase } from '../../src/server/db/client.js';
import { SCHEDULER_TICK } from '../../src/server/jobs/scheduler-tick.js';
import { SEND_EMAILS } from '../../src/server/jobs/send-emails.js';
import { DISPATCH_CAMPAIGN } from '../../src/server/jobs/dispatch-campaign.js';
import type { AppDeps } from '../../src/server/http/context.js';
import { openTestDatabase } from '../helpers/database.js';
import { noQueue } from '../helpers/test-app.js';
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js';
import { startResendTap, type ResendTap } from '../helpers/resend-tap.js';
import {
  START_DEADLINE_MS,
  projectRoot,
  startWebProcess,
  startWorkerProcess,
  stopProcess,
  until,
  type KeypulseProcess,
  type WebProcess,
} from '../helpers/processes.js';
import { seedPortfolio } from '../../bench/lib.js';

/**
 * "Runs on several machines", shown: two web processes and two `npm run worker` processes — separate OS processes,
 * as on separate machines — on one PostgreSQL, behind a round-robin load balancer written here. Sessions, the
 * scheduler, sending and answering must not care which process does the work, nor that one of them dies.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const SECRET = randomBytes(32).toString('base64url');
const PASSWORD = 'cluster-passphrase-2026';
const DAY = 86_400_000;
const CAMPAIGN_SIZE = 2_000;
const ANSWER_INVITATIONS = 1_000;
/** During the crash test the send queue hands a dead worker's batch to another after this (60 s in production). */
const TEST_LEASE_SECONDS = 10;

// The whole installation lives on a Monday morning (UTC), so that the Monday Morning Report is due: the processes'
// clocks are shifted back to the latest Monday 08:00 (tests/helpers/shifted-clock.mjs), by at most a week.
const realStart = Date.now();
const fakeStart = (() => {
  const d = new Date(realStart);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7), 8);
  return monday <= realStart ? monday : monday - 7 * DAY;
})();
const CLOCK_SHIFT_MS = fakeStart - realStart;
const fakeNow = () => new Date(Date.now() + CLOCK_SHIFT_MS);

/** The load balancer: round-robin over the backends, skipping one whose port refuses connections (it is dead). */
interface Backend {
  label: string;
  port: number;
  up: boolean;
}
interface Proxy {
  url: string;
  backends: Backend[];
  close(): Promise<void>;
}
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

async function startProxy(): Promise<Proxy> {
  const backends: Backend[] = [];
  let next = 0;
  const forward = (backend: Backend, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = request({ host: '127.0.0.1', port: backend.port, method, path, headers, agent: false }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => resolve({ status: answer.statusCode!, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: IncomingHttpHeaders = { 'x-forwarded-for': '127.0.0.1' };
    for (const [name, value] of Object.entries(req.headers)) if (!hopByHop.has(name)) headers[name] = value;
    headers['content-length'] = String(Buffer.concat(chunks).length);
    for (let tries = 0; tries < backends.length * 2; tries++) {
      const backend = backends[next++ % backends.length]!;
      if (!backend.up) continue;
      try {
        const answer = await forward(backend, req.method!, req.url!, headers, Buffer.concat(chunks));
        const out: Record<string, string | string[]> = { 'x-served-by': backend.label, 'content-length': String(answer.body.length) };
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !hopByHop.has(name)) out[name] = value;
        res.writeHead(answer.status, out);
        res.end(answer.body);
        return;
      } catch (error) {
        // Refused: the request never reached it, so another backend may take it. Anything else: the client learns.
        if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
          backend.up = false;
          continue;
        }
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`backend ${backend.label}: ${(error as Error).message}`);
        return;
      }
    }
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('no backend up');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    backends,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? (result as T[]);

describe.skipIf(!onPostgres)('processes starting together on a new database — PostgreSQL only', () => {
  it('set up the job queue one at a time instead of deadlocking (pg-boss creates each queue with a table of its own)', async () => {
    // A database as new as a first deploy's: no tables, no pg-boss schema (not the suite's migrated template).
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    const name = `keypulse_new_${randomBytes(6).toString('hex')}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    // Four sessions, as four processes would open them: PostgreSQL cannot tell the difference.
    const sessions = await Promise.all([0, 1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: url.toString(), max: 3 })));
    try {
      const started = await Promise.allSettled(sessions.map((s) => PgBossQueue.start(s, { logger: createLogger('silent'), supervise: false })));
      expect(started.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      for (const r of started) if (r.status === 'fulfilled') await r.value.stop();
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

describe.skipIf(!onPostgres)('several machines: 2 web + 2 worker processes on one PostgreSQL — PostgreSQL only (the embedded database belongs to one process)', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let deps: AppDeps;
  let fake: FakeResend;
  const taps: ResendTap[] = [];
  let proxy: Proxy;
  const webs: WebProcess[] = [];
  const workers: KeypulseProcess[] = [];
  let boss: PgBoss;
  const figures: [string, string][] = [];
  let people: { admin: string; executive: string; manager: string; adminId: string; managerId: string };
  let campaignAccountIds: string[];
  let answerTokens: { invitationId: string; token: string }[];
  let reminderAddresses: string[];
  let reminderAccountId: string;
  let renewal: { accountId: string; addresses: string[] };

  /** A signed-in browser behind the load balancer. */
  let cookie = '';
  const viaProxy = (path: string, init: RequestInit = {}) =>
    fetch(`${proxy.url}${path}`, { ...init, headers: { origin: proxy.url, cookie, ...(init.headers as Record<string, string>) } });
  const sentTo = (address: string) => fake.emails().filter((e) => String(e.to) === address).length;

  beforeAll(async () => {
    database = await openTestDatabase();
    const clock = { now: fakeNow };
    deps = await buildDeps(database, testConfig({ secret: SECRET }), { jobs: noQueue, clock });
    const db = deps.db;
    const passwordHash = await hashPassword(PASSWORD);
    const admin = await insertUser(db, { email: 'admin@cluster.example', name: 'Ada Admin', role: 'admin', passwordHash });
    const executive = await insertUser(db, { email: 'erin@cluster.example', name: 'Erin Exec', role: 'executive', passwordHash });
    const manager = await insertUser(db, { email: 'maria@cluster.example', name: 'María Manager', role: 'account_manager', passwordHash });
    people = { admin: admin.email, executive: executive.email, manager: manager.email, adminId: admin.id, managerId: manager.id };

    // (c) and (d): 30 key accounts of 100 contacts — the campaign goes to the first 20, answers come from the other 10.
    const accountIds = await seedPortfolio(db, manager.id, (CAMPAIGN_SIZE + ANSWER_INVITATIONS) / 100, 100);
    campaignAccountIds = accountIds.slice(0, CAMPAIGN_SIZE / 100);
    const [nps] = await db.select().from(surveys).where(eq(surveys.templateKey, 'nps'));
    const [npsVersion] = await db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, nps!.id));
    const now = fakeNow();
    const [answered] = await db
      .insert(campaigns)
      .values({
        name: 'Answers under fire',
        surveyId: nps!.id,
        surveyVersionId: npsVersion!.id,
        createdBy: manager.id,
        audience: { accountIds: accountIds.slice(CAMPAIGN_SIZE / 100), contactIds: [], levels: [], buyingRoles: [] },
        status: 'active',
        sendAt: now,
      })
      .returning();
    await createWave(db, deps.links, answered!, 1, { sendAt: now, now, minDaysBetweenSurveys: 0, surveyLanguages: ['en', 'es'] });
    await db.update(invitations).set({ status: 'sent', sentAt: now, lastSentAt: now }).where(eq(invitations.campaignId, answered!.id));
    const answerInvitations = await db.select({ id: invitations.id }).from(invitations).where(eq(invitations.campaignId, answered!.id));
    answerTokens = answerInvitations.map((r) => ({ invitationId: r.id, token: deps.links.survey(r.id) }));

    // (b) The scheduler's work, due now: reminders of a campaign sent four days ago (reminder after three days)…
    const [reminderAccount] = await db.insert(accounts).values({ name: 'Reminder Co', ownerId: manager.id, stage: 'customer' }).returning();
    reminderAccountId = reminderAccount!.id;
    reminderAddresses = ['ana', 'ben', 'cai'].map((n) => `${n}@reminder.example`);
    await db.insert(contacts).values(reminderAddresses.map((email, i) => ({ accountId: reminderAccount!.id, name: email, email, level: (['instigator', 'influencer', 'implementer'] as const)[i]!, buyingRole: 'user' as const })));
    const fourDaysAgo = new Date(now.getTime() - 4 * DAY);
    const [reminded] = await db
      .insert(campaigns)
      .values({
        name: 'Sent four days ago',
        surveyId: nps!.id,
        surveyVersionId: npsVersion!.id,
        createdBy: manager.id,
        audience: { accountIds: [reminderAccount!.id], contactIds: [], levels: [], buyingRoles: [] },
        status: 'active',
        sendAt: fourDaysAgo,
        reminderAfterDays: 3,
        reminderMax: 1,
      })
      .returning();
    await createWave(db, deps.links, reminded!, 1, { sendAt: fourDaysAgo, now: fourDaysAgo, minDaysBetweenSurveys: 0, surveyLanguages: ['en', 'es'] });
    await db.update(invitations).set({ status: 'sent', sentAt: fourDaysAgo, lastSentAt: fourDaysAgo }).where(eq(invitations.campaignId, reminded!.id));
    // …a key account renewing in 60 days (its pre-renewal audit is due: 120 days ahead by default)…
    const renewalDate = new Date(now.getTime() + 60 * DAY).toISOString().slice(0, 10);
    const [renewing] = await db.insert(accounts).values({ name: 'Renewal Ltd', ownerId: manager.id, stage: 'key_account', renewalDate }).returning();
    const renewalAddresses = ['dee', 'eli', 'fay'].map((n) => `${n}@renewal.example`);
    await db.insert(contacts).values(renewalAddresses.map((email, i) => ({ accountId: renewing!.id, name: email, email, level: (['instigator', 'influencer', 'implementer'] as const)[i]!, buyingRole: 'user' as const })));
    renewal = { accountId: renewing!.id, addresses: renewalAddresses };
    // …and the Monday Morning Report, due since 07:00: for the executive and for the manager, who owns accounts.

    fake = await startFakeResend();
    for (let i = 0; i < 2; i++) taps.push(await startResendTap(fake.url));
    proxy = await startProxy();
    const shared = {
      DATABASE_URL: database.url!,
      KEYPULSE_SECRET: SECRET,
      KEYPULSE_PUBLIC_URL: proxy.url,
      KEYPULSE_TRUST_PROXY: '1',
      KEYPULSE_DEMO: '0',
      KEYPULSE_TIMEZONE: 'UTC',
      RESEND_API_KEY: fake.apiKey,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import ${pathToFileURL(`${projectRoot}/tests/helpers/shifted-clock.mjs`).href}`].filter(Boolean).join(' '),
      TEST_CLOCK_SHIFT_MS: String(CLOCK_SHIFT_MS),
    };
    // All four at once, as a deploy would start them: migrations are serialized, the scheduler's catch-up sweeps race.
    const started = performance.now();
    const [webA, webB, workerA, workerB] = await Promise.all([
      startWebProcess({ ...shared, KEYPULSE_WORKERS: '0', RESEND_BASE_URL: fake.url }, 'web A'),
      startWebProcess({ ...shared, KEYPULSE_WORKERS: '0', RESEND_BASE_URL: fake.url }, 'web B'),
      startWorkerProcess({ ...shared, RESEND_BASE_URL: taps[0]!.url }, 'worker A'),
      startWorkerProcess({ ...shared, RESEND_BASE_URL: taps[1]!.url }, 'worker B'),
    ]);
    figures.push(['start 2 web + 2 worker processes at once (until all ready)', `${((performance.now() - started) / 1000).toFixed(1)} s`]);
    webs.push(webA, webB);
    workers.push(workerA, workerB);
    proxy.backends.push({ label: 'web A', port: webA.port, up: true }, { label: 'web B', port: webB.port, up: true });

    // The test's own look at the queue (to queue sweeps and shorten leases), as an operator's script would have.
    if (database.raw.kind !== 'postgres') throw new Error('several machines need PostgreSQL');
    boss = new PgBoss({ db: postgresBossDb(database.raw.sql), schema: 'pgboss', supervise: false, schedule: false, migrate: false } as PgBoss.ConstructorOptions);
    await boss.start();
  }, 2 * START_DEADLINE_MS);

  afterAll(async () => {
    await Promise.all([...webs, ...workers].map((p) => stopProcess(p)));
    await boss?.stop({ graceful: false, close: false }).catch(() => {});
    await proxy?.close();
    for (const tap of taps) await tap.close();
    await fake?.close();
    await database?.close();
    if (figures.length) console.log(`several machines — measured on this machine (noisy, 2 cores shared):\n${figures.map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
  }, 90_000);

  /** Queues `count` scheduler sweeps and waits until they have all run (one at a time: the queue's policy). */
  async function runSweeps(count: number) {
    const sweeps: string[] = [];
    for (let i = 0; i < count; i++) sweeps.push((await boss.send(SCHEDULER_TICK, {}))!);
    await until(
      async () => {
        const done = await database.db.execute(sql`select count(*)::int as n from pgboss.job where id::text in ${sweeps} and state = 'completed'`);
        return rowsOf<{ n: number }>(done)[0]!.n === sweeps.length;
      },
      60_000,
      `${count} more scheduler sweeps to complete`,
      100,
    );
  }

  /** Reminders, the Monday report and the pre-renewal audit: each done once, one email each. */
  async function expectSchedulerWorkOnce() {
    const db = database.db;
    // Reminders: one each, one email each.
    const reminders = await db.select().from(messages).where(and(eq(messages.kind, 'reminder'), inArray(messages.toAddress, reminderAddresses)));
    expect(reminders.map((m) => m.toAddress).sort()).toEqual([...reminderAddresses].sort());
    expect(reminderAddresses.map(sentTo)).toEqual([1, 1, 1]);
    // The Monday Morning Report: one edition for this week, one email per recipient.
    const reports = await db.select().from(messages).where(isNotNull(messages.reportKey));
    expect(reports.map((m) => m.toAddress).sort()).toEqual([people.executive, people.manager].sort());
    expect(reports.every((m) => /^risk:\d{4}-W\d{2}:/.test(m.reportKey!))).toBe(true);
    expect([sentTo(people.executive), sentTo(people.manager)]).toEqual([1, 1]);
    // The pre-renewal audit: one campaign for the renewal, one invitation email per contact.
    const audits = await db.select().from(campaigns).where(eq(campaigns.renewalAccountId, renewal.accountId));
    expect(audits).toHaveLength(1);
    expect(renewal.addresses.map(sentTo)).toEqual([1, 1, 1]);
  }

  it('(a) a session made through one web process works on the other', async () => {
    const login = await viaProxy('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: people.admin, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const signedInOn = login.headers.get('x-served-by');

    const me = await viaProxy('/api/me');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(people.admin);
    expect(me.headers.get('x-served-by')).not.toBe(signedInOn);
    // And a change made through the other one, with the same cookie (CSRF origin: the load balancer's address).
    const change = await viaProxy('/api/me/responses-seen', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(change.status).toBeLessThan(300);
    expect(change.headers.get('x-served-by')).toBe(signedInOn);
  });

  it(`(a) a setting saved through one web process applies on the other too (within ${SETTINGS_REFRESH_MS / 1000} s)`, async () => {
    // Reminder Co's people were asked four days ago: inside the 30-day survey window, so a new campaign skips them.
    const preview = async () => {
      const res = await viaProxy('/api/campaigns/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ audience: { accountIds: [reminderAccountId], contactIds: [] } }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { eligible: unknown[]; skipped: { reason: string }[] };
      return { servedBy: res.headers.get('x-served-by'), eligible: body.eligible.length, skipped: body.skipped.map((s) => s.reason) };
    };
    for (const seen of [await preview(), await preview()]) expect(seen.skipped).toEqual(['recently_surveyed', 'recently_surveyed', 'recently_surveyed']);

    const saved = await viaProxy('/api/settings', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ minDaysBetweenSurveys: 2 }),
    });
    expect(saved.status).toBe(200);
    const savedOn = saved.headers.get('x-served-by');
    const began = performance.now();
    await until(
      async () => {
        const seen = await preview();
        return seen.servedBy !== savedOn && seen.eligible === 3;
      },
      30_000,
      'the other web process to apply the new survey window',
      250,
    );
    figures.push(['a setting saved on one web process applied on the other after', `${((performance.now() - began) / 1000).toFixed(1)} s (refreshed every ${SETTINGS_REFRESH_MS / 1000} s)`]);
  });

  it('(b) the scheduler’s work — reminders, the Monday report, the pre-renewal audit — runs once per period across all processes', async () => {
    // Both workers ran a catch-up sweep as they started, at the same time. Three more now, through the queue, taken by
    // whichever worker is free — the per-minute schedule does the same in production (here pg-boss's cron stays
    // quiet: it compares the shifted clock with the database's) — and none may add anything.
    const emailsOut = () =>
      reminderAddresses.every((a) => sentTo(a) > 0) &&
      renewal.addresses.every((a) => sentTo(a) > 0) &&
      sentTo(people.executive) > 0 &&
      sentTo(people.manager) > 0;
    await runSweeps(3);
    await until(emailsOut, 60_000, 'the reminders, the renewal audit and the Monday report to reach the provider', 100);
    await until(async () => (await database.db.select().from(messages).where(eq(messages.status, 'queued'))).length === 0, 30_000, 'every queued email to go out', 100);

    const db = database.db;
    const ranSweeps = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from pgboss.job where name = ${SCHEDULER_TICK} and state = 'completed'`))[0]!.n;
    figures.push(['scheduler sweeps run before the check (2 at start-up + queued)', String(ranSweeps + 2)]);
    await expectSchedulerWorkOnce();
  }, 120_000);

  it('(c, d) with a worker and a web process killed (SIGKILL) mid-work: every contact gets exactly one email, and no acknowledged answer is lost', async () => {
    const db = database.db;
    // The queue hands a dead worker's jobs to another once their lease runs out: shortened here, as an operator could
    // with pg-boss's updateQueue, so the test takes seconds rather than minutes. Jobs queued from now on carry it.
    for (const name of [SEND_EMAILS, DISPATCH_CAMPAIGN, SCHEDULER_TICK]) {
      const queue = await boss.getQueue(name);
      await boss.updateQueue(name, { policy: queue!.policy, expireInSeconds: TEST_LEASE_SECONDS, retryDelay: 1, retryBackoff: false } as PgBoss.Queue);
    }
    const [nps] = await db.select().from(surveys).where(eq(surveys.templateKey, 'nps'));
    const campaignAddresses = new Set(
      (await db.select({ email: contacts.email }).from(contacts).where(inArray(contacts.accountId, campaignAccountIds))).map((c) => c.email),
    );
    expect(campaignAddresses.size).toBe(CAMPAIGN_SIZE);
    const campaignEmails = () => fake.emails().filter((e) => campaignAddresses.has(String(e.to)));

    // (c) The campaign, created through the load balancer.
    const tapBefore = taps.map((t) => t.requests());
    const started = performance.now();
    const created = await viaProxy('/api/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Two thousand', surveyId: nps!.id, audience: { accountIds: campaignAccountIds, contactIds: [] } }),
    });
    expect(created.status).toBe(201);
    const campaignId = ((await created.json()) as { id: string }).id;

    // Halfway through the campaign, the worker that has sent more dies without a word.
    await until(() => campaignEmails().length >= CAMPAIGN_SIZE / 2, 60_000, 'half the campaign to reach the provider', 20);
    const sentBy = taps.map((t, i) => t.requests() - tapBefore[i]!);
    const victim = sentBy[0]! >= sentBy[1]! ? 0 : 1;
    workers[victim]!.child.kill('SIGKILL');
    const killedAt = performance.now();
    const atKill = campaignEmails().length;
    await workers[victim]!.exited;

    // (d) While the queue waits out the dead worker's leases: answers, posted continuously through the load balancer
    // by 8 clients, each to its own invitation.
    const acknowledged = new Map<number, number>(); // answer index → score the server acknowledged with a 2xx
    let refusedAnswers = 0;
    let nextAnswer = 0;
    let answering = true;
    const answerClient = async () => {
      while (answering && nextAnswer < answerTokens.length) {
        const i = nextAnswer++;
        const score = 9 + (i % 2); // promoters: no follow-up task emails in the way
        try {
          const res = await fetch(`${proxy.url}/s/${answerTokens[i]!.token}/answers`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ answers: { nps: score } }),
          });
          await res.arrayBuffer();
          if (res.ok) acknowledged.set(i, score);
          else refusedAnswers++;
        } catch {
          refusedAnswers++;
        }
      }
    };
    const answersStarted = performance.now();
    const answerClients = Array.from({ length: 8 }, answerClient);

    // Web B dies with answers in flight.
    await until(() => acknowledged.size >= 100, 60_000, '100 acknowledged answers', 20);
    const ackedBeforeWebKill = acknowledged.size;
    webs[1]!.child.kill('SIGKILL');
    await webs[1]!.exited;
    await until(() => acknowledged.size >= ackedBeforeWebKill + 150 || nextAnswer >= answerTokens.length, 60_000, '150 more acknowledged answers after web B died', 20);
    answering = false;
    await Promise.all(answerClients);
    const answerSeconds = (performance.now() - answersStarted) / 1000;

    // (d) Every acknowledged answer is stored, with the acknowledged score.
    const stored = await db
      .select({ invitationId: responses.invitationId, score: responses.npsScore })
      .from(responses)
      .where(inArray(responses.invitationId, answerTokens.slice(0, nextAnswer).map((t) => t.invitationId)));
    const storedScore = new Map(stored.map((r) => [r.invitationId, r.score]));
    const lost = [...acknowledged].filter(([i, score]) => storedScore.get(answerTokens[i]!.invitationId) !== score);
    expect(lost).toEqual([]);
    expect(acknowledged.size).toBeGreaterThan(ackedBeforeWebKill);

    // (c) Every contact gets exactly one email, the dead worker's batches included, and each is recorded as sent.
    await until(() => campaignEmails().length >= CAMPAIGN_SIZE, 90_000, 'all 2,000 invitations to reach the provider', 100);
    const allAcceptedSeconds = (performance.now() - started) / 1000;
    await until(
      async () => (await db.select({ id: messages.id }).from(messages).where(and(eq(messages.campaignId, campaignId), eq(messages.status, 'sent')))).length === CAMPAIGN_SIZE,
      90_000,
      'all 2,000 invitations recorded as sent',
      100,
    );
    const allRecordedSeconds = (performance.now() - started) / 1000;
    const emails = campaignEmails();
    expect(emails).toHaveLength(CAMPAIGN_SIZE);
    expect(new Set(emails.map((e) => String(e.to))).size).toBe(CAMPAIGN_SIZE);
    const perInvitation = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from messages where campaign_id = ${campaignId} and kind = 'invitation' group by invitation_id having count(*) > 1`),
    );
    expect(perInvitation).toEqual([]);

    const keyCounts = new Map<string, number>();
    for (const r of fake.requests()) if (r.idempotencyKey) keyCounts.set(r.idempotencyKey, (keyCounts.get(r.idempotencyKey) ?? 0) + 1);
    const replays = [...keyCounts.values()].reduce((n, c) => n + c - 1, 0);
    const retried = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from pgboss.job where name = ${SEND_EMAILS} and retry_count > 0 and created_on > now() - interval '10 minutes'`),
    )[0]!.n;
    const perWorker = taps.map((t, i) => t.requests() - tapBefore[i]!);
    figures.push(
      ['campaign of 2,000: created → all accepted by the provider', `${allAcceptedSeconds.toFixed(1)} s (all recorded as sent: ${allRecordedSeconds.toFixed(1)} s)`],
      ['provider calls (≤ 100 emails each) per worker', `worker A ${perWorker[0]}, worker B ${perWorker[1]} (default 2 calls/s per process)`],
      ['sending rate with both workers up (until the kill)', `${Math.round(atKill / ((killedAt - started) / 1000))} emails/s`],
      [`worker ${victim ? 'B' : 'A'} killed (SIGKILL) at`, `${atKill} of 2,000 accepted, ${((killedAt - started) / 1000).toFixed(1)} s in; the rest out ${(allAcceptedSeconds - (killedAt - started) / 1000).toFixed(1)} s later (lease ${TEST_LEASE_SECONDS} s here, 60 s in production)`],
      ['batches replayed to the provider with the same idempotency key (dropped by it)', String(replays)],
      ['send jobs retried after the kill', String(retried)],
      ['answers acknowledged / refused or failed (web B killed after ' + ackedBeforeWebKill + ')', `${acknowledged.size} / ${refusedAnswers} in ${answerSeconds.toFixed(1)} s (${Math.round(acknowledged.size / answerSeconds)}/s through the proxy); lost: ${lost.length}`],
    );
  }, 240_000);

  it('(b) … and still once after more sweeps by the worker that survived', async () => {
    await runSweeps(2);
    await until(async () => (await database.db.select().from(messages).where(eq(messages.status, 'queued'))).length === 0, 30_000, 'every queued email to go out', 100);
    const ranSweeps = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from pgboss.job where name = ${SCHEDULER_TICK} and state = 'completed'`),
    )[0]!.n;
    figures.push(['scheduler sweeps run by the end (2 at start-up + queued)', String(ranSweeps + 2)]);
    await expectSchedulerWorkOnce();
  });
});
