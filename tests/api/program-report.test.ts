import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/server/domain/csv.js';
import { accountQuarterValues, partnershipAnswers, partnershipAssessments, partnershipIndicators } from '../../src/server/db/schema/index.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { answerLatestNps, createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 30 });
});
afterAll(() => ctx.close());

const answer = (emails: string[], scores: (number | null)[]) => answerLatestNps(ctx, emails, scores);

describe('GET /api/reports/program', () => {
  it('evaluates each key account over the half year against the one before, the accounts needing a decision first', async () => {
    const db = ctx.deps.db;
    const managerUser = await ctx.createUser('account_manager', { name: 'Maria' });
    let manager = await ctx.signIn(managerUser);
    const other = await ctx.createUser('account_manager', { name: 'Tom' });
    const executiveUser = await ctx.createUser('executive');

    // "Acme" slides: NPS 50 → −50 (from 4 answers each: too few to tell), contribution negative, no plan, partnership
    // falling, renewal 30 days after the half is evaluated (4 January 2027).
    const acme = await createAccountWithContacts(manager, [{}, {}, {}, {}, {}], { name: 'Acme', renewalDate: '2027-02-03' });
    // "Bolt" is fine: a current plan, half its actions done.
    const bolt = await createAccountWithContacts(manager, [{}, {}, {}], { name: 'Bolt' });
    const admin = await ctx.signIn('admin');
    const theirs = await createAccountWithContacts(admin, [{}], { name: 'Theirs', ownerId: other.id });

    // 2026-H1 (the clock starts on 2 March): 10, 10, 9, 3 and one silent → P 3, D 1 of 4 from a list of 5.
    await sendCampaign(ctx, manager, { accountIds: [acme.accountId] });
    await answer(acme.emails, [10, 10, 9, 3, null]);

    // 2026-H2: 0, 1, 2, 9 → P 1, D 3; the H1 detractor (3) now answers 9.
    ctx.clock.set('2026-09-15T09:00:00Z');
    manager = await ctx.signIn(managerUser);
    await sendCampaign(ctx, manager, { accountIds: [acme.accountId] });
    await answer(acme.emails, [0, 1, 2, 9, null]);

    // Quarterly values (minor units). H1: sales 220,000, gross profit 65,000, contribution 25,000 + 25,000.
    // H2: sales 150,000, gross profit 30,000, contribution 10,000 + (10,000 − 15,000 − 20,000) = −15,000.
    const now = ctx.clock.now();
    const value = (quarter: string, revenue: number, grossProfit: number, teamCost: number, discounts: number) =>
      ({ accountId: acme.accountId, quarter, revenue, grossProfit, teamCost, discounts, createdAt: now, updatedAt: now });
    await db.insert(accountQuarterValues).values([
      value('2026-Q1', 100_000, 30_000, 5_000, 0),
      value('2026-Q2', 120_000, 35_000, 5_000, 5_000),
      value('2026-Q3', 90_000, 20_000, 10_000, 0),
      value('2026-Q4', 60_000, 10_000, 15_000, 20_000),
      value('2025-Q4', 999_999, 999_999, 0, 0), // 2025-H2: outside H2 and H1, only the H1 report's previous half
    ]);

    // Partnership: 75 (yes, yes, yes, no) in May, then 37.5 (yes, partly, no, no) in August.
    const indicators = await db
      .insert(partnershipIndicators)
      .values(['a', 'b', 'c', 'd'].map((name, position) => ({ name: `Signal ${name} ${Date.now()}`, position, createdAt: now, updatedAt: now })))
      .returning();
    const assess = async (at: string, answers: ('yes' | 'partly' | 'no')[]) => {
      const [row] = await db.insert(partnershipAssessments).values({ accountId: acme.accountId, assessedBy: managerUser.id, assessedAt: new Date(at) }).returning();
      await db.insert(partnershipAnswers).values(answers.map((answer, i) => ({ assessmentId: row!.id, indicatorId: indicators[i]!.id, answer })));
    };
    await assess('2026-05-10T10:00:00Z', ['yes', 'yes', 'yes', 'no']);
    await assess('2026-08-10T10:00:00Z', ['yes', 'partly', 'no', 'no']);

    // Bolt's plan, written in H2: two actions, one done.
    await manager.patch(`/api/accounts/${bolt.accountId}/plan`, { intelligence: { strengths: ['Loyal'] } });
    const a1 = await manager.post(`/api/accounts/${bolt.accountId}/plan/actions`, { title: 'Workshop', assigneeId: managerUser.id, dueDate: '2026-10-01' });
    await manager.post(`/api/accounts/${bolt.accountId}/plan/actions`, { title: 'Site visit', assigneeId: managerUser.id, dueDate: '2026-11-01' });
    await manager.post(`/api/tasks/${a1.body.taskId}/close`, { resolution: 'Held' });

    // In September 2026-H2 is still running and none of its quarters is complete: like with like, Q3 so far against
    // Q1 (the first quarter of each half) — never the first quarter against the whole of 2026-H1 ("sales down 59 %").
    const running = await manager.get('/api/reports/program'); // default: the current half
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({ period: '2026-H2', running: true, quarters: ['2026-Q3'], previousQuarters: ['2026-Q1'] });
    const runningAcme = running.body.accounts.find((x: any) => x.accountName === 'Acme');
    expect(runningAcme.sales).toEqual({ current: 90_000, previous: 100_000, change: -10_000, changeShare: -0.1 });
    expect(runningAcme.nps).toMatchObject({ current: { nps: -50, responses: 4 }, previous: { nps: 50, responses: 4 }, reason: 'too_few_answers' });
    expect(running.body.program.sales).toMatchObject({ current: 90_000, previous: 100_000 });

    // The half evaluated once it is over.
    ctx.clock.set('2027-01-04T09:00:00Z');
    manager = await ctx.signIn(managerUser);
    const res = await manager.get('/api/reports/program?period=2026-H2');
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report).toMatchObject({
      period: '2026-H2',
      previousPeriod: '2026-H1',
      from: '2026-07-01',
      to: '2026-12-31',
      running: false,
      quarters: ['2026-Q3', '2026-Q4'],
      previousQuarters: ['2026-Q1', '2026-Q2'],
    });
    expect(report.accounts.map((a: any) => a.accountName)).toEqual(['Acme', 'Bolt']); // the manager's own only

    const a = report.accounts[0];
    expect(a.sales).toEqual({ current: 150_000, previous: 220_000, change: -70_000, changeShare: -0.3182 });
    expect(a.grossProfit).toEqual({ current: 30_000, previous: 65_000, change: -35_000, changeShare: -0.5385 });
    expect(a.contribution).toEqual({ current: -15_000, previous: 50_000, change: -65_000, changeShare: -1.3 });
    // NPS: 50 and −50; each half's own margin, adjusted-Wald with N = 5 invited, n = 4:
    //   1.96·sqrt(0.70408/7)·100 = 62.16, × sqrt((5 − 4)/(5 − 1)) = ½ → 31.08.
    // The change is tested without that correction: combined sqrt(62.16² + 62.16²) = 87.91 < 100 — but 4 answers a
    // side are fewer than 5: too few answers to tell, not significant.
    expect(a.nps).toEqual({
      current: { nps: -50, marginOfError: 31.08, responses: 4, invited: 5, asked: 5, everyoneAnswered: false },
      previous: { nps: 50, marginOfError: 31.08, responses: 4, invited: 5, asked: 5, everyoneAnswered: false },
      change: -100,
      combinedMargin: 87.91,
      significant: false,
      reason: 'too_few_answers',
    });
    expect(a.audit).toEqual({ latest: null, previous: null, change: null, significant: false });
    expect(a.loop).toMatchObject({ detractorsFollowedUp: 1, detractorsImprovedShare: 1 });
    const h2Tasks = (await manager.get(`/api/tasks?accountId=${acme.accountId}&pageSize=100`)).body.data.filter((t: any) => t.createdAt >= '2026-07-01');
    expect(a.loop.tasks).toBe(h2Tasks.length);
    expect(h2Tasks.length).toBeGreaterThanOrEqual(3); // the three H2 detractors
    expect(a.plan).toEqual({ exists: false, current: false, updatedAt: null, actions: 0, done: 0, doneShare: null });
    expect(a.relationships).toEqual({ contacts: { instigator: 2, influencer: 2, implementer: 1 }, counterpartPairs: 0, gaps: [] });
    expect(a.partnership).toMatchObject({ latest: 37.5, previous: 75, change: -37.5 });
    expect(a.evaluation.needsDecision).toBe(true);
    expect(a.evaluation.reasons).toEqual([
      'Negative contribution in 2026-H2: −150.00',
      'No account plan',
      'Partnership score falling: 75 → 37.5 (−37.5 points)',
      'Renewal in 30 days (2027-02-03)',
    ]);
    expect(a.evaluation.attention).toContain('NPS fell 100 points (+50 from 4 answers → −50 from 4 answers), too few answers to tell');

    const b = report.accounts[1];
    expect(b.plan).toMatchObject({ exists: true, current: true, actions: 2, done: 1, doneShare: 0.5 });
    expect(b.evaluation.needsDecision).toBe(false);
    expect(b.relationships.gaps).toEqual([]);
    expect(b.sales).toEqual({ current: null, previous: null, change: null, changeShare: null });

    expect(report.program).toMatchObject({
      accounts: 2,
      needingDecision: 1,
      sales: { current: 150_000, previous: 220_000, change: -70_000 },
      contribution: { current: -15_000, previous: 50_000 },
    });
    expect(report.program.needsAttention.filter((n: any) => n.decision).map((n: any) => n.accountName)).toEqual(Array(4).fill('Acme'));

    // The first half asked for by name: compared with 2025-H2, which has only 2025-Q4.
    const h1 = await manager.get('/api/reports/program?period=2026-H1');
    expect(h1.status).toBe(200);
    expect(h1.body.accounts.find((x: any) => x.accountName === 'Acme').sales).toEqual({ current: 220_000, previous: 999_999, change: -779_999, changeShare: -0.78 });

    // An executive sees every key account; another manager only theirs.
    const executive = await ctx.signIn(executiveUser);
    const all = await executive.get('/api/reports/program?period=2026-H2');
    expect(all.body.accounts.map((x: any) => x.accountName).sort()).toEqual(['Acme', 'Bolt', 'Theirs']);
    const tom = await ctx.signIn(other);
    expect((await tom.get('/api/reports/program?period=2026-H2')).body.accounts.map((x: any) => x.accountId)).toEqual([theirs.accountId]);

    // CSV parsed back: one row per account, in the same order, with the same figures.
    const csv = await manager.get('/api/reports/program?period=2026-H2&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(csv.text).map((r) => r.fields);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    expect(rows.map((r) => col(r, 'accountName'))).toEqual(['Acme', 'Bolt']);
    const acmeRow = rows[0]!;
    expect(col(acmeRow, 'needsDecision')).toBe('true');
    expect(col(acmeRow, 'sales')).toBe('150000');
    expect(col(acmeRow, 'previousSales')).toBe('220000');
    expect(col(acmeRow, 'contribution')).toBe('-15000');
    expect(col(acmeRow, 'nps')).toBe('-50');
    expect(col(acmeRow, 'npsMargin')).toBe('31.08');
    expect(col(acmeRow, 'partnershipScore')).toBe('37.5');
    expect(col(acmeRow, 'reasons')!.split('; ')).toEqual(a.evaluation.reasons);
    expect(col(rows[1]!, 'actionsDoneShare')).toBe('0.5');
  }, 120_000); // two survey rounds over HTTP: slow on a busy machine

  it('validates the period', async () => {
    const executive = await ctx.signIn('executive');
    expect((await executive.get('/api/reports/program?period=2026-Q3')).status).toBe(400);
    expect((await executive.get('/api/reports/program?period=2026-H3')).status).toBe(400);
    expect((await executive.get('/api/reports/program?format=xml')).status).toBe(400);
    expect((await ctx.anonymous().get('/api/reports/program')).status).toBe(401);
  });
});
