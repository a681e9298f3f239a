/**
 * npm run bench:submit — sustained survey-answer submissions through the real HTTP API into PostgreSQL.
 * Printed next to two baselines measured in the same run: a bare Hono JSON endpoint (the HTTP ceiling) and
 * pgbench-style single-row inserts from 10 connections (the database ceiling). Afterwards every answer that
 * got a 2xx must be in the database. Servers run in child processes so the load generator does not steal
 * their event loop. Needs DATABASE_URL (a fresh database is created on that server and dropped).
 */
import { fork } from 'node:child_process';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { eq, sql } from 'drizzle-orm';
import { buildDeps } from '../src/server/bootstrap.js';
import { testConfig } from '../src/server/config.js';
import { hashPassword } from '../src/server/auth/passwords.js';
import { insertUser } from '../src/server/db/queries/users.js';
import { campaigns, responses, surveys, surveyVersions } from '../src/server/db/schema/index.js';
import { createWave } from '../src/server/services/campaign-waves.js';
import { openTestDatabase } from '../tests/helpers/database.js';
import { noQueue } from '../tests/helpers/test-app.js';
import { seedPortfolio, table } from './lib.js';

if (!process.env.DATABASE_URL) {
  console.error('bench:submit measures PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
  process.exit(2);
}
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const INVITATIONS = 50_000;

const database = await openTestDatabase();
const url = database.url!;
const deps = await buildDeps(database, testConfig({ logLevel: 'error' }), { jobs: noQueue });
const owner = await insertUser(deps.db, { email: 'bench@keypulse.example', name: 'Bench', role: 'admin', passwordHash: await hashPassword('bench-password') });
console.log(`bench:submit: preparing ${INVITATIONS.toLocaleString()} invitations…`);
const accountIds = await seedPortfolio(deps.db, owner.id, INVITATIONS / 100, 100);
const [survey] = await deps.db.select().from(surveys).where(eq(surveys.templateKey, 'nps'));
const [version] = await deps.db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, survey!.id));
const now = new Date();
const [campaign] = await deps.db
  .insert(campaigns)
  .values({ name: 'Bench', surveyId: survey!.id, surveyVersionId: version!.id, createdBy: owner.id, audience: { accountIds, contactIds: [], levels: [], buyingRoles: [] }, status: 'active', sendAt: now })
  .returning();
await createWave(deps.db, deps.links, campaign!, 1, { sendAt: now, now, minDaysBetweenSurveys: 0, surveyLanguages: ['en', 'es'] });
await deps.db.execute(sql`update invitations set status = 'sent', sent_at = now()`);

function child(mode: string, ...args: string[]) {
  const proc = fork(new URL('./submit-server.ts', import.meta.url).pathname, [mode, ...args], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE && mode !== 'bare' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/submitprof'] : [])] });
  return new Promise<{ port: number; tokens?: string[]; invitationIds?: string[]; close: () => void }>((resolve) => {
    proc.on('message', (m: any) => m.type === 'ready' && resolve({ ...m, close: () => proc.send({ type: 'close' }) }));
  });
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}
function load(port: number, path: (i: number) => string, body: (i: number) => string, onOk?: (i: number, status: number) => void): Promise<Run> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: DURATION,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req: any, context: any) => {
              const i = next++;
              context.i = i;
              return { ...req, path: path(i), body: body(i) };
            },
            onResponse: (status: number, _body: string, context: any) => onOk?.(context.i, status),
          },
        ],
      },
      (err: Error | null, r: any) =>
        err ? reject(err) : resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], errors: r.non2xx + r.errors + r.timeouts }),
    );
  });
}

// Baseline 1: the HTTP ceiling.
const bare = await child('bare');
const bareRun = await load(bare.port, () => '/json', (i) => JSON.stringify({ answers: { nps: i % 11 } }));
bare.close();

// Baseline 2: the database ceiling, single-row inserts from as many connections.
const raw = postgres(url, { max: CONNECTIONS, onnotice: () => {} });
await raw`create table bench_insert (id bigserial primary key, payload jsonb not null, at timestamptz not null default now())`;
let inserted = 0;
const latencies: number[] = [];
const stopAt = performance.now() + DURATION * 1000;
await Promise.all(
  Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < stopAt) {
      const t = performance.now();
      await raw`insert into bench_insert (payload) values (${raw.json({ nps: inserted % 11 })})`;
      latencies.push(performance.now() - t);
      inserted++;
    }
  }),
);
latencies.sort((a, b) => a - b);
const insertRun: Run = { rps: inserted / DURATION, p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.floor(latencies.length * 0.99)]!, ok: inserted, errors: 0 };
await raw.end();

// The real thing: answers posted to /s/<token>/answers, each to a different invitation, some twice.
const server = await child('keypulse', url, campaign!.id);
const tokens = server.tokens!;
const acknowledged = new Map<number, number>(); // invitation index → score acknowledged with a 2xx
const pick = (i: number) => (i % 10 === 9 ? i - 1 : i) % tokens.length; // every tenth request repeats the previous answer
const submitRun = await load(
  server.port,
  (i) => `/s/${tokens[pick(i)]}/answers`,
  (i) => JSON.stringify({ answers: { nps: pick(i) % 11 } }),
  (i, status) => {
    if (status >= 200 && status < 300) acknowledged.set(pick(i), pick(i) % 11);
  },
);
server.close();

// Every acknowledged answer is in the database with the acknowledged score (requests still in flight when
// the load stopped may be stored without having been counted: stored ≥ acknowledged is expected).
const stored = await deps.db.select({ invitationId: responses.invitationId, score: responses.npsScore }).from(responses);
const storedScore = new Map(stored.map((r) => [r.invitationId, r.score]));
const storedTotal = stored.length;
const missing = [...acknowledged].filter(([index, score]) => storedScore.get(server.invitationIds![index]!) !== score).length;
const allThere = missing === 0;

const fmt = (r: Run) => [`${Math.round(r.rps).toLocaleString()}/s`, `${r.p50.toFixed(1)} ms`, `${r.p99.toFixed(1)} ms`, String(r.errors)];
console.log('');
console.log(`${CONNECTIONS} connections, ${DURATION} s each, PostgreSQL`);
console.log(
  table([
    ['', 'rate', 'p50', 'p99', 'errors'],
    ['bare Hono JSON endpoint', ...fmt(bareRun)],
    ['single-row INSERT (10 conns)', ...fmt(insertRun)],
    ['POST /s/:token/answers', ...fmt(submitRun)],
  ]),
);
const share = submitRun.rps / insertRun.rps;
console.log('');
console.log(`answers vs single-row inserts: ${(share * 100).toFixed(0)}% (target ≥ 50%)`);
console.log(`p99 ${submitRun.p99.toFixed(1)} ms (target < 50 ms)`);
console.log(`acknowledged answers: ${acknowledged.size.toLocaleString()}, stored responses: ${storedTotal.toLocaleString()} → ${allThere ? 'every 2xx-acknowledged answer is in the database' : `${missing} MISSING`}`);
console.log(share >= 0.5 && submitRun.p99 < 50 && allThere ? 'PASS' : 'MISS: see the figures above');
await database.close();
process.exit(0);
