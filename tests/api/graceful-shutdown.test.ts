import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/server/db/client.js';
import { contacts, messages } from '../../src/server/db/schema/index.js';
import { openTestDatabase } from '../helpers/database.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, templateSurveyId } from '../helpers/survey-fixtures.js';
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js';
import { startResendTap, type ResendTap } from '../helpers/resend-tap.js';
import {
  START_DEADLINE_MS,
  startWebProcess,
  startWorkerProcess,
  stopProcess,
  until,
  waitForOutput,
  type KeypulseProcess,
  type WebProcess,
} from '../helpers/processes.js';

// What an orchestrator does at every deploy: SIGTERM, then wait. The process must answer what it already accepted,
// take nothing new, finish its running jobs and exit 0 — here the real server and worker, as `npm start` and
// `npm run worker` run them, in processes of their own.
const ADMIN = { email: 'founder@example.com', password: 'founder-passphrase-2026' };
const SECRET = randomBytes(32).toString('base64url');
const onPostgres = Boolean(process.env.DATABASE_URL);
const SHUTDOWN_DEADLINE_MS = 15_000;

/** Whether a new TCP connection to the port is refused (nothing listens any more). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, 60_000);

describe('a web process told to stop (SIGTERM)', () => {
  it('answers the upload it is receiving, refuses new connections, and exits 0 with the upload stored', async () => {
    // Its own database: a PostgreSQL database made for this test, or an embedded one in a fresh folder.
    let database: Awaited<ReturnType<typeof openTestDatabase>> | null = null;
    let dataDir: string | null = null;
    if (onPostgres) {
      database = await openTestDatabase();
      cleanups.push(() => database!.close());
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'keypulse-shutdown-'));
      cleanups.push(() => rmSync(dataDir!, { recursive: true, force: true }));
    }
    const web: WebProcess = await startWebProcess({
      DATABASE_URL: database?.url,
      KEYPULSE_DATA_DIR: dataDir ?? undefined,
      KEYPULSE_DEMO: '0',
      KEYPULSE_ADMIN_EMAIL: ADMIN.email,
      KEYPULSE_ADMIN_PASSWORD: ADMIN.password,
      KEYPULSE_SECRET: SECRET,
    });
    cleanups.push(() => stopProcess(web));

    // Signed in as the admin, with an account to import contacts into.
    const login = await fetch(`${web.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const browser = { cookie, origin: web.url };
    const { user: me } = (await (await fetch(`${web.url}/api/me`, { headers: browser })).json()) as { user: { id: string } };
    const created = await fetch(`${web.url}/api/accounts`, {
      method: 'POST',
      headers: { ...browser, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Northwind Logistics', ownerId: me.id }),
    });
    expect(created.status).toBe(201);
    const accountId = ((await created.json()) as { id: string }).id;

    // A CSV import whose upload is still arriving: the server has the request (it said 100 Continue) and half the file.
    const people = Array.from({ length: 40 }, (_, i) => `Person ${i},person${i}@northwind.example,Buyer,influencer,user,en`);
    const upload = request(`${web.url}/api/accounts/${accountId}/contacts/import`, {
      method: 'POST',
      agent: false,
      headers: { ...browser, 'content-type': 'text/csv', expect: '100-continue' },
    });
    const answered = once(upload, 'response') as Promise<[IncomingMessage]>;
    upload.flushHeaders();
    await once(upload, 'continue');
    upload.write(['name,email,title,level,role,language', ...people.slice(0, 20)].join('\n') + '\n');

    web.child.kill('SIGTERM');
    await waitForOutput(web, /SIGTERM: taking no new connections/, 10_000);
    // The listening socket is closed: a load balancer's next connection fails at once and goes elsewhere.
    await until(() => refused(web.port), 10_000, 'new connections to be refused');
    expect(web.child.exitCode).toBeNull(); // still answering the upload

    upload.end(people.slice(20).join('\n') + '\n');
    const [response] = await answered;
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe('close');
    const result = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { created: number; failed: number };
    expect(result).toMatchObject({ created: 40, failed: 0 });

    const exit = await Promise.race([
      web.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${SHUTDOWN_DEADLINE_MS} ms:\n${web.output()}`)), SHUTDOWN_DEADLINE_MS)),
    ]);
    expect(exit, web.output()).toEqual({ code: 0, signal: null });
    expect(web.output()).toMatch(/SIGTERM: stopped cleanly/);
    expect(await refused(web.port)).toBe(true);

    // The database was closed cleanly and holds every contact of the upload.
    let reopened: Database | null = null;
    try {
      reopened = database ?? (await openDatabase({ kind: 'pglite', dataDir: dataDir! }));
      const stored = await reopened.db.select({ email: contacts.email }).from(contacts).where(eq(contacts.accountId, accountId));
      expect(stored).toHaveLength(40);
    } finally {
      if (reopened && !database) await reopened.close();
    }
  }, 2 * START_DEADLINE_MS);
});

describe.skipIf(!onPostgres)('a worker process told to stop (SIGTERM) — PostgreSQL only: `npm run worker` needs a database other processes can open', () => {
  let ctx: TestContext;
  let fake: FakeResend;
  let tap: ResendTap;
  let worker: KeypulseProcess;

  it('finishes the batch of emails it is sending, records it, and exits 0', async () => {
    fake = await startFakeResend();
    cleanups.push(() => fake.close());
    tap = await startResendTap(fake.url);
    cleanups.push(() => tap.close());
    // This test's app in this process queues the work; the worker in its own process does it.
    ctx = await createTestContext({ secret: SECRET });
    cleanups.push(() => ctx.close());
    worker = await startWorkerProcess({
      DATABASE_URL: (ctx.database as { url?: string }).url,
      KEYPULSE_SECRET: SECRET,
      RESEND_API_KEY: fake.apiKey,
      RESEND_BASE_URL: tap.url,
    });
    cleanups.push(() => stopProcess(worker));

    // The provider is slow to answer the first batch: the worker is in the middle of sending when told to stop.
    tap.hold();
    const manager = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ada' }, { name: 'Grace' }, { name: 'Linus' }]);
    const campaign = await manager.post('/api/campaigns', {
      name: 'Quarterly NPS',
      surveyId: await templateSurveyId(ctx, 'nps'),
      audience: { accountIds: [accountId], contactIds: [] },
    });
    expect(campaign.status).toBe(201);
    await until(() => tap.held() > 0, 60_000, 'the worker to call the provider');

    worker.child.kill('SIGTERM');
    await waitForOutput(worker, /SIGTERM: taking no new jobs/, 10_000);
    expect(worker.child.exitCode).toBeNull(); // waiting for its batch
    tap.release();

    const exit = await Promise.race([
      worker.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${SHUTDOWN_DEADLINE_MS} ms:\n${worker.output()}`)), SHUTDOWN_DEADLINE_MS)),
    ]);
    expect(exit, worker.output()).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/SIGTERM: stopped cleanly/);

    // The batch was finished, not abandoned: every email sent once and recorded as sent.
    const rows = await ctx.database.db.select().from(messages).where(eq(messages.campaignId, campaign.body.id));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(fake.emails().map((e) => String(e.to)).sort()).toEqual([...emails].sort());
  }, 2 * START_DEADLINE_MS);
});
