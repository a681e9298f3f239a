import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestContext, TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts } from '../helpers/survey-fixtures.js';
import { teamPulseAnswers } from '../../src/server/db/schema/index.js';
import { parseCsv } from '../../src/server/domain/csv.js';

/**
 * Our own team's voice: Acme's team is María (owner), Tom, Erin (executive sponsor), Uma and Ugo. Bolt's team is
 * María and Tom. In 2026-H1 three of Acme's people answer; in 2026-H2 four answer Acme (Tom revises his) and both
 * answer Bolt — too few there to show anything.
 */

type Client = TestClient & { user: TestUser };
let ctx: TestContext;
let admin: Client;
let maria: Client;
let tom: Client;
let erin: Client;
let uma: Client;
let ugo: Client;
let outsider: Client;
let acme: string;
let bolt: string;
let plainCustomer: string;

const answer = (client: Client, accountId: string, json: unknown) => client.request('PUT', `/api/team-pulse/${accountId}`, { json });
const rowsOf = (userId: string, accountId: string) =>
  ctx.deps.db.select().from(teamPulseAnswers).where(and(eq(teamPulseAnswers.userId, userId), eq(teamPulseAnswers.accountId, accountId)));

const again = (client: Client) => ctx.signIn(client.user);

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set('2026-05-04T09:00:00Z'); // 2026-H1
  // One at a time: sign-ins at once are rate limited.
  admin = await ctx.signIn('admin');
  maria = await ctx.signIn(await ctx.createUser('account_manager', { name: 'María Santos' }));
  tom = await ctx.signIn('account_manager');
  erin = await ctx.signIn('executive');
  uma = await ctx.signIn('account_manager');
  ugo = await ctx.signIn('account_manager');
  outsider = await ctx.signIn('account_manager');
  ({ accountId: acme } = await createAccountWithContacts(maria, [], { name: 'Acme' }));
  ({ accountId: bolt } = await createAccountWithContacts(maria, [], { name: 'Bolt' }));
  ({ accountId: plainCustomer } = await createAccountWithContacts(maria, [], { name: 'Corner Shop', stage: 'customer' }));
  for (const [accountId, member, teamRole] of [
    [acme, tom, 'Delivery lead'],
    [acme, erin, 'Executive sponsor'],
    [acme, uma, 'Finance'],
    [acme, ugo, 'Support'],
    [bolt, tom, 'Delivery lead'],
    [plainCustomer, tom, 'Delivery lead'],
  ] as const) {
    const res = await maria.post(`/api/accounts/${accountId}/plan/team`, { userId: member.user.id, teamRole });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(() => ctx.close());

describe('answering the team pulse', () => {
  it('shows each member the key accounts whose team they are on, unanswered, with their place on the team', async () => {
    const mine = await maria.get('/api/team-pulse');
    expect(mine.status).toBe(200);
    expect(mine.body.period).toBe('2026-H1');
    expect(mine.body.pulses.map((p: any) => [p.accountName, p.teamRole, p.answer])).toEqual([
      ['Acme', 'Account owner', null],
      ['Bolt', 'Account owner', null],
    ]);
    // Corner Shop is a customer, not a key account: nobody is asked about it.
    const toms = await tom.get('/api/team-pulse');
    expect(toms.body.pulses.map((p: any) => [p.accountName, p.teamRole])).toEqual([
      ['Acme', 'Delivery lead'],
      ['Bolt', 'Delivery lead'],
    ]);
    expect((await outsider.get('/api/team-pulse')).body.pulses).toEqual([]);
  });

  it('takes one answer per person and half: answering again revises it, and the answered pulse moves down the list', async () => {
    // 2026-H1: María 6/5, Tom 7/4, Erin 8/6.
    for (const [client, deliveryMark, collaborationMark] of [
      [maria, 6, 5],
      [tom, 7, 4],
      [erin, 8, 6],
    ] as const) {
      const res = await answer(client, acme, { deliveryMark, collaborationMark });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ accountName: 'Acme', period: '2026-H1', answer: { deliveryMark, collaborationMark, friction: null, doDifferently: null } });
    }

    ctx.clock.set('2026-10-05T09:00:00Z'); // 2026-H2: last half's answers do not count as answered now
    // Five months on, everyone signs in again (sessions do not last that long).
    admin = await again(admin);
    maria = await again(maria);
    tom = await again(tom);
    erin = await again(erin);
    uma = await again(uma);
    ugo = await again(ugo);
    outsider = await again(outsider);
    expect((await maria.get('/api/team-pulse')).body.pulses.map((p: any) => [p.accountName, p.period, p.answer])).toEqual([
      ['Acme', '2026-H2', null],
      ['Bolt', '2026-H2', null],
    ]);
    const first = await answer(maria, acme, { deliveryMark: 8, collaborationMark: 7, friction: '  Billing and delivery argue over credit notes  ', doDifferently: '' });
    expect(first.body.answer).toMatchObject({ deliveryMark: 8, collaborationMark: 7, friction: 'Billing and delivery argue over credit notes', doDifferently: null });
    expect((await maria.get('/api/team-pulse')).body.pulses.map((p: any) => [p.accountName, p.answer?.deliveryMark ?? null])).toEqual([
      ['Bolt', null],
      ['Acme', 8],
    ]);

    await answer(tom, acme, { deliveryMark: 9, collaborationMark: 5 });
    ctx.clock.advance(3_600_000);
    const revised = await answer(tom, acme, { deliveryMark: 9, collaborationMark: 6, doDifferently: 'Name one owner for escalations' });
    expect(revised.status).toBe(200);
    const toms = await rowsOf(tom.user.id, acme);
    expect(toms.map((r) => [r.period, r.deliveryMark, r.collaborationMark, r.doDifferently])).toEqual(
      expect.arrayContaining([
        ['2026-H1', 7, 4, null],
        ['2026-H2', 9, 6, 'Name one owner for escalations'],
      ]),
    );
    expect(toms).toHaveLength(2);
    expect((await tom.get('/api/team-pulse')).body.pulses.find((p: any) => p.accountName === 'Acme').answer).toMatchObject({ collaborationMark: 6, updatedAt: '2026-10-05T10:00:00.000Z' });

    await answer(erin, acme, { deliveryMark: 7, collaborationMark: 7 });
    await answer(uma, acme, { deliveryMark: 10, collaborationMark: 8, friction: '   ', doDifferently: 'Bring finance to the QBR' });
    await answer(maria, bolt, { deliveryMark: 3, collaborationMark: 2, friction: 'Nobody owns the Bolt backlog' });
    await answer(tom, bolt, { deliveryMark: 4, collaborationMark: 3 });
  });

  it('refuses marks outside 0–10, half marks, missing marks and unknown fields, writing nothing', async () => {
    for (const json of [
      { deliveryMark: 11, collaborationMark: 5 },
      { deliveryMark: -1, collaborationMark: 5 },
      { deliveryMark: 7.5, collaborationMark: 5 },
      { deliveryMark: '7', collaborationMark: 5 },
      { deliveryMark: 7 },
      { deliveryMark: 7, collaborationMark: 5, userId: maria.user.id },
      { deliveryMark: 7, collaborationMark: 5, friction: 'x'.repeat(2001) },
    ]) {
      const res = await answer(ugo, acme, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await ugo.request('PUT', '/api/team-pulse/not-a-uuid', { json: { deliveryMark: 7, collaborationMark: 5 } })).status).toBe(400);
    expect(await rowsOf(ugo.user.id, acme)).toEqual([]);
  });

  it("is 404 for anyone not on the account's team, for accounts that are not key accounts, and for unknown accounts", async () => {
    const good = { deliveryMark: 5, collaborationMark: 5 };
    expect((await answer(outsider, acme, good)).status).toBe(404);
    // An admin sees every account but is not on Acme's team: their voice is not the team's.
    expect((await answer(admin, acme, good)).status).toBe(404);
    expect((await answer(tom, plainCustomer, good)).status).toBe(404);
    expect((await answer(tom, '00000000-0000-4000-8000-000000000000', good)).status).toBe(404);
    expect(await rowsOf(outsider.user.id, acme)).toEqual([]);
    expect(await rowsOf(admin.user.id, acme)).toEqual([]);
    expect(await rowsOf(tom.user.id, plainCustomer)).toEqual([]);
  });
});

describe("an account's results", () => {
  it('show means with margins, the response rate and the words without names, against the half before', async () => {
    const res = await maria.get(`/api/accounts/${acme}/team-pulse`);
    expect(res.status, res.text).toBe(200);
    // 2026-H2: delivery 8, 9, 7, 10 → mean 8.5, s = √(5/3) = 1.291, margin 1.96 · 1.291 / √4 = 1.27;
    // collaboration 7, 6, 7, 8 → mean 7, s = √(2/3) = 0.816, margin 0.80. Asked 5 (María, Tom, Erin, Uma, Ugo), 4 answered.
    expect(res.body.current).toEqual({
      period: '2026-H2',
      asked: 5,
      answered: 4,
      responseRate: 0.8,
      shown: true,
      counted: 4,
      delivery: { mean: 8.5, marginOfError: 1.27 },
      collaboration: { mean: 7, marginOfError: 0.8 },
    });
    // 2026-H1: delivery 6, 7, 8 → 7 ± 1.96 · 1 / √3 = 1.13; collaboration 5, 4, 6 → 5 ± 1.13.
    expect(res.body.previous).toEqual({
      period: '2026-H1',
      asked: 5,
      answered: 3,
      responseRate: 0.6,
      shown: true,
      counted: 3,
      delivery: { mean: 7, marginOfError: 1.13 },
      collaboration: { mean: 5, marginOfError: 1.13 },
    });
    // +1.5 against a combined margin of √(1.13² + 1.27²) = 1.70, but fewer than 5 answers a side: too few to tell.
    expect(res.body.deliveryChange).toEqual({ change: 1.5, combinedMargin: 1.7, significant: false, reason: 'too_few_answers' });
    expect(res.body.collaborationChange).toMatchObject({ change: 2, significant: false, reason: 'too_few_answers' });
    // The words, blank ones dropped, in alphabetical order: nothing says who wrote which, or when.
    expect(res.body.friction).toEqual(['Billing and delivery argue over credit notes']);
    expect(res.body.doDifferently).toEqual(['Bring finance to the QBR', 'Name one owner for escalations']);
    expect(res.text).not.toContain(tom.user.id);
    expect(res.text).not.toContain(maria.user.name);

    const h1 = await erin.get(`/api/accounts/${acme}/team-pulse?period=2026-H1`);
    expect(h1.body.current).toMatchObject({ period: '2026-H1', answered: 3, delivery: { mean: 7 } });
    expect(h1.body.previous).toMatchObject({ period: '2025-H2', answered: 0, shown: false, delivery: { mean: null } });
    expect((await admin.get(`/api/accounts/${acme}/team-pulse`)).status).toBe(200);
  });

  it('hide the marks and words while fewer than three people answered', async () => {
    const res = await maria.get(`/api/accounts/${bolt}/team-pulse`);
    expect(res.body.current).toEqual({
      period: '2026-H2',
      asked: 2,
      answered: 2,
      responseRate: 1,
      shown: false,
      counted: 0,
      delivery: { mean: null, marginOfError: null },
      collaboration: { mean: null, marginOfError: null },
    });
    expect(res.body.friction).toEqual([]);
    expect(res.body.deliveryChange).toMatchObject({ change: null, significant: false });
    expect(res.text).not.toContain('Bolt backlog');
  });

  it("are for the account's manager, executives and admins: another manager gets 404, even one on the team", async () => {
    expect((await outsider.get(`/api/accounts/${acme}/team-pulse`)).status).toBe(404);
    expect((await tom.get(`/api/accounts/${acme}/team-pulse`)).status).toBe(404);
    expect((await maria.get(`/api/accounts/${acme}/team-pulse?period=2026-H3`)).status).toBe(400);
  });
});

describe('the program evaluation', () => {
  it('shows what our employees say beside what the customers say, hidden accounts left out of the marks', async () => {
    const res = await erin.get('/api/reports/program');
    expect(res.status, res.text).toBe(200);
    const pulse = res.body.teamPulse;
    expect(pulse.minimumAnswers).toBe(3);
    // 2026-H2: asked 5 (Acme) + 2 (Bolt) = 7, answered 4 + 2 = 6 (86 %); Bolt's two answers are hidden, so the marks
    // are Acme's four alone: delivery 8.5 ± 1.27, collaboration 7 ± 0.80.
    expect(pulse.current).toEqual({
      period: '2026-H2',
      asked: 7,
      answered: 6,
      responseRate: 0.8571,
      shown: true,
      counted: 4,
      delivery: { mean: 8.5, marginOfError: 1.27 },
      collaboration: { mean: 7, marginOfError: 0.8 },
    });
    // 2026-H1: asked 7, answered 3 (43 %): Acme's three.
    expect(pulse.previous).toMatchObject({ period: '2026-H1', asked: 7, answered: 3, responseRate: 0.4286, counted: 3, delivery: { mean: 7, marginOfError: 1.13 } });
    expect(pulse.deliveryChange).toEqual({ change: 1.5, combinedMargin: 1.7, significant: false, reason: 'too_few_answers' });
    const byName = Object.fromEntries(pulse.accounts.map((a: any) => [a.accountName, a]));
    expect(Object.keys(byName).sort()).toEqual(['Acme', 'Bolt']);
    expect(byName.Acme.team).toMatchObject({ answered: 4, asked: 5, shown: true, delivery: { mean: 8.5 } });
    expect(byName.Bolt.team).toMatchObject({ answered: 2, asked: 2, shown: false, delivery: { mean: null } });
    // Beside each account, the customer's side: no survey answers yet in this story.
    expect(byName.Acme.customerNps).toEqual({ nps: null, marginOfError: null, responses: 0 });
    expect(byName.Acme.customerAudit).toBeNull();

    // The CSV carries the same per account, and nothing of Bolt's hidden marks.
    const csv = parseCsv((await erin.get('/api/reports/program?format=csv')).text).map((r) => r.fields);
    const col = (name: string) => csv[0]!.indexOf(name);
    const rowOf = (name: string) => csv.find((r) => r[1] === name)!;
    const teamCells = (name: string) => ['teamAsked', 'teamAnswered', 'teamDeliveryMark', 'teamDeliveryMargin', 'teamCollaborationMark', 'teamCollaborationMargin'].map((c) => rowOf(name)[col(c)]);
    expect(teamCells('Acme')).toEqual(['5', '4', '8.5', '1.27', '7', '0.8']);
    expect(teamCells('Bolt')).toEqual(['2', '2', '', '', '', '']);

    // A manager's evaluation holds only their accounts; another manager's has none of these.
    expect((await maria.get('/api/reports/program')).body.teamPulse.current.answered).toBe(6);
    expect((await outsider.get('/api/reports/program')).body.teamPulse).toMatchObject({ accounts: [], current: { asked: 0, answered: 0, responseRate: null, shown: false } });
  });
});

describe('who answers', () => {
  it('is the person, in the app: an API key with the write scope cannot answer for its owner', async () => {
    // Run last: Delta adds an account to the program's counts.
    const { accountId: delta } = await createAccountWithContacts(admin, [], { name: 'Delta' });
    const minted = await admin.post('/api/api-keys', { name: 'Integration', scope: 'write' });
    expect(minted.status, minted.text).toBe(201);
    const script = new TestClient(ctx.app, { authorization: `Bearer ${minted.body.key}` });
    const res = await script.request('PUT', `/api/team-pulse/${delta}`, { json: { deliveryMark: 9, collaborationMark: 9 } });
    expect(res.status).toBe(403);
    expect(await rowsOf(admin.user.id, delta)).toEqual([]);
    // Signed in, the admin (Delta's owner) answers.
    expect((await answer(admin, delta, { deliveryMark: 9, collaborationMark: 9 })).status).toBe(200);
  });
});
