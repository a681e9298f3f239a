import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { accountCriterionScores, accountStageChanges } from '../../src/server/db/schema/index.js';

type Client = TestClient & { user: TestUser };
let ctx: TestContext;
let admin: Client;
let exec: Client;
let maria: Client;
let tom: Client;
const ids: Record<string, string> = {};
const criterion: Record<string, string> = {};

beforeAll(async () => {
  ctx = await createTestContext();
  [admin, exec, maria, tom] = await Promise.all([
    ctx.signIn('admin'),
    ctx.signIn('executive'),
    ctx.signIn('account_manager'),
    ctx.signIn('account_manager'),
  ]);
  // Hand-computed fixture (the same as tests/domain/key-account-program.test.ts): revenue 100/200/300 → 1/3/5 on the
  // 1–5 scale, fit judged 5/2/1/4, both weighted 50; D has no revenue so only its judgement counts.
  const accounts = [
    { key: 'A', name: 'Alpha', owner: maria, annualRevenue: 100_00, grossProfit: 50_00, costToServe: 10_00 },
    { key: 'B', name: 'Beta', owner: tom, stage: 'key_account', annualRevenue: 200_00, grossProfit: 80_00, costToServe: 10_00 },
    { key: 'C', name: 'Gamma', owner: maria, annualRevenue: 300_00, grossProfit: 30_00, costToServe: 10_00 },
    { key: 'D', name: 'Delta', owner: maria, costToServe: 70_00 },
    { key: 'E', name: 'Epsilon', owner: maria, stage: 'prospect', annualRevenue: 900_00 },
  ];
  for (const { key, owner, ...fields } of accounts) {
    const res = await admin.post('/api/accounts', { ...fields, ownerId: owner.user.id });
    expect(res.status, res.text).toBe(201);
    ids[key] = res.body.id;
  }
  const list = await admin.get('/api/key-accounts/criteria');
  for (const c of list.body.data) criterion[c.key] = c.id;
});
afterAll(() => ctx.close());

describe('selection criteria', () => {
  it('starts with the seven criteria of the issue, readable by everyone signed in', async () => {
    const res = await maria.get('/api/key-accounts/criteria');
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { key: string }) => c.key)).toEqual([
      'annual_revenue',
      'gross_profit',
      'growth_potential',
      'strategic_image',
      'fit',
      'willingness_to_cooperate',
      'lifetime_value',
    ]);
    expect(res.body.data.find((c: { key: string }) => c.key === 'fit')).toMatchObject({ source: 'judgement', weight: 10, enabled: true });
    expect((await ctx.anonymous().get('/api/key-accounts/criteria')).status).toBe(401);
  });

  it('lets only admins change them', async () => {
    expect((await exec.post('/api/key-accounts/criteria', { name: 'Exec idea', weight: 5 })).status).toBe(403);
    expect((await maria.patch(`/api/key-accounts/criteria/${criterion.fit}`, { weight: 99 })).status).toBe(403);
    const bad = await admin.patch(`/api/key-accounts/criteria/${criterion.fit}`, { weight: 101 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('weight');
    expect((await admin.patch('/api/key-accounts/criteria/00000000-0000-4000-8000-000000000000', { weight: 1 })).status).toBe(404);

    // Revenue and fit weigh 50 each; the rest 0 (they stay listed without effect).
    for (const [key, weight] of Object.entries({ annual_revenue: 50, fit: 50, gross_profit: 0, growth_potential: 0, strategic_image: 0, willingness_to_cooperate: 0, lifetime_value: 0 })) {
      const res = await admin.patch(`/api/key-accounts/criteria/${criterion[key]}`, { weight });
      expect(res.status, res.text).toBe(200);
    }
    const added = await admin.post('/api/key-accounts/criteria', { name: 'Innovation partner', weight: 0 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ key: null, source: 'judgement', weight: 0, enabled: true });
    // Switching off revenue and fit would leave nothing with weight: refused for the last one.
    expect((await admin.patch(`/api/key-accounts/criteria/${criterion.annual_revenue}`, { enabled: false })).status).toBe(200);
    const last = await admin.patch(`/api/key-accounts/criteria/${criterion.fit}`, { enabled: false });
    expect(last.status).toBe(400);
    expect(last.body.error.issues[0].path).toBe('enabled');
    expect((await admin.patch(`/api/key-accounts/criteria/${criterion.annual_revenue}`, { enabled: true })).status).toBe(200);
  });
});

describe('scoring accounts on the criteria', () => {
  it("lets the account's manager (or an admin) score it, recording who and when", async () => {
    for (const [key, score, client] of [['A', 5, maria], ['B', 2, tom], ['C', 1, maria], ['D', 4, admin]] as const) {
      const res = await client.request('PUT', `/api/accounts/${ids[key]}/criteria-scores`, { json: { scores: [{ criterionId: criterion.fit, score }] } });
      expect(res.status, res.text).toBe(200);
    }
    const res = await exec.get(`/api/accounts/${ids.A}/criteria-scores`);
    expect(res.body.data).toEqual([
      { criterionId: criterion.fit, score: 5, note: null, scoredBy: { id: maria.user.id, name: maria.user.name }, scoredAt: '2026-03-02T09:00:00.000Z' },
    ]);
  });

  it('refuses bad scores and other people without writing anything', async () => {
    const before = await ctx.database.db.select().from(accountCriterionScores).where(eq(accountCriterionScores.accountId, ids.A!));
    const put = (client: Client, json: unknown, id = ids.A) => client.request('PUT', `/api/accounts/${id}/criteria-scores`, { json });
    expect((await put(tom, { scores: [{ criterionId: criterion.fit, score: 1 }] })).status).toBe(404);
    expect((await put(exec, { scores: [{ criterionId: criterion.fit, score: 1 }] })).status).toBe(403);
    const tooHigh = await put(maria, { scores: [{ criterionId: criterion.fit, score: 1 }, { criterionId: criterion.growth_potential, score: 6 }] });
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.body.error.issues[0].path).toBe('scores.1.score');
    const unknown = await put(maria, { scores: [{ criterionId: '00000000-0000-4000-8000-000000000000', score: 3 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues[0]).toEqual({ path: 'scores.0.criterionId', message: 'is not a selection criterion' });
    expect((await put(maria, { scores: [] })).status).toBe(400);
    expect(await ctx.database.db.select().from(accountCriterionScores).where(eq(accountCriterionScores.accountId, ids.A!))).toEqual(before);
  });
});

describe('the selection ranking', () => {
  it('ranks customers and key accounts by weighted score with each contribution, and suggests a portfolio', async () => {
    const res = await exec.get('/api/key-accounts/selection');
    expect(res.status, res.text).toBe(200);
    expect(res.body.candidates).toBe(4); // the prospect is not a candidate
    expect(res.body.portfolioSize).toBe(3); // a fifth of 4, at least 3
    expect(res.body.cutScore).toBe(3);
    const rows = res.body.ranking.map((r: any) => [r.name, r.rank, r.score, r.isKeyAccount, r.suggested, r.suggestion]);
    expect(rows).toEqual([
      ['Delta', 1, 4, false, true, 'promote'],
      ['Gamma', 2, 3, false, true, 'promote'],
      ['Alpha', 3, 3, false, true, 'promote'],
      ['Beta', 4, 2.5, true, false, 'review'],
    ]);
    const alpha = res.body.ranking[2];
    const part = (key: string) => alpha.contributions.find((c: any) => c.key === key);
    expect(part('annual_revenue')).toMatchObject({ value: 100_00, normalized: 1, contribution: 0.5, origin: 'account' });
    expect(part('fit')).toMatchObject({ value: null, normalized: 5, contribution: 2.5, origin: 'judgement' });
    expect(part('gross_profit')).toMatchObject({ weight: 0, contribution: 0 });
    const warnings = Object.fromEntries(res.body.ranking.map((r: any) => [r.name, r.warnings.map((w: any) => w.code)]));
    expect(warnings).toEqual({
      Delta: ['high_cost_to_serve', 'incomplete'],
      Gamma: ['transactional'],
      Alpha: [],
      Beta: ['below_cut'],
    });
    expect(res.body.portfolio.map((p: any) => p.name)).toEqual(['Delta', 'Gamma', 'Alpha']);
  });

  it('takes a portfolio size between 3 and 20', async () => {
    const four = await admin.get('/api/key-accounts/selection?size=4');
    expect(four.body.portfolio.map((p: any) => p.name)).toEqual(['Delta', 'Gamma', 'Alpha', 'Beta']);
    expect((await admin.get('/api/key-accounts/selection?size=2')).status).toBe(400);
    expect((await admin.get('/api/key-accounts/selection?size=21')).status).toBe(400);
  });

  it("shows a manager their own accounts only, with the portfolio-wide scores", async () => {
    const res = await maria.get('/api/key-accounts/selection');
    expect(res.body.ranking.map((r: any) => [r.name, r.rank, r.score])).toEqual([
      ['Delta', 1, 4],
      ['Gamma', 2, 3],
      ['Alpha', 3, 3],
    ]);
    const toms = await tom.get('/api/key-accounts/selection');
    expect(toms.body.ranking.map((r: any) => r.name)).toEqual(['Beta']);
    expect(toms.body.portfolio).toEqual([]);
  });
});

describe('promoting and demoting', () => {
  it('lets an executive promote an account with the reason, and keeps the history', async () => {
    ctx.clock.set('2026-03-04T10:00:00Z');
    const res = await exec.post(`/api/accounts/${ids.D}/stage`, { stage: 'key_account', reason: 'Top of the selection; strategic door-opener' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      fromStage: 'customer',
      toStage: 'key_account',
      direction: 'promotion',
      decidedBy: { id: exec.user.id, name: exec.user.name },
      reason: 'Top of the selection; strategic door-opener',
      changedAt: '2026-03-04T10:00:00.000Z',
    });
    expect((await admin.get(`/api/accounts/${ids.D}`)).body.stage).toBe('key_account');
    ctx.clock.set('2026-03-05T10:00:00Z');
    const demoted = await admin.post(`/api/accounts/${ids.B}/stage`, { stage: 'customer', reason: 'Below the cut two years running' });
    expect(demoted.body.direction).toBe('demotion');
    const own = await maria.post(`/api/accounts/${ids.A}/stage`, { stage: 'key_account', reason: 'Growing fast' });
    expect(own.status).toBe(201);

    const history = await maria.get(`/api/accounts/${ids.D}/stage-history`);
    // Creating the account recorded its first stage; the promotion follows with its reason.
    expect(history.body.data.map((h: any) => [h.direction, h.fromStage, h.toStage, h.decidedBy.name, h.reason])).toEqual([
      ['initial', null, 'customer', admin.user.name, null],
      ['promotion', 'customer', 'key_account', exec.user.name, 'Top of the selection; strategic door-opener'],
    ]);
  });

  it("refuses bad input and other managers' accounts without writing anything", async () => {
    const before = await ctx.database.db.select().from(accountStageChanges);
    const noReason = await exec.post(`/api/accounts/${ids.C}/stage`, { stage: 'key_account' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.issues[0].path).toBe('reason');
    expect((await exec.post(`/api/accounts/${ids.C}/stage`, { stage: 'vip', reason: 'because' })).status).toBe(400);
    const same = await exec.post(`/api/accounts/${ids.C}/stage`, { stage: 'customer', reason: 'no change' });
    expect(same.status).toBe(400);
    expect(same.body.error.issues[0].path).toBe('stage');
    expect((await tom.post(`/api/accounts/${ids.C}/stage`, { stage: 'key_account', reason: 'Not mine' })).status).toBe(404);
    expect((await tom.get(`/api/accounts/${ids.C}/stage-history`)).status).toBe(404);
    expect(await ctx.database.db.select().from(accountStageChanges)).toEqual(before);
    expect((await admin.get(`/api/accounts/${ids.C}`)).body.stage).toBe('customer');
  });

  it('records a stage changed by a plain account edit, without a reason', async () => {
    const before = (await maria.get(`/api/accounts/${ids.E}/stage-history`)).body.data.length;
    expect((await maria.patch(`/api/accounts/${ids.E}`, { stage: 'suspect' })).status).toBe(200);
    ctx.clock.advance(60_000);
    expect((await maria.patch(`/api/accounts/${ids.E}`, { stage: 'prospect' })).status).toBe(200);
    const after = (await maria.get(`/api/accounts/${ids.E}/stage-history`)).body.data;
    expect(after.slice(before).map((h: any) => [h.direction, h.fromStage, h.toStage, h.reason])).toEqual([
      ['demotion', 'prospect', 'suspect', null],
      ['promotion', 'suspect', 'prospect', null],
    ]);
  });

  it('shows the pipeline now and its movements per quarter', async () => {
    ctx.clock.set('2026-05-20T10:00:00Z');
    // Sessions last a week: sign in again at the new date.
    [admin, exec, maria] = await Promise.all([ctx.signIn(admin.user), ctx.signIn(exec.user), ctx.signIn(maria.user)]);
    await admin.post(`/api/accounts/${ids.E}/stage`, { stage: 'customer', reason: 'First order signed' });
    const res = await exec.get('/api/key-accounts/pipeline?from=2026-01-01&to=2026-06-30');
    expect(res.status, res.text).toBe(200);
    expect(res.body.now).toEqual({ suspect: 0, prospect: 0, customer: 3, key_account: 2 });
    expect(res.body.periods.map((p: any) => p.period)).toEqual(['2026-Q1', '2026-Q2']);
    expect(res.body.periods[0]).toMatchObject({
      atEnd: { suspect: 0, prospect: 1, customer: 2, key_account: 2 },
      movements: [
        { from: 'suspect', to: 'prospect', count: 1 },
        { from: 'prospect', to: 'suspect', count: 1 },
        { from: 'customer', to: 'key_account', count: 2 },
        { from: 'key_account', to: 'customer', count: 1 },
      ],
      promotions: 3,
      demotions: 2,
    });
    expect(res.body.periods[1]).toMatchObject({ atEnd: { prospect: 0, customer: 3, key_account: 2 }, movements: [{ from: 'prospect', to: 'customer', count: 1 }] });
    const mine = await maria.get('/api/key-accounts/pipeline?from=2026-01-01&to=2026-06-30');
    expect(mine.body.now).toEqual({ suspect: 0, prospect: 0, customer: 2, key_account: 2 });
    expect((await exec.get('/api/key-accounts/pipeline?from=2026-07-01&to=2026-01-01')).status).toBe(400);
  });
});
