/**
 * npm run bench:report — 1,000,000 responses over 3 years for 2,000 accounts (PostgreSQL), then the account
 * trend (by month), the portfolio trend, the risk report and the executive overview (one request for the whole
 * page), timed through the real API, with EXPLAIN plan summaries; beside the overview, the requests the page made
 * before it had its own endpoint, sent side by side as a browser would. Baseline in the same run: a bare
 * `select count(*)` over the responses (the cost of touching them all once). Needs DATABASE_URL (a fresh database
 * is created on that server and dropped).
 */
import { eq, sql } from 'drizzle-orm';
import { createApp } from '../src/server/app.js';
import { buildDeps } from '../src/server/bootstrap.js';
import { testConfig } from '../src/server/config.js';
import { generateToken, hashToken } from '../src/server/auth/tokens.js';
import { insertApiKey } from '../src/server/db/queries/api-keys.js';
import { insertUser } from '../src/server/db/queries/users.js';
import { surveys, surveyVersions } from '../src/server/db/schema/index.js';
import { openTestDatabase } from '../tests/helpers/database.js';
import { noQueue } from '../tests/helpers/test-app.js';
import { percentile, table } from './lib.js';

if (!process.env.DATABASE_URL) {
  console.error('bench:report measures PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
  process.exit(2);
}
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 2000);
const CONTACTS_PER_ACCOUNT = 42;
const WAVES = 12; // quarterly for 3 years
const TARGET = ACCOUNTS * CONTACTS_PER_ACCOUNT * WAVES;

const database = await openTestDatabase();
const deps = await buildDeps(database, testConfig({ logLevel: 'error' }), { jobs: noQueue });
const { db } = deps;
const rows = <T>(result: unknown) => ((result as { rows?: T[] }).rows ?? (result as T[]));
const step = async (label: string, work: () => Promise<unknown>) => {
  const t = performance.now();
  await work();
  console.log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
};

console.log(`bench:report: generating ${TARGET.toLocaleString()} responses (${ACCOUNTS} accounts × ${CONTACTS_PER_ACCOUNT} contacts × ${WAVES} waves)…`);
const owners = await Promise.all(
  Array.from({ length: 20 }, (_, i) => insertUser(db, { email: `manager${i}@bench.example`, name: `Manager ${i}`, role: 'account_manager', passwordHash: 'x' })),
);
const admin = await insertUser(db, { email: 'admin@bench.example', name: 'Admin', role: 'admin', passwordHash: 'x' });
const [nps] = await db.select().from(surveys).where(eq(surveys.templateKey, 'nps'));
const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, nps!.id));
const ownerIds = `{${owners.map((o) => o.id).join(',')}}`;

await step('accounts and contacts', async () => {
  await db.execute(sql`
    insert into accounts (name, industry, owner_id, stage, renewal_date)
    select 'Account ' || g, 'Industry ' || (g % 15), (${ownerIds}::uuid[])[1 + g % 20],
      (case when g % 4 = 0 then 'key_account' else 'customer' end)::account_stage, current_date + (g % 400)
    from generate_series(1, ${ACCOUNTS}) g`);
  await db.execute(sql`
    insert into contacts (account_id, name, email, level, buying_role)
    select a.id, 'Contact ' || c, 'c' || c || '.' || replace(a.id::text, '-', '') || '@bench.example',
      (array['instigator','influencer','implementer'])[1 + c % 3]::contact_level, 'user'
    from accounts a cross join generate_series(1, ${CONTACTS_PER_ACCOUNT}) c`);
});
await step('campaigns and invitations', async () => {
  await db.execute(sql`
    insert into campaigns (name, survey_id, survey_version_id, created_by, audience, status, send_at, created_at, updated_at)
    select 'Wave ' || w, ${nps!.id}::uuid, ${version!.id}::uuid, ${admin.id}::uuid, '{"accountIds":[],"contactIds":[],"levels":[],"buyingRoles":[]}',
      'closed', now() - make_interval(months => 3 * (${WAVES} - w)), now(), now()
    from generate_series(1, ${WAVES}) w`);
  await db.execute(sql`
    insert into invitations (campaign_id, wave, account_id, contact_id, email, language, status, token_hash, sent_at, expires_at, responded_at)
    select k.id, 1, c.account_id, c.id, c.email, 'en', 'sent', md5(k.id::text || c.id::text) || md5(c.id::text || k.id::text),
      k.send_at, k.send_at + interval '30 days', k.send_at + interval '2 days'
    from campaigns k cross join contacts c`);
});
await step('responses', async () => {
  await db.execute(sql`
    insert into responses (invitation_id, campaign_id, survey_id, survey_version_id, account_id, contact_id, language, answers, nps_score, started_at, updated_at, completed_at, rules_evaluated_at)
    select i.id, i.campaign_id, ${nps!.id}::uuid, ${version!.id}::uuid, i.account_id, i.contact_id, 'en',
      jsonb_build_object('nps', s.score), s.score, t.at, t.at, t.at, t.at
    from invitations i
    cross join lateral (select least(10, greatest(0, round(7 + 3 * (random() + random() - 1) - (hashtext(i.account_id::text) % 3))))::int as score) s
    cross join lateral (select i.sent_at + random() * interval '20 days' as at) t`);
  await db.execute(sql`analyze`);
});
const responseCount = rows<{ n: number }>(await db.execute(sql`select count(*)::int as n from responses`))[0]!.n;

const apiKey = generateToken('kp_live_');
await insertApiKey(db, { name: 'bench', prefix: 'kp_live_', keyHash: hashToken(apiKey), userId: admin.id, scope: 'read', now: new Date() });
const app = createApp(deps);
async function time(path: string, runs: number) {
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await app.request(`http://localhost${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    await res.arrayBuffer();
    times.push(performance.now() - t);
    status = res.status;
  }
  times.sort((a, b) => a - b);
  return { status, p50: percentile(times, 50), max: times[times.length - 1]! };
}

const accountIds = rows<{ id: string }>(await db.execute(sql`select id from accounts order by random() limit 30`)).map((r) => r.id);
const baseline = await (async () => {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await db.execute(sql`select count(*) from responses`);
    times.push(performance.now() - t);
  }
  return percentile(times.sort((a, b) => a - b), 50);
})();

let accountTrend = { status: 0, p50: 0, max: 0 };
const perAccount: number[] = [];
for (const id of accountIds) {
  const r = await time(`/api/reports/nps?scope=account:${id}&groupBy=month&from=${new Date(Date.now() - 3 * 366 * 86_400_000).toISOString().slice(0, 10)}`, 1);
  perAccount.push(r.p50);
  accountTrend = { status: r.status, p50: 0, max: Math.max(accountTrend.max, r.max) };
}
perAccount.sort((a, b) => a - b);
accountTrend.p50 = percentile(perAccount, 50);
const portfolio = await time(`/api/reports/nps?scope=portfolio&groupBy=quarter&from=${new Date(Date.now() - 3 * 366 * 86_400_000).toISOString().slice(0, 10)}`, 5);
const risk = await time('/api/reports/risk', 5);
const overview = await time('/api/reports/overview', 5);

/** The overview page's data as it was loaded before GET /api/reports/overview: a request per report and per group. */
async function pageBefore(runs: number) {
  const industries = rows<{ industry: string }>(await db.execute(sql`select distinct industry from accounts order by 1`)).map((r) => r.industry);
  const paths = [
    '/api/reports/nps?scope=portfolio&groupBy=quarter',
    '/api/accounts?pageSize=100',
    ...industries.map((name) => `/api/reports/nps?scope=${encodeURIComponent(`industry:${name}`)}&groupBy=quarter`),
    '/api/reports/risk',
    '/api/reports/loop',
  ];
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await Promise.all(paths.map((path) => time(path, 1)));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { requests: paths.length, p50: percentile(times, 50), max: times[times.length - 1]! };
}
const before = await pageBefore(3);

async function explain(label: string, query: ReturnType<typeof sql>) {
  const plan = rows<{ 'QUERY PLAN': string }>(await db.execute(sql`explain (analyze, costs off, timing off, summary on) ${query}`)).map((r) => r['QUERY PLAN']);
  const nodes = plan.filter((l) => /Scan|Aggregate|Join|Sort/.test(l)).map((l) => l.trim().replace(/\s+\(.*$/, '')).slice(0, 5);
  const exec = plan.find((l) => l.startsWith('Execution Time')) ?? '';
  console.log(`  ${label}: ${nodes.join(' → ')}; ${exec}`);
}

console.log('');
console.log(
  table([
    ['measure', 'status', 'p50', 'max', 'target'],
    ['account trend, by month (30 accounts)', String(accountTrend.status), `${accountTrend.p50.toFixed(0)} ms`, `${accountTrend.max.toFixed(0)} ms`, '≤ 50 ms p50'],
    ['portfolio trend, by quarter', String(portfolio.status), `${portfolio.p50.toFixed(0)} ms`, `${portfolio.max.toFixed(0)} ms`, '≤ 1 s'],
    [`risk report, ${ACCOUNTS} accounts`, String(risk.status), `${risk.p50.toFixed(0)} ms`, `${risk.max.toFixed(0)} ms`, '≤ 1 s'],
    ['overview page, one request', String(overview.status), `${overview.p50.toFixed(0)} ms`, `${overview.max.toFixed(0)} ms`, '≤ 300 ms'],
    [`overview page before: ${before.requests} requests side by side`, '', `${before.p50.toFixed(0)} ms`, `${before.max.toFixed(0)} ms`, ''],
    ['baseline: count(*) over responses', '', `${baseline.toFixed(0)} ms`, '', ''],
  ]),
);
console.log(`responses: ${responseCount.toLocaleString()}`);
console.log('EXPLAIN (the heaviest statement of each report):');
await explain('account trend', sql`select date_trunc('month', coalesce(completed_at, updated_at)), count(*) filter (where nps_score >= 9), count(*) filter (where nps_score <= 6), count(*) from responses where account_id = ${accountIds[0]}::uuid and nps_score is not null group by 1`);
await explain('portfolio trend', sql`select date_trunc('quarter', coalesce(completed_at, updated_at)), count(*) filter (where nps_score >= 9), count(*) filter (where nps_score <= 6), count(*) from responses where nps_score is not null group by 1`);
const ok =
  accountTrend.p50 <= 50 && portfolio.p50 <= 1000 && risk.p50 <= 1000 && overview.p50 <= 300 &&
  [accountTrend, portfolio, risk, overview].every((r) => r.status === 200);
console.log(ok ? 'PASS' : 'MISS: see the figures above');
await database.close();
process.exit(0);
