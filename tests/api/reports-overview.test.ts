import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { accounts, users } from '../../src/server/db/schema/index.js';
import { seedDemo } from '../../src/server/seed/demo.js';
import { seedDemoHistory } from '../../src/server/seed/demo-history.js';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { insertAnsweredNpsWave } from '../helpers/survey-fixtures.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

/**
 * GET /api/reports/overview gives the executive overview in one answer. Its figures must be the figures the page used
 * to gather with one request per report and per group — the portfolio trend, each industry's / stage's / owner's
 * trend, the risk report and the loop report — on the demo portfolio and its history, plus the awkward cases: an
 * industry written in two cases, an archived account, an account without an industry, a disabled manager who still
 * owns an account, and a manager who owns none.
 */

let ctx: TestContext;
let erin: TestClient; // executive
let alex: TestClient; // admin
let maria: TestClient; // account manager
let tom: TestClient; // account manager
const people = { tom: '', dora: '', ned: '', maria: '' };
let ned: TestUser; // an account manager who owns no account

type Fields = { name: string; industry: string | null; stage: 'key_account' | 'customer' | 'prospect'; archived?: boolean };

/** An account with `scores.length` contacts, asked once by an NPS campaign sent at `sentAt`, answering `scores`. */
async function seedAnsweredAccount(ownerId: string, fields: Fields, sentAt: string, scores: number[]) {
  const [account] = await ctx.database.db.insert(accounts).values({ ...fields, ownerId }).returning();
  await insertAnsweredNpsWave(ctx, { accountId: account!.id, ownerId, sentAt: new Date(sentAt), scores, name: fields.name });
  return account!.id;
}

beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
  await seedDemoHistory(ctx.deps.db, ctx.deps.links, ctx.clock, ctx.deps.config);
  erin = await ctx.signInDemo('erin.exec@keypulse.demo');
  alex = await ctx.signInDemo('admin@keypulse.demo');
  maria = await ctx.signInDemo('maria.manager@keypulse.demo');
  tom = await ctx.signInDemo('tom.manager@keypulse.demo');
  const db = ctx.database.db;
  const idOf = async (email: string) => (await db.select().from(users).where(eq(users.email, email)))[0]!.id;
  people.tom = await idOf('tom.manager@keypulse.demo');
  people.maria = await idOf('maria.manager@keypulse.demo');
  people.dora = (await ctx.createUser('account_manager', { name: 'Dora Disabled' })).id;
  ned = await ctx.createUser('account_manager', { name: 'Ned Newcomer' });
  people.ned = ned.id;

  // The demo's clock stands on 2026-03-02: these answers fall in 2026-Q1 and 2025-Q4.
  await seedAnsweredAccount(people.tom, { name: 'Cargo Lines', industry: 'logistics', stage: 'key_account' }, '2026-01-12T10:00:00Z', [10, 9, 3, 8]);
  await seedAnsweredAccount(people.tom, { name: 'Old Mill Paper', industry: 'Paper', stage: 'customer', archived: true }, '2025-11-03T10:00:00Z', [2, 9]);
  await seedAnsweredAccount(people.maria, { name: 'Nameless Co', industry: null, stage: 'customer' }, '2026-02-02T10:00:00Z', [7, 10, 10]);
  await seedAnsweredAccount(people.dora, { name: 'Dormant Dynamics', industry: 'Energy', stage: 'customer' }, '2025-12-01T10:00:00Z', [6, 6, 9]);
  await db.update(users).set({ disabled: true }).where(eq(users.id, people.dora));
}, 300_000);
afterAll(() => ctx.close());

/** The trend endpoint's "now": the latest period with answers, as the page showed it for a group. */
async function latestOf(client: TestClient, scope: string, query = '') {
  const res = await client.get(`/api/reports/nps?scope=${encodeURIComponent(scope)}${query}`);
  expect(res.status, scope).toBe(200);
  return [...res.body.periods].reverse().find((p: { responses: number }) => p.responses > 0) ?? null;
}

/** The overview against the reports it replaces, as seen by one person. */
async function expectSameFiguresAsTheReports(client: TestClient, query = '') {
  const res = await client.get(`/api/reports/overview${query ? `?${query.slice(1)}` : ''}`);
  expect(res.status).toBe(200);
  const overview = res.body;

  expect(overview.trend).toEqual((await client.get(`/api/reports/nps?scope=portfolio${query}`)).body);
  for (const split of ['industry', 'stage', 'owner'] as const) {
    for (const row of overview.splits[split]) {
      expect(row.latest, `${split} ${row.label}`).toEqual(await latestOf(client, row.scope, query));
    }
  }
  expect(overview.risk).toEqual((await client.get('/api/reports/risk')).body);
  const loop = (await client.get('/api/reports/loop')).body;
  expect(overview.loop).toEqual({ portfolio: loop.portfolio, managers: loop.managers });
  return overview;
}

describe('GET /api/reports/overview', () => {
  it('gives an executive the figures of the portfolio trend, every group\'s trend, the risk report and the loop report', async () => {
    const overview = await expectSameFiguresAsTheReports(erin);

    // Industries once each whatever their case (the industry scope matches either), A to Z; the archived account's
    // industry because it has answers in the range; no row for the account without an industry.
    const industries = overview.splits.industry.map((r: { label: string }) => r.label);
    expect(industries).toEqual([...industries].sort((a, b) => a.localeCompare(b)));
    expect(industries.filter((i: string) => i.toLowerCase() === 'logistics')).toHaveLength(1);
    expect(industries).toContain('Paper');
    expect(overview.splits.industry.find((r: { label: string }) => r.label.toLowerCase() === 'logistics').latest.responses).toBeGreaterThan(0);

    // Every stage, in pipeline order, answered or not.
    expect(overview.splits.stage.map((r: { label: string }) => r.label)).toEqual(['suspect', 'prospect', 'customer', 'key_account']);

    // Owners: the active managers (one without accounts: no answers yet) and the disabled one who still owns answers.
    const owners = Object.fromEntries(overview.splits.owner.map((r: { label: string; latest: unknown }) => [r.label, r.latest]));
    expect(Object.keys(owners)).toEqual(expect.arrayContaining(['María Santos', 'Tom Lindqvist', 'Priya Raman', 'Dora Disabled', 'Ned Newcomer']));
    expect(owners['Ned Newcomer']).toBeNull();
    expect(owners['Dora Disabled']).toMatchObject({ period: '2025-Q4', responses: 3, promoters: 1, detractors: 2 });

    // The demo has a running program: answers in the trend, accounts at risk, tasks and detractors followed up.
    expect(overview.trend.total.responses).toBeGreaterThan(0);
    expect(overview.risk.accounts.length).toBeGreaterThanOrEqual(5);
    expect(overview.loop.portfolio.tasks).toBeGreaterThan(0);
    expect(overview.loop.portfolio.detractorsFollowedUp).toBeGreaterThan(0);
  });

  it('takes the trend\'s period, range and confidence for the trend and the splits alike', async () => {
    const overview = await expectSameFiguresAsTheReports(erin, '&groupBy=month&from=2025-06-01&to=2026-02-28&confidence=0.99');
    expect(overview.trend).toMatchObject({ groupBy: 'month', from: '2025-06-01', to: '2026-02-28', confidence: 0.99 });
    expect(overview.trend.periods).toHaveLength(9);
  });

  it('shows a manager their own accounts only, and an admin everything', async () => {
    const mine = await expectSameFiguresAsTheReports(maria);
    expect(mine.splits.owner.map((r: { scope: string }) => r.scope)).toEqual([`owner:${people.maria}`]);
    expect(new Set(mine.risk.accounts.map((a: { owner: { id: string } }) => a.owner.id))).toEqual(new Set([people.maria]));
    expect(mine.loop.managers.every((m: { userId: string }) => m.userId === people.maria)).toBe(true);
    // Tom's 'logistics' spelling and Dora's energy account are not María's business; her own Logistics account is.
    const industries = mine.splits.industry.map((r: { label: string }) => r.label);
    expect(industries).toContain('Logistics');
    expect(industries).not.toContain('Paper');
    const all = (await erin.get('/api/reports/overview')).body;
    expect(mine.trend.total.responses).toBeLessThan(all.trend.total.responses);

    const toms = await expectSameFiguresAsTheReports(tom);
    expect(toms.risk.accounts.map((a: { accountId: string }) => a.accountId)).not.toEqual(
      expect.arrayContaining(mine.risk.accounts.map((a: { accountId: string }) => a.accountId)),
    );

    const admin = (await alex.get('/api/reports/overview')).body;
    expect(admin.trend).toEqual(all.trend);
    expect(admin.splits).toEqual(all.splits);

    // A manager with no accounts gets an empty overview, not an error.
    const empty = await (await ctx.signIn(ned)).get('/api/reports/overview');
    expect(empty.status).toBe(200);
    expect(empty.body.trend.total.responses).toBe(0);
    expect(empty.body.splits.industry).toEqual([]);
    expect(empty.body.splits.owner).toEqual([{ scope: `owner:${people.ned}`, label: 'Ned Newcomer', latest: null }]);
    expect(empty.body.risk.accounts).toEqual([]);
    expect(empty.body.loop).toEqual({ portfolio: expect.objectContaining({ tasks: 0, detractorsFollowedUp: 0 }), managers: [] });
  });

  it('refuses the signed-out', async () => {
    const res = await ctx.anonymous().get('/api/reports/overview');
    expect(res.status).toBe(401);
  });

  it.each([
    ['groupBy=week', 'groupBy'],
    ['confidence=0.5', 'confidence'],
    ['from=2026-02-30', 'from'],
    ['from=1899-12-31', 'from'],
    ['to=yesterday', 'to'],
    ['from=2026-03-01&to=2026-01-01', 'to'],
  ])('answers a bad query (%s) with 400 naming the field', async (query, field) => {
    const res = await erin.get(`/api/reports/overview?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it('answers a range too long to list with 400, not 500', async () => {
    const res = await erin.get('/api/reports/overview?groupBy=month&from=1900-01-01&to=2026-01-01');
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain('to');
  });

  it('is in the OpenAPI document with the other reports', async () => {
    const doc = (await erin.get('/api/openapi.json')).body;
    const op = doc.paths['/api/reports/overview'].get;
    expect(op.tags).toEqual(['Reports']);
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['confidence', 'from', 'groupBy', 'to']);
    expect(Object.keys(op.responses['200'].content['application/json'].schema.properties).sort()).toEqual(['generatedAt', 'loop', 'risk', 'splits', 'trend']);
  });
});
