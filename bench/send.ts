/**
 * npm run bench:send — 100,000 invitations through the real queue (pg-boss), the real send job and the real
 * Resend SDK, to a loopback fake of the Resend API. Prints the time, the rate and the peak memory next to a
 * baseline measured in the same run: the fake's own acceptance rate through the SDK with no database.
 * Uses PostgreSQL when DATABASE_URL is set (a fresh database is created and dropped), else in-memory PGlite.
 */
import { count, eq } from 'drizzle-orm';
import { createApp } from '../src/server/app.js';
import { buildDeps } from '../src/server/bootstrap.js';
import { testConfig } from '../src/server/config.js';
import { createResendTransport } from '../src/server/email/resend-transport.js';
import { emailHeaders } from '../src/server/email/templates.js';
import { messages, surveys } from '../src/server/db/schema/index.js';
import { createLogger } from '../src/server/http/logger.js';
import { PgBossQueue } from '../src/server/jobs/queue.js';
import { hashPassword } from '../src/server/auth/passwords.js';
import { insertUser } from '../src/server/db/queries/users.js';
import { openTestDatabase, testDatabaseKind } from '../tests/helpers/database.js';
import { mb, secs, seedPortfolio, startFakeResendProcess, table, trackPeakMemory } from './lib.js';

const TOTAL = Number(process.env.BENCH_INVITATIONS ?? 100_000);
const PER_ACCOUNT = 100;
const RPS = Number(process.env.BENCH_RESEND_RPS ?? 100);
const CONCURRENCY = process.env.BENCH_WORKERS ? Number(process.env.BENCH_WORKERS) : undefined;

const fake = await startFakeResendProcess();
const database = await openTestDatabase();
const transport = createResendTransport({ apiKey: fake.apiKey, baseUrl: fake.url, requestsPerSecond: RPS });

// Baseline: the SDK straight to the fake, no database, no queue.
const baselineCalls = 50;
const sample = Array.from({ length: 100 }, (_, i) => ({
  messageId: `m${i}`,
  to: `baseline${i}@bench.example`,
  from: 'Bench <bench@keypulse.example>',
  subject: 'Baseline',
  html: '<p>' + 'x'.repeat(3000) + '</p>',
  text: 'x'.repeat(1500),
  headers: emailHeaders('http://localhost/u/x'),
}));
let t = performance.now();
for (let i = 0; i < baselineCalls; i++) await transport.sendBatch(sample, `baseline-${i}`);
const baselineRate = (baselineCalls * 100) / ((performance.now() - t) / 1000);
await fake.reset();

const logger = createLogger('warn');
const queue = await PgBossQueue.start(database, { logger });
const config = testConfig({ logLevel: 'warn', email: { ...testConfig().email, requestsPerSecond: RPS } });
const deps = await buildDeps(database, config, { jobs: queue, transport });
const app = createApp(deps);
const admin = await insertUser(deps.db, { email: 'bench@keypulse.example', name: 'Bench', role: 'admin', passwordHash: await hashPassword('bench-password') });

console.log(`bench:send on ${testDatabaseKind}: seeding ${TOTAL.toLocaleString()} contacts…`);
const accountIds = await seedPortfolio(deps.db, admin.id, Math.ceil(TOTAL / PER_ACCOUNT), PER_ACCOUNT);
const [nps] = await deps.db.select().from(surveys).where(eq(surveys.templateKey, 'nps'));

// An API key for the admin, made directly (the bench measures sending, not sign-in).
const { generateToken, hashToken } = await import('../src/server/auth/tokens.js');
const { insertApiKey } = await import('../src/server/db/queries/api-keys.js');
const apiKey = generateToken('kp_live_');
await insertApiKey(deps.db, { name: 'bench', prefix: 'kp_live_', keyHash: hashToken(apiKey), userId: admin.id, scope: 'write', now: new Date() });

const memory = trackPeakMemory();
const started = performance.now();
const res = await app.request('http://localhost:3000/api/campaigns', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
  body: JSON.stringify({ name: 'Bench wave', surveyId: nps!.id, audience: { accountIds } }),
});
if (res.status !== 201) throw new Error(`campaign: ${res.status} ${await res.text()}`);
const createdMs = performance.now() - started;
console.log(`campaign with ${TOTAL.toLocaleString()} invitations created in ${secs(createdMs)}; sending…`);

await queue.work(deps, { concurrency: CONCURRENCY, batchSize: process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined });
let sent = 0;
let lastPrint = 0;
while (sent < TOTAL) {
  await new Promise((r) => setTimeout(r, 250));
  const [row] = await deps.db.select({ n: count() }).from(messages).where(eq(messages.status, 'sent'));
  sent = row?.n ?? 0;
  const elapsed = performance.now() - started;
  if (elapsed - lastPrint > 5000) {
    lastPrint = elapsed;
    console.log(`  ${sent.toLocaleString()} / ${TOTAL.toLocaleString()} sent after ${secs(elapsed)}`);
  }
  if (elapsed > 600_000) throw new Error('gave up after 10 minutes');
}
const totalMs = performance.now() - started;
const peak = memory.stop();

const { emails: receivedCount, distinct } = await fake.stats();
console.log('');
console.log(
  table([
    ['measure', 'value'],
    ['database', testDatabaseKind],
    ['invitations', TOTAL.toLocaleString()],
    ['create campaign (API)', secs(createdMs)],
    ['create → all sent', secs(totalMs)],
    ['pipeline rate', `${Math.round(TOTAL / (totalMs / 1000)).toLocaleString()} emails/s`],
    ['baseline: SDK → fake, no DB', `${Math.round(baselineRate).toLocaleString()} emails/s`],
    ['Resend calls/s allowed', String(RPS)],
    ['peak memory (RSS)', mb(peak)],
    ['emails at the fake / distinct', `${receivedCount.toLocaleString()} / ${distinct.toLocaleString()}`],
    ['target', '≤ 60 s'],
  ]),
);
const ok = receivedCount === TOTAL && distinct === TOTAL && totalMs <= 60_000;
console.log(ok ? 'PASS: every invitation sent exactly once within 60 s' : 'MISS: see the figures above');

await queue.stop();
await database.close();
fake.close();
process.exit(0);
