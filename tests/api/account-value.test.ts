import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { accountQuarterValues } from '../../src/server/db/schema/index.js';
import { parseCsv } from '../../src/server/domain/csv.js';

type Client = TestClient & { user: TestUser };
let ctx: TestContext;
let admin: Client;
let exec: Client;
let maria: Client;
let tom: Client;
const ids: Record<string, string> = {};

/*
 * Hand-computed fixture for 2026-Q1 (amounts in currency units; the API stores cents):
 *   account  owner  revenue  gross profit  team cost  discounts  contribution
 *   Marlin   maria      500           100         20         10            70
 *   Tarpon   tom        300            60         10          0            50
 *   Mako     maria      100            30          0          0            30
 *   Minnow   maria       50            20          0          0            20
 *   Trout    tom         30            10          0          0            10
 *   Moray    maria       20             5         15         10           −20
 *   totals             1000           225                                 160
 * Top 20 % of 6 accounts = ceil(1.2) = 2 (Marlin, Tarpon): revenue 800/1000 = 0.8, gross profit 160/225 = 0.7111,
 * contribution 120/160 = 0.75. Marlin also has 2025-Q4: contribution 140 − 20 = 120, so its trend falls by 50 a quarter.
 */
beforeAll(async () => {
  ctx = await createTestContext();
  [admin, exec, maria, tom] = await Promise.all([
    ctx.signIn('admin'),
    ctx.signIn('executive'),
    ctx.signIn('account_manager'),
    ctx.signIn('account_manager'),
  ]);
  for (const [name, owner, stage] of [
    ['Marlin', maria, 'key_account'],
    ['Tarpon', tom, 'key_account'],
    ['Mako', maria, 'customer'],
    ['Minnow', maria, 'customer'],
    ['Trout', tom, 'customer'],
    ['Moray', maria, 'customer'],
  ] as const) {
    const res = await admin.post('/api/accounts', { name, stage, ownerId: owner.user.id });
    expect(res.status, res.text).toBe(201);
    ids[name] = res.body.id;
  }
});
afterAll(() => ctx.close());

const put = (client: Client, account: string, quarter: string, json: unknown) =>
  client.request('PUT', `/api/accounts/${ids[account] ?? account}/value/${quarter}`, { json });
const importCsv = (client: Client, csv: string, query = '') =>
  client.request('POST', `/api/accounts/value/import${query}`, { body: csv, headers: { 'content-type': 'text/csv' } });
const storedCount = async () => (await ctx.database.db.select().from(accountQuarterValues)).length;

describe('entering quarterly figures by hand', () => {
  it("lets the account's manager enter and correct a quarter", async () => {
    const first = await put(maria, 'Marlin', '2026-Q1', { revenue: 500_00, grossProfit: 90_00, teamCost: 20_00, discounts: 10_00 });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ quarter: '2026-Q1', costToServe: 30_00, contribution: 60_00, enteredBy: { id: maria.user.id } });
    const fixed = await put(maria, 'Marlin', '2026-Q1', { revenue: 500_00, grossProfit: 100_00, teamCost: 20_00, discounts: 10_00, notes: 'corrected' });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ contribution: 70_00, notes: 'corrected' });
    expect((await put(maria, 'Marlin', '2025-Q4', { revenue: 600_00, grossProfit: 140_00, teamCost: 20_00 })).status).toBe(201);

    const one = await exec.get(`/api/accounts/${ids.Marlin}/value/2026-Q1`);
    expect(one.body.grossProfit).toBe(100_00);
    const history = await maria.get(`/api/accounts/${ids.Marlin}/value`);
    expect(history.body.data.map((v: any) => [v.quarter, v.contribution])).toEqual([
      ['2025-Q4', 120_00],
      ['2026-Q1', 70_00],
    ]);
    expect(history.body).toMatchObject({ contributionSlope: -50_00, direction: 'falling' });
    expect((await exec.get(`/api/accounts/${ids.Marlin}/value/2024-Q1`)).status).toBe(404);
  });

  it('refuses bad figures, other managers and read-only roles without writing anything', async () => {
    const before = await storedCount();
    const bad = await put(maria, 'Marlin', '2026-Q1', { revenue: -1, grossProfit: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('revenue');
    const badQuarter = await put(maria, 'Marlin', '2026-Q5', { revenue: 1, grossProfit: 1 });
    expect(badQuarter.status).toBe(400);
    expect(badQuarter.body.error.issues[0].path).toBe('quarter');
    expect((await put(maria, 'Marlin', '2026-Q1', { revenue: 1.5, grossProfit: 1 })).status).toBe(400);
    expect((await put(tom, 'Marlin', '2026-Q1', { revenue: 1, grossProfit: 1 })).status).toBe(404);
    expect((await tom.get(`/api/accounts/${ids.Marlin}/value`)).status).toBe(404);
    expect((await put(exec, 'Marlin', '2026-Q1', { revenue: 1, grossProfit: 1 })).status).toBe(403);
    expect(await storedCount()).toBe(before);
  });
});

describe('importing quarterly figures from CSV', () => {
  const csv = [
    'Account,Quarter,Revenue,Gross profit,Team cost,Discounts',
    'Tarpon,2026-Q1,300,60,10,0',
    'mako,2026-q1,100.00,30,,',
    `${'MINNOW'},2026-Q1,50,20,0,0`,
    'Trout,2026-Q1,30,10,0,0',
    'Moray,2026-Q1,20,5,15,10',
    'Nobody Inc,2026-Q1,1,1,0,0',
    'Moray,2026-Q1,20,5,15,10',
    'Marlin,Q1 2026,1,1,0,0',
  ].join('\n');

  it('checks every row in a dry run and writes nothing', async () => {
    const before = await storedCount();
    const res = await importCsv(admin, csv, '?dryRun=true');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, created: 5, updated: 0, failed: 3 });
    expect(res.body.rows.map((r: any) => [r.line, r.status, r.errors[0]?.column ?? null])).toEqual([
      [2, 'created', null],
      [3, 'created', null],
      [4, 'created', null],
      [5, 'created', null],
      [6, 'created', null],
      [7, 'error', 'account'],
      [8, 'error', 'quarter'],
      [9, 'error', 'quarter'],
    ]);
    expect(res.body.rows[5].errors[0].message).toBe('no such account');
    expect(await storedCount()).toBe(before);
  });

  it('writes the good rows and reports the bad ones', async () => {
    const res = await importCsv(admin, csv);
    expect(res.body).toMatchObject({ dryRun: false, created: 5, failed: 3 });
    expect((await admin.get(`/api/accounts/${ids.Mako}/value/2026-Q1`)).body).toMatchObject({ revenue: 100_00, grossProfit: 30_00, teamCost: 0, discounts: 0 });
    expect((await admin.get(`/api/accounts/${ids.Moray}/value/2026-Q1`)).body.contribution).toBe(-20_00);
  });

  it("treats another manager's accounts as unknown, and refuses executives", async () => {
    const res = await importCsv(maria, 'account,quarter,revenue,gross profit\nTarpon,2026-Q2,1,1\nMako,2026-Q1,100,30\n');
    expect(res.body.rows.map((r: any) => [r.status, r.errors[0]?.message ?? null])).toEqual([
      ['error', 'no such account'],
      ['updated', null],
    ]);
    expect((await importCsv(exec, 'account,quarter,revenue,gross profit\nMako,2026-Q1,1,1\n')).status).toBe(403);
    const noColumns = await importCsv(admin, 'account,revenue\nMako,1\n');
    expect(noColumns.status).toBe(422);
    expect(noColumns.body.error.message).toMatch(/missing column/);
  });
});

describe('GET /api/reports/value', () => {
  it('shows the 80/20 check, the negative contributors and the trend per account', async () => {
    const res = await exec.get('/api/reports/value?quarter=2026-Q1&quarters=2');
    expect(res.status, res.text).toBe(200);
    expect(res.body.quarters).toEqual(['2025-Q4', '2026-Q1']);
    expect(res.body.pareto).toMatchObject({
      accounts: 6,
      topCount: 2,
      totalRevenue: 1000_00,
      totalGrossProfit: 225_00,
      totalContribution: 160_00,
      topRevenueShare: 0.8,
      topGrossProfitShare: 0.7111,
      topContributionShare: 0.75,
    });
    expect(res.body.pareto.topAccounts.map((a: any) => a.name)).toEqual(['Marlin', 'Tarpon']);
    expect(res.body.negativeContributors).toEqual([{ accountId: ids.Moray, name: 'Moray', stage: 'customer', contribution: -20_00, revenue: 20_00 }]);
    const marlin = res.body.accounts.find((a: any) => a.name === 'Marlin');
    expect(marlin).toMatchObject({ contributionSlope: -50_00, direction: 'falling' });
    expect(marlin.points.map((p: any) => p.quarter)).toEqual(['2025-Q4', '2026-Q1']);
  });

  it('defaults to the latest quarter, limits managers to their accounts, and answers CSV', async () => {
    const mine = await maria.get('/api/reports/value');
    expect(mine.body.quarter).toBe('2026-Q1');
    // Marlin, Mako, Minnow, Moray: 670 in revenue; the top fifth is Marlin alone (500 / 670).
    expect(mine.body.pareto).toMatchObject({ accounts: 4, topCount: 1, topRevenueShare: 0.7463 });
    expect(mine.body.accounts.map((a: any) => a.name).sort()).toEqual(['Mako', 'Marlin', 'Minnow', 'Moray']);

    const csv = await admin.get('/api/reports/value?quarter=2026-Q1&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const records = parseCsv(csv.text).map((r) => r.fields);
    expect(records[0]).toEqual(['account', 'account id', 'stage', 'quarter', 'revenue', 'gross profit', 'team cost', 'discounts', 'contribution', 'top 20 % by revenue']);
    expect(records).toContainEqual(['Moray', ids.Moray, 'customer', '2026-Q1', '20', '5', '15', '10', '-20', 'no']);
    expect((await admin.get('/api/reports/value?quarter=2026-Q9')).status).toBe(400);
  });
});
