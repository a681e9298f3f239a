import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/server/domain/csv.js';
import { accountQuarterValues, touchpoints } from '../../src/server/db/schema/index.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { answerLatestNps, createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 30 });
});
afterAll(() => ctx.close());

const answer = (emails: string[], scores: (number | null)[]) => answerLatestNps(ctx, emails, scores);

/** Contacts answer the latest audit they got: marks out of ten (and what the audit asks besides). */
async function answerAudit(emails: string[], marks: (number | null)[]) {
  for (const [i, mark] of marks.entries()) {
    if (mark === null) continue;
    const email = await emailTo(ctx, emails[i]!);
    const answers = { marks: mark, supplier_or_partner: { selected: ['partner'] }, nps: 9, how_we_help: 'Fine' };
    const res = await ctx.anonymous().post(`/s/${email.surveyToken}/answers`, { answers, complete: true });
    expect(res.status).toBeLessThan(400);
  }
}

describe('GET /api/reports/scorecards', () => {
  it("scores each manager's key accounts over the half against the one before; a manager sees only their own", async () => {
    const db = ctx.deps.db;
    const mariaUser = await ctx.createUser('account_manager', { name: 'Maria' });
    const tomUser = await ctx.createUser('account_manager', { name: 'Tom' });
    const zedUser = await ctx.createUser('account_manager', { name: 'Zed' }); // no key accounts
    const unaUser = await ctx.createUser('account_manager', { name: 'Una' }); // audits in both halves
    const executiveUser = await ctx.createUser('executive');
    let maria = await ctx.signIn(mariaUser);
    let admin = await ctx.signIn('admin');

    // Maria: Acme (an instigator, three implementers, a silent influencer) and Bolt (one implementer, who never answers).
    const acme = await createAccountWithContacts(maria, [{ level: 'instigator' }, { level: 'implementer' }, { level: 'implementer' }, { level: 'implementer' }, { level: 'influencer' }], { name: 'Acme' });
    const bolt = await createAccountWithContacts(maria, [{ level: 'implementer' }], { name: 'Bolt' });
    // Tom: Theirs, one instigator.
    const theirs = await createAccountWithContacts(admin, [{ level: 'instigator' }], { name: 'Theirs', ownerId: tomUser.id });
    const audited = await createAccountWithContacts(admin, [{}, {}, {}], { name: 'Audited', ownerId: unaUser.id });
    // Bolt's plan records our share of their spend: 35 %. Acme has no plan.
    expect((await maria.patch(`/api/accounts/${bolt.accountId}/plan`, { intelligence: { ourShareOfSpend: 35 } })).status).toBe(200);

    // 2026-H1 (the clock starts on 2 March): Acme answers 10, 10, 9, 3 → P 3, D 1 of 4 asked 5: NPS +50.
    await sendCampaign(ctx, maria, { accountIds: [acme.accountId] });
    await answer(acme.emails, [10, 10, 9, 3, null]);
    await sendCampaign(ctx, admin, { accountIds: [audited.accountId], survey: 'audit', name: 'Audit H1' });
    await answerAudit(audited.emails, [6, 8, null]);

    // 2026-H2: Acme 0, 1, 2, 9 → P 1, D 3: NPS −50 (the H1 detractor now answers 9). Theirs: one 10.
    ctx.clock.set('2026-09-15T09:00:00Z');
    maria = await ctx.signIn(mariaUser);
    admin = await ctx.signIn('admin');
    await sendCampaign(ctx, maria, { accountIds: [acme.accountId] });
    await answer(acme.emails, [0, 1, 2, 9, null]);
    await sendCampaign(ctx, admin, { accountIds: [theirs.accountId] });
    await answer(theirs.emails, [10]);
    await sendCampaign(ctx, admin, { accountIds: [audited.accountId], survey: 'audit', name: 'Audit H2' });
    await answerAudit(audited.emails, [9, 9, 9]);

    // Met in H2: Acme's silent influencer (a QBR) and Bolt's implementer (a call); Acme's instigator only in H1.
    const met = (accountId: string, occurredOn: string, contactIds: string[]) => ({ accountId, occurredOn, kind: 'qbr' as const, contactIds, userIds: [mariaUser.id] });
    await db.insert(touchpoints).values([
      met(acme.accountId, '2026-08-20', [acme.contactIds[4]!]),
      met(bolt.accountId, '2026-12-31', [bolt.contactIds[0]!]),
      met(acme.accountId, '2026-06-30', [acme.contactIds[0]!]),
    ]);

    const now = ctx.clock.now();
    const value = (accountId: string, quarter: string, revenue: number, grossProfit: number) => ({ accountId, quarter, revenue, grossProfit, createdAt: now, updatedAt: now });
    await db.insert(accountQuarterValues).values([
      value(acme.accountId, '2026-Q1', 100_000, 30_000),
      value(acme.accountId, '2026-Q2', 120_000, 35_000),
      value(acme.accountId, '2026-Q3', 90_000, 20_000),
      value(acme.accountId, '2026-Q4', 60_000, 12_000),
      value(bolt.accountId, '2026-Q3', 500_000, 250_000), // a first entry: not expansion
      value(theirs.accountId, '2026-Q1', 50_000, 10_000),
      value(theirs.accountId, '2026-Q3', 60_000, 15_000),
    ]);

    // In September 2026-H2 is running: like with like, Q3 so far against Q1.
    const running = await maria.get('/api/reports/scorecards');
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({ period: '2026-H2', running: true, quarters: ['2026-Q3'], previousQuarters: ['2026-Q1'] });
    expect(running.body.scorecards[0].expansion).toEqual({ revenue: { current: 90_000, previous: 100_000, change: -10_000, changeShare: -0.1 }, accounts: 1, growing: 0 });

    ctx.clock.set('2027-01-04T09:00:00Z');
    maria = await ctx.signIn(mariaUser);
    const res = await maria.get('/api/reports/scorecards?period=2026-H2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ period: '2026-H2', previousPeriod: '2026-H1', running: false, quarters: ['2026-Q3', '2026-Q4'], previousQuarters: ['2026-Q1', '2026-Q2'] });
    expect(res.body.notes.join(' ')).toMatch(/product lines/);
    expect(res.body.scorecards.map((s: any) => s.manager.name)).toEqual(['Maria']); // never Tom's
    const m = res.body.scorecards[0];
    expect(m.keyAccounts).toBe(2);
    // Acme only (Bolt has no H1 values): 150,000 against 220,000.
    expect(m.expansion).toEqual({ revenue: { current: 150_000, previous: 220_000, change: -70_000, changeShare: -0.3182 }, accounts: 1, growing: 0 });
    // 32,000 / 150,000 = 0.2133 against 65,000 / 220,000 = 0.2955: −8.2 points.
    expect(m.margin).toEqual({ current: 0.2133, previous: 0.2955, changePoints: -8.2 });
    expect(m.customerShare).toEqual({ meanPercent: 35, recorded: 1, accounts: 2 });
    // As the program evaluation: n = 4 of 5 asked, adjusted-Wald 62.16 × ½ (finite population) = 31.08; the change
    // is tested without the correction, sqrt(62.16² + 62.16²) = 87.91, and 4 answers a side are too few to tell.
    expect(m.nps).toEqual({
      current: { nps: -50, marginOfError: 31.08, responses: 4, invited: 5, asked: 5, everyoneAnswered: false },
      previous: { nps: 50, marginOfError: 31.08, responses: 4, invited: 5, asked: 5, everyoneAnswered: false },
      change: { points: -100, combinedMargin: 87.91, significant: false, reason: 'too_few_answers' },
    });
    expect(m.audit).toEqual({ current: { mean: null, marginOfError: null, n: 0 }, previous: { mean: null, marginOfError: null, n: 0 }, change: null, significant: false });
    // The H1 detractor (3) answered 9 later: followed up and improved.
    expect(m.loop).toMatchObject({ detractorsFollowedUp: 1, detractorsImprovedShare: 1 });
    const h2Tasks = (await maria.get('/api/tasks?pageSize=100')).body.data.filter((t: any) => t.createdAt >= '2026-07-01' && [acme.accountId, bolt.accountId].includes(t.accountId));
    expect(h2Tasks.length).toBeGreaterThanOrEqual(3); // the three H2 detractors' follow-ups
    expect(m.loop.tasks).toBe(h2Tasks.length);
    // Known: instigator at Acme, influencer at Acme, implementers at both. Answered in H2: Acme's instigator and implementers.
    // Met in H2 (2026-07-01 up to 2027-01-01): Acme's influencer, Bolt's implementer; the 30 June meeting is H1's.
    expect(m.coverage).toEqual([
      { level: 'instigator', known: 1, answered: 1, touched: 0, accounts: 2, knownShare: 0.5, answeredShare: 0.5, touchedShare: 0 },
      { level: 'influencer', known: 1, answered: 0, touched: 1, accounts: 2, knownShare: 0.5, answeredShare: 0, touchedShare: 0.5 },
      { level: 'implementer', known: 2, answered: 1, touched: 1, accounts: 2, knownShare: 1, answeredShare: 0.5, touchedShare: 0.5 },
    ]);

    // Executives see every manager owning key accounts, by name.
    const executive = await ctx.signIn(executiveUser);
    const all = await executive.get('/api/reports/scorecards?period=2026-H2');
    expect(all.status).toBe(200);
    const names = all.body.scorecards.map((s: any) => s.manager.name);
    expect(names).toContain('Maria');
    expect(names).toContain('Tom');
    expect(names).not.toContain('Zed');
    const t = all.body.scorecards.find((s: any) => s.manager.name === 'Tom');
    // 60,000 against 50,000: +20 %; margin 0.25 against 0.2: +5 points. One 10 from a list of one: exact, no margin shown
    // as "±0.0" (everyoneAnswered), and no previous half to compare with.
    expect(t.expansion).toEqual({ revenue: { current: 60_000, previous: 50_000, change: 10_000, changeShare: 0.2 }, accounts: 1, growing: 1 });
    expect(t.margin).toEqual({ current: 0.25, previous: 0.2, changePoints: 5 });
    expect(t.customerShare).toEqual({ meanPercent: null, recorded: 0, accounts: 1 });
    expect(t.nps.current).toMatchObject({ nps: 100, responses: 1, invited: 1, asked: 1, everyoneAnswered: true });
    expect(t.nps.previous).toMatchObject({ nps: null, responses: 0 });
    expect(t.nps.change).toEqual({ points: null, combinedMargin: null, significant: false, reason: 'no_previous' });

    // Una's audits: H1 6 and 8 (mean 7, sd √2, margin 1.96 · √2 / √2 = 1.96); H2 9, 9, 9 (mean 9, sd 0: margin 0,
    // which the page leaves out rather than print "±0.0"). The rise of 2 is beyond √(1.96² + 0²) = 1.96.
    const u = all.body.scorecards.find((s: any) => s.manager.name === 'Una');
    expect(u.audit).toEqual({ current: { mean: 9, marginOfError: 0, n: 3 }, previous: { mean: 7, marginOfError: 1.96, n: 2 }, change: 2, significant: true });

    // Tom sees his own; Zed, with no key accounts, an empty card of his own and nobody else's.
    const tom = await ctx.signIn(tomUser);
    expect((await tom.get('/api/reports/scorecards?period=2026-H2')).body.scorecards.map((s: any) => s.manager.id)).toEqual([tomUser.id]);
    const zed = await ctx.signIn(zedUser);
    const zedCards = (await zed.get('/api/reports/scorecards?period=2026-H2')).body.scorecards;
    expect(zedCards.map((s: any) => s.manager.id)).toEqual([zedUser.id]);
    expect(zedCards[0]).toMatchObject({ keyAccounts: 0, nps: { current: { nps: null, responses: 0 } }, expansion: { accounts: 0 } });

    // CSV: one row per manager, the same figures; a manager's CSV holds only their row.
    const csv = await executive.get('/api/reports/scorecards?period=2026-H2&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('keypulse-scorecards-2026-H2.csv');
    const [header, ...rows] = parseCsv(csv.text).map((r) => r.fields);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    const mariaRow = rows.find((r) => col(r, 'manager') === 'Maria')!;
    expect(col(mariaRow, 'revenue')).toBe('150000');
    expect(col(mariaRow, 'previousRevenue')).toBe('220000');
    expect(col(mariaRow, 'grossMarginChangePoints')).toBe('-8.2');
    expect(col(mariaRow, 'nps')).toBe('-50');
    expect(col(mariaRow, 'npsMargin')).toBe('31.08');
    expect(col(mariaRow, 'npsResponses')).toBe('4');
    expect(col(mariaRow, 'npsChangeReason')).toBe('too_few_answers');
    expect(col(mariaRow, 'customerSharePercent')).toBe('35');
    expect(col(mariaRow, 'implementersKnown')).toBe('2');
    const own = await maria.get('/api/reports/scorecards?period=2026-H2&format=csv');
    const ownRows = parseCsv(own.text).map((r) => r.fields).slice(1);
    expect(ownRows.map((r) => col(r, 'manager'))).toEqual(['Maria']);
  }, 120_000); // two survey rounds over HTTP: slow on a busy machine

  it('validates the period and needs a session', async () => {
    const executive = await ctx.signIn('executive');
    expect((await executive.get('/api/reports/scorecards?period=2026-Q3')).status).toBe(400);
    expect((await executive.get('/api/reports/scorecards?period=2026-H3')).status).toBe(400);
    expect((await executive.get('/api/reports/scorecards?format=xml')).status).toBe(400);
    expect((await ctx.anonymous().get('/api/reports/scorecards')).status).toBe(401);
  });
});
