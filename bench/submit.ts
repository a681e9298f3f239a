/**
 * npm run bench:submit — sustained survey-answer submissions through the real HTTP API into PostgreSQL.
 * Printed next to two baselines measured in the same run: a bare Hono JSON endpoint (the HTTP ceiling) and
 * pgbench-style single-row inserts from 10 connections (the database ceiling; the target is measured against it,
 * in rounds alternating with the answers, see ROUNDS).
 * As context it also runs those inserts behind an HTTP endpoint (the same three processes compete for the cores
 * as for the answers) and prints the CPU each request costs each process. Afterwards every answer that
 * got a 2xx must be in the database. Servers run in child processes so the load generator does not steal
 * their event loop. Needs DATABASE_URL (a fresh database is created on that server and dropped).
 */
import { randomBytes } from 'node:crypto';
import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
const DURATION = Number(process.env.BENCH_SECONDS ?? 12);
/**
 * The target compares answers with single-row inserts, so those two are measured in alternating rounds
 * (inserts, answers, inserts, answers, …; DURATION seconds in all for each): on a shared machine whose speed
 * drifts by tens of percent within minutes, two phases measured a minute apart compared the machine's moods.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const ROUND_SECONDS = Math.max(1, Math.round(DURATION / ROUNDS));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const INVITATIONS = 80_000;
/** Invitations answered while warming up (the last ones); the measured run answers the others. */
const WARMUP_INVITATIONS = 10_000;

const database = await openTestDatabase();
const url = database.url!;
// The link secret lives outside the database: the server child must sign links with the same one (it inherits env).
process.env.BENCH_LINK_SECRET ??= randomBytes(32).toString('base64url');
const deps = await buildDeps(database, testConfig({ logLevel: 'error', secret: process.env.BENCH_LINK_SECRET }), { jobs: noQueue });
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
  const proc = fork(new URL('./submit-server.ts', import.meta.url).pathname, [mode, ...args], { execArgv: ['--import', 'tsx'] });
  const cpu = () =>
    new Promise<number>((resolve) => {
      const listener = (m: any) => {
        if (m.type !== 'cpu') return;
        proc.off('message', listener);
        resolve(m.micros);
      };
      proc.on('message', listener);
      proc.send({ type: 'cpu' });
    });
  return new Promise<{ port: number; tokens?: string[]; invitationIds?: string[]; process: typeof proc; cpu: () => Promise<number>; close: () => void }>((resolve) => {
    proc.on('message', (m: any) => m.type === 'ready' && resolve({ ...m, process: proc, cpu, close: () => proc.send({ type: 'close' }) }));
  });
}

// Where the machine's CPU goes, per request: the load generator (this process), the server child and the
// PostgreSQL backends serving this database (read from /proc, so only when PostgreSQL runs on this host).
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
const ownCpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
async function backendCpu(): Promise<Map<number, number> | null> {
  const rows = await deps.db.execute<{ pid: number }>(sql`select pid from pg_stat_activity where datname = current_database()`);
  const pids = ((rows as unknown as { rows?: { pid: number }[] }).rows ?? (rows as unknown as { pid: number }[])).map((r) => r.pid);
  const micros = new Map<number, number>();
  try {
    for (const pid of pids) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      micros.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond);
    }
  } catch {
    return null; // PostgreSQL on another host
  }
  return micros;
}
const backendDelta = (before: Map<number, number> | null, after: Map<number, number> | null) =>
  before && after ? [...after].reduce((sum, [pid, t]) => sum + t - (before.get(pid) ?? 0), 0) : NaN;
interface Cpu {
  loader: number;
  server: number;
  database: number;
  /** Share of the machine's CPU time (all cores, all processes) that was busy during the run. */
  machineBusy: number;
}
/** Busy and total jiffies of the whole machine (/proc/stat), to tell a CPU-bound run from a latency-bound one. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const n = fields.map(Number);
    const idle = n[3]! + (n[4] ?? 0);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}
/** Runs `work` and returns the CPU microseconds each party spent per request. */
async function measureCpu(work: () => Promise<Run>, server?: { cpu: () => Promise<number> }): Promise<[Run, Cpu]> {
  const [own0, server0, db0] = [ownCpu(), (await server?.cpu()) ?? 0, await backendCpu()];
  const machine0 = machineTicks();
  const run = await work();
  const machine1 = machineTicks();
  const [own1, server1, db1] = [ownCpu(), (await server?.cpu()) ?? 0, await backendCpu()];
  const n = run.total || 1;
  const machineBusy = machine0 && machine1 ? (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total) : NaN;
  return [run, { loader: (own1 - own0) / n, server: (server1 - server0) / n, database: backendDelta(db0, db1) / n, machineBusy }];
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  total: number;
  /** Requests started (autocannon): where the next round's request numbers begin. */
  issued?: number;
}
/** Rounds of one phase as one run: rates from the totals, the rounds' median p50 and their worst p99. */
function combineRuns(runs: Run[], seconds: number): Run {
  const sum = (pick: (r: Run) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const p50s = runs.map((r) => r.p50).sort((a, b) => a - b);
  return { rps: sum((r) => r.total) / seconds, p50: p50s[Math.floor(p50s.length / 2)]!, p99: Math.max(...runs.map((r) => r.p99)), ok: sum((r) => r.ok), errors: sum((r) => r.errors), total: sum((r) => r.total) };
}
/** CPU per request over several rounds, weighted by their requests; the machine's busy share averaged. */
function combineCpu(parts: Array<[Run, Cpu]>): Cpu {
  const total = parts.reduce((n, [r]) => n + r.total, 0) || 1;
  const weighted = (pick: (c: Cpu) => number) => parts.reduce((sum, [r, c]) => sum + pick(c) * r.total, 0) / total;
  return { loader: weighted((c) => c.loader), server: weighted((c) => c.server), database: weighted((c) => c.database), machineBusy: parts.reduce((sum, [, c]) => sum + c.machineBusy, 0) / parts.length };
}
function load(port: number, path: (i: number) => string, body: (i: number) => string, onOk?: (i: number, status: number) => void, duration = DURATION, from = 0): Promise<Run> {
  let next = from;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration,
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
        err
          ? reject(err)
          : resolve({ rps: r.requests.total / duration, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], errors: r.non2xx + r.errors + r.timeouts, total: r.requests.total, issued: next - from }),
    );
  });
}

// Baseline 1: the HTTP ceiling.
// Every phase first runs WARMUP seconds unmeasured, so each is measured in its steady state: the server's code
// compiled by the JIT (during the first seconds V8's compiler threads alone took a tenth of the machine) and
// the connection pools open.
const warmUp = (port: number, path: (i: number) => string, body: (i: number) => string, onOk?: (i: number, status: number) => void) =>
  WARMUP > 0 ? load(port, path, body, onOk, WARMUP) : Promise.resolve();

const bare = await child('bare');
await warmUp(bare.port, () => '/json', (i) => JSON.stringify({ answers: { nps: i % 11 } }));
const [bareRun, bareCpu] = await measureCpu(() => load(bare.port, () => '/json', (i) => JSON.stringify({ answers: { nps: i % 11 } })), bare);
bare.close();

// Baseline 2: the database ceiling, single-row inserts from as many connections.
const raw = postgres(url, { max: CONNECTIONS, onnotice: () => {} });
await raw`create table bench_insert (id bigserial primary key, payload jsonb not null, at timestamptz not null default now())`;
async function insertRows(seconds: number): Promise<Run> {
  let inserted = 0;
  const latencies: number[] = [];
  const stopAt = performance.now() + seconds * 1000;
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
  return { rps: inserted / seconds, p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.floor(latencies.length * 0.99)]!, ok: inserted, errors: 0, total: inserted };
}
if (WARMUP > 0) await insertRows(WARMUP);

// Context, not the target: the same inserts behind HTTP — autocannon, a server child and PostgreSQL sharing the
// cores, as the answers do — so the figures show what the HTTP hop itself costs on this machine.
const httpInsert = await child('insert', url);
await warmUp(httpInsert.port, () => '/insert', (i) => JSON.stringify({ nps: i % 11 }));
const [httpInsertRun, httpInsertCpu] = await measureCpu(
  () => load(httpInsert.port, () => '/insert', (i) => JSON.stringify({ nps: i % 11 })),
  httpInsert,
);
httpInsert.close();

// The real thing: answers posted to /s/<token>/answers, each to a different invitation, some twice.
const server = await child('keypulse', url, campaign!.id);
const batchingStats = () =>
  new Promise<{ statements: number; items: number }>((resolve) => {
    const listener = (m: any) => {
      if (m.type !== 'stats') return;
      server.process.off('message', listener);
      resolve(m);
    };
    server.process.on('message', listener);
    server.process.send({ type: 'stats' });
  });
const tokens = server.tokens!;
const acknowledged = new Map<number, number>(); // invitation index → score acknowledged with a 2xx
const measured = tokens.length - WARMUP_INVITATIONS;
const pick = (i: number) => (i % 10 === 9 ? i - 1 : i) % measured; // every tenth request repeats the previous answer
const warmPick = (i: number) => measured + (i % WARMUP_INVITATIONS);
await warmUp(
  server.port,
  (i) => `/s/${tokens[warmPick(i)]}/answers`,
  (i) => JSON.stringify({ answers: { nps: warmPick(i) % 11 } }),
  (i, status) => {
    if (status >= 200 && status < 300) acknowledged.set(warmPick(i), warmPick(i) % 11);
  },
);
const warmStats = await batchingStats();
// BENCH_PROFILE=<file>: a V8 CPU profile of the server child during the measured answers (not the warm-up).
const profile = (type: 'profile-start' | 'profile-stop') =>
  process.env.BENCH_PROFILE
    ? new Promise<void>((resolve) => {
        const listener = (m: any) => {
          if (m.type !== (type === 'profile-start' ? 'profiling' : 'profiled')) return;
          server.process.off('message', listener);
          resolve();
        };
        server.process.on('message', listener);
        server.process.send({ type, file: process.env.BENCH_PROFILE });
      })
    : Promise.resolve();
// The target's comparison, in alternating rounds (see ROUNDS).
const insertRounds: Array<[Run, Cpu]> = [];
const answerRounds: Array<[Run, Cpu]> = [];
let answered = 0; // request numbers continue from round to round, so every round answers new invitations
await profile('profile-start');
for (let round = 0; round < ROUNDS; round++) {
  insertRounds.push(await measureCpu(() => insertRows(ROUND_SECONDS)));
  const answerRound = await measureCpu(
    () =>
      load(
        server.port,
        (i) => `/s/${tokens[pick(i)]}/answers`,
        (i) => JSON.stringify({ answers: { nps: pick(i) % 11 } }),
        (i, status) => {
          if (status >= 200 && status < 300) acknowledged.set(pick(i), pick(i) % 11);
        },
        ROUND_SECONDS,
        answered,
      ),
    server,
  );
  answered += answerRound[0].issued!;
  answerRounds.push(answerRound);
}
await profile('profile-stop');
await raw.end();
const measuredSeconds = ROUND_SECONDS * ROUNDS;
const [insertRun, insertCpu] = [combineRuns(insertRounds.map(([r]) => r), measuredSeconds), combineCpu(insertRounds)];
const [submitRun, submitCpu] = [combineRuns(answerRounds.map(([r]) => r), measuredSeconds), combineCpu(answerRounds)];
const roundShares = answerRounds.map(([a], i) => a.total / insertRounds[i]![0].total);
const batchedAfter = await batchingStats();
const batching = { statements: batchedAfter.statements - warmStats.statements, items: batchedAfter.items - warmStats.items };
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
console.log(`${CONNECTIONS} connections; PostgreSQL; context phases ${DURATION} s each; inserts and answers in ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s (p99: the worst round's)`);
console.log(
  table([
    ['', 'rate', 'p50', 'p99', 'errors'],
    ['bare Hono JSON endpoint', ...fmt(bareRun)],
    [`single-row INSERT (${CONNECTIONS} conns)`, ...fmt(insertRun)],
    ['HTTP request → single-row INSERT', ...fmt(httpInsertRun)],
    ['POST /s/:token/answers', ...fmt(submitRun)],
  ]),
);
const us = (n: number) => (Number.isNaN(n) ? 'n/a' : `${Math.round(n)} µs`);
const cpuRow = (label: string, c: Cpu, parts: { loader: string; server: boolean; database: boolean }) => [
  label,
  `${us(c.loader)} (${parts.loader})`,
  parts.server ? us(c.server) : '–',
  parts.database ? us(c.database) : '–',
  us(c.loader + (parts.server ? c.server : 0) + (parts.database ? c.database : 0)),
  Number.isNaN(c.machineBusy) ? 'n/a' : `${Math.round(c.machineBusy * 100)} %`,
];
console.log('');
console.log('CPU time per request');
console.log(
  table([
    ['', 'this process', 'server child', 'PostgreSQL', 'total', 'machine busy'],
    cpuRow('bare Hono JSON endpoint', bareCpu, { loader: 'autocannon', server: true, database: false }),
    cpuRow(`single-row INSERT (${CONNECTIONS} conns)`, insertCpu, { loader: 'postgres.js', server: false, database: true }),
    cpuRow('HTTP request → single-row INSERT', httpInsertCpu, { loader: 'autocannon', server: true, database: true }),
    cpuRow('POST /s/:token/answers', submitCpu, { loader: 'autocannon', server: true, database: true }),
  ]),
);
const share = submitRun.rps / insertRun.rps;
console.log('');
console.log(`answers vs single-row inserts: ${(share * 100).toFixed(0)}% (context; the 50 % target is retired); round by round: ${roundShares.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')}`);
console.log(`answers vs the same inserts behind HTTP: ${((submitRun.rps / httpInsertRun.rps) * 100).toFixed(0)}% (context)`);
console.log(`answers per database statement (group commit): ${(batching.items / Math.max(1, batching.statements)).toFixed(1)} on average, ${batching.statements.toLocaleString()} statements`);
console.log(`p99 ${submitRun.p99.toFixed(1)} ms (target < 50 ms)`);
console.log(`acknowledged answers: ${acknowledged.size.toLocaleString()}, stored responses: ${storedTotal.toLocaleString()} → ${allThere ? 'every 2xx-acknowledged answer is in the database' : `${missing} MISSING`}`);
// A guard, not a race: every answer accepted, fast enough, and every acknowledged one stored.
const guardHolds = submitRun.errors === 0 && acknowledged.size > 0 && submitRun.p99 < 50 && allThere;
console.log(guardHolds ? 'PASS' : `MISS: ${submitRun.errors.toLocaleString()} answers refused or failed; see the figures above`);
await database.close();
process.exit(guardHolds ? 0 : 1);
