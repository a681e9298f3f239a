import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../src/server/db/schema/index.js';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { insertAnsweredNpsWave } from '../helpers/survey-fixtures.js';

/**
 * Numbers that never overclaim: an industry at −100 from 1 answer against +100 from 1 answer the quarter before is
 * "too few answers to tell" (`change.reason`), not a significant fall, and raises no risk; with 5 answers a side a
 * real fall is `beyond_margin`. Figures as GET /api/reports/nps and the overview give them.
 */

let ctx: TestContext;
let executive: TestClient;
const DAY = 86_400_000;
const ids = { lone: '', steady: '' };

/** One NPS wave to `scores.length` new contacts of the account, sent at `sentAt` and answered a day later. */
const seedWave = (accountId: string, ownerId: string, sentAt: Date, scores: number[]) =>
  insertAnsweredNpsWave(ctx, { accountId, ownerId, sentAt, scores, name: `Person ${accountId.slice(0, 8)}-${sentAt.getTime()}` });

beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
  executive = await ctx.signIn('executive');
  const manager = await ctx.signIn('account_manager');
  const db = ctx.database.db;
  const owner = manager.user.id;
  const [lone] = await db.insert(accounts).values({ name: 'Lone Voice', industry: 'Shipbuilding', stage: 'customer', ownerId: owner }).returning();
  const [steady] = await db.insert(accounts).values({ name: 'Steady Five', industry: 'Brewing', stage: 'customer', ownerId: owner }).returning();
  ids.lone = lone!.id;
  ids.steady = steady!.id;
  // 130 and 10 days ago: more than a quarter (at most 92 days) apart, so always two different quarters.
  const now = ctx.clock.now().getTime();
  const before = new Date(now - 130 * DAY);
  const after = new Date(now - 10 * DAY);
  await seedWave(ids.lone, owner, before, [10]); // +100 from 1
  await seedWave(ids.lone, owner, after, [0]); // −100 from 1
  await seedWave(ids.steady, owner, before, [10, 10, 10, 10, 8]); // +80 from 5
  await seedWave(ids.steady, owner, after, [8, 3, 3, 3, 3]); // −80 from 5
}, 60_000);
afterAll(() => ctx.close());

const latestOf = (report: any) => [...report.periods].reverse().find((p: any) => p.responses > 0);

describe('change.reason', () => {
  it('an industry at −100 from 1 answer against +100 from 1: too few answers to tell, not significant', async () => {
    const res = await executive.get('/api/reports/nps?scope=industry:Shipbuilding');
    expect(res.status).toBe(200);
    const latest = latestOf(res.body);
    expect(latest).toMatchObject({ nps: -100, responses: 1 });
    // Adjusted margins of one answer each, without the finite-population correction: ±73.50; combined 103.94.
    expect(latest.change).toMatchObject({ change: -200, significant: false, reason: 'too_few_answers', sinceResponses: 1 });
    expect(latest.change.combinedMargin).toBeCloseTo(103.94, 1);
    // An industry is not a contact list: no population, never "everyone answered".
    expect(latest).toMatchObject({ asked: null, everyoneAnswered: false });

    // The overview's industry split says the same.
    const overview = await executive.get('/api/reports/overview');
    expect(overview.status).toBe(200);
    const row = overview.body.splits.industry.find((r: any) => r.label === 'Shipbuilding');
    expect(row.latest.change).toMatchObject({ change: -200, significant: false, reason: 'too_few_answers' });
  });

  it('the one account behind it: each quarter exact (1 of 1 asked answered), no significant fall, not at risk', async () => {
    const trend = (await executive.get(`/api/reports/nps?scope=account:${ids.lone}`)).body;
    const latest = latestOf(trend);
    expect(latest).toMatchObject({ nps: -100, responses: 1, marginOfError: 0, asked: 1, everyoneAnswered: true });
    expect(latest.change).toMatchObject({ significant: false, reason: 'too_few_answers' });

    const risk = (await executive.get('/api/reports/risk')).body.accounts.find((a: any) => a.accountId === ids.lone);
    expect(risk).toMatchObject({ level: 'green', reasons: [], nps: -100, npsMargin: 0, npsResponses: 1, npsAsked: 1, npsEveryoneAnswered: true });
  });

  it('5 answers against 5 with a real fall: beyond the margin, and a red account', async () => {
    const latest = latestOf((await executive.get('/api/reports/nps?scope=industry:Brewing')).body);
    // +80 → −80: adjusted margins ±45.83 each (n' = 8, p' = 4.75 / 8, d' = .75 / 8), combined 64.82 < 160.
    expect(latest.change).toMatchObject({ change: -160, significant: true, reason: 'beyond_margin', sinceResponses: 5 });
    expect(latest.change.combinedMargin).toBeCloseTo(64.82, 1);

    const risk = (await executive.get('/api/reports/risk')).body.accounts.find((a: any) => a.accountId === ids.steady);
    expect(risk.level).toBe('red');
    expect(risk.reasons.map((r: any) => r.code)).toEqual(['nps_significant_drop', 'nps_negative']);
    expect(risk.reasons[0].text).toBe('NPS fell from +80 (5 answers) to −80 (5 answers), more than the ±64.8 margin');
    // 5 of 5 asked answered: the quarter's own figure is exact.
    expect(risk).toMatchObject({ npsMargin: 0, npsEveryoneAnswered: true, npsAsked: 5, npsResponses: 5 });
  });

  it('a period compared with nothing has no change at all', async () => {
    const trend = (await executive.get(`/api/reports/nps?scope=account:${ids.lone}`)).body;
    const first = trend.periods.find((p: any) => p.responses > 0);
    expect(first.change).toBeNull();
  });
});
