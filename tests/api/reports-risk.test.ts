import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign, type FixtureContact } from '../helpers/survey-fixtures.js';
import { messages } from '../../src/server/db/schema/index.js';
import { parseCsv } from '../../src/server/domain/csv.js';

// Monday 2 March 2026, 09:00 UTC: the report's "now". Q1 2026 is the latest quarter, Q4 2025 the one before.
const NOW = '2026-03-02T09:00:00Z';

let ctx: TestContext;
let manager: TestClient & { user: TestUser };
let executive: TestClient & { user: TestUser };
/** Account name → id, for the crafted portfolio of `manager`. */
const crafted = new Map<string, string>();

type Answers = Record<string, unknown>;

/** A survey to the account's contacts, then the given answers (in contact order; null = no answer). */
async function survey(accountId: string, emails: string[], answers: (Answers | null)[], kind: 'nps' | 'audit' = 'nps') {
  const campaign = await sendCampaign(ctx, manager, { accountIds: [accountId], survey: kind });
  for (const [i, given] of answers.entries()) {
    if (!given) continue;
    // The link from the email this contact got for this campaign.
    const [mail] = await ctx.database.db
      .select({ text: messages.text })
      .from(messages)
      .where(and(eq(messages.campaignId, campaign.id), eq(messages.toAddress, emails[i]!)));
    const token = /\/s\/([\w-]+)/.exec(mail!.text!)![1];
    const res = await ctx.anonymous().post(`/s/${token}/answers`, { answers: given, complete: true });
    expect(res.status).toBe(200);
  }
}

/** An account of `manager` with contacts at every level unless told otherwise. */
async function account(name: string, contacts: FixtureContact[] | number = 3, fields: Record<string, unknown> = {}) {
  const list = typeof contacts === 'number' ? Array.from({ length: contacts }, () => ({})) : contacts;
  const created = await createAccountWithContacts(manager, list, { name, ...fields });
  crafted.set(name, created.accountId);
  return created;
}

const nps = (...scores: number[]) => scores.map((score) => ({ nps: score }));
const audit = (marks: number, choice: 'supplier' | 'partner') => ({ marks, supplier_or_partner: { selected: [choice] }, nps: 9 });

async function riskOf(client: TestClient, query = '') {
  const res = await client.get(`/api/reports/risk${query}`);
  expect(res.status).toBe(200);
  return res.body as { generatedAt: string; accounts: any[] };
}
const byName = (report: { accounts: any[] }, name: string) => report.accounts.find((a) => a.name === name);

beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
  manager = await ctx.signIn('account_manager');
  executive = await ctx.signIn('executive');
  // Follow-up rules off, so each crafted account carries only the reason it was made for (tasks are made by hand).
  const admin = await ctx.signIn('admin');
  for (const rule of (await admin.get('/api/follow-up-rules')).body.data) {
    await admin.patch(`/api/follow-up-rules/${rule.id}`, { enabled: false });
  }

  // Last quarter: everyone at "Falling" was a promoter.
  ctx.clock.set('2025-11-10T09:00:00Z');
  const falling = await account('Falling', 10);
  await survey(falling.accountId, falling.emails, nps(10, 10, 10, 10, 10, 10, 9, 9, 9, 9));
  // Ten days ago: a survey to "Silent" nobody answered.
  ctx.clock.set('2026-02-20T09:00:00Z');
  const silent = await account('Silent');
  await survey(silent.accountId, silent.emails, [null, null, null]);
  // Yesterday: a survey to "Just asked", too recent to call silence.
  ctx.clock.set('2026-03-01T09:00:00Z');
  const justAsked = await account('Just asked');
  await survey(justAsked.accountId, justAsked.emails, [null, null, null]);
  ctx.clock.set(NOW);

  const healthy = await account('Healthy');
  await survey(healthy.accountId, healthy.emails, nps(10, 9, 9));
  await survey(falling.accountId, falling.emails, nps(10, 10, 10, 8, 8, 7, 7, 3, 3, 3));
  const lowNps = await account('Low NPS');
  await survey(lowNps.accountId, lowNps.emails, nps(9, 7, 5));
  const split = await account('Split', 4);
  await survey(split.accountId, split.emails, nps(10, 10, 10, 3));
  // Half of the six contacts answered: a margin with the finite-population correction, not everyone.
  const half = await account('Half heard', 6);
  await survey(half.accountId, half.emails, [...nps(10, 9, 8), null, null, null]);
  // One contact, one answer, a detractor: −100 from one person is no NPS reason (fewer than 3 answers).
  const one = await account('One voice', [{ level: 'instigator' }, { level: 'influencer' }, { level: 'implementer' }]);
  await survey(one.accountId, one.emails, [...nps(2), null, null]);

  const late = await account('Late follow-up');
  await manager.post('/api/tasks', { accountId: late.accountId, title: 'Send the revised quote', dueAt: '2026-02-20' });
  const lateHigh = await account('Late urgent follow-up');
  await manager.post('/api/tasks', { accountId: lateHigh.accountId, title: 'Call about the outage', priority: 'high', dueAt: '2026-02-27' });

  await account('Renewing', 3, { renewalDate: '2026-05-01' });
  const renewingLate = await account('Renewing with a late task', 3, { renewalDate: '2026-05-01' });
  await manager.post('/api/tasks', { accountId: renewingLate.accountId, title: 'Prepare the renewal offer', dueAt: '2026-02-25' });

  await account('One contact', [{ level: 'implementer' }]);
  await account('Nobody on file', []);
  await account('No decision maker', [{ level: 'influencer' }, { level: 'implementer' }]);

  const lowMarks = await account('Low marks');
  await survey(lowMarks.accountId, lowMarks.emails, [audit(5, 'partner'), audit(8, 'partner'), audit(9, 'partner')], 'audit');
  const supplier = await account('Supplier', 3);
  await survey(supplier.accountId, supplier.emails, [audit(8, 'supplier'), audit(8, 'partner'), audit(8, 'partner')], 'audit');

  // Other customers: thin relationships do not count against them, low NPS does.
  await account('Small customer', [{ level: 'implementer' }], { stage: 'customer' });
  const unhappy = await account('Unhappy customer', 3, { stage: 'customer' });
  await survey(unhappy.accountId, unhappy.emails, nps(6, 6, 8));
  // Not reported: prospects and archived accounts.
  await account('Prospect', 3, { stage: 'prospect' });
  const archived = await account('Archived');
  await manager.delete(`/api/accounts/${archived.accountId}`);
}, 120_000);
afterAll(() => ctx.close());

describe('the risk report: one crafted account per reason', () => {
  it('gives each account its level and the reasons in words', async () => {
    const report = await riskOf(executive, `?owner=${manager.user.id}`);
    expect(report.generatedAt).toBe('2026-03-02T09:00:00.000Z');
    const expected: Record<string, [string, string[]]> = {
      Healthy: ['green', []],
      'Just asked': ['green', []],
      'Low NPS': ['amber', ['Low NPS: 0 from only 3 answers, 1 detractor']],
      // Without the finite-population correction: +100 from 10 (±29.4) against 0 from 10 (±41.3): combined ±50.7.
      Falling: ['red', ['NPS fell from +100 (10 answers) to 0 (10 answers), more than the ±50.7 margin', 'Low NPS: 0 from 10 answers, 3 detractors']],
      Split: ['amber', ['1 of 4 respondents are detractors (25%)']],
      'Late follow-up': ['amber', ['1 follow-up overdue (1 open)']],
      'Late urgent follow-up': ['red', ['1 high-priority follow-up overdue']],
      Renewing: ['amber', ['Renewal in 60 days']],
      'Renewing with a late task': ['red', ['Renewal in 60 days', '1 follow-up overdue (1 open)']],
      Silent: ['amber', ['No answers from the 3 contacts asked in the last survey']],
      'One contact': ['amber', ['No contact at the instigator level', 'Only one contact']],
      'Nobody on file': ['amber', ['No contacts on file']],
      'No decision maker': ['amber', ['No contact at the instigator level']],
      'Low marks': ['amber', ['Audit marks of 6/10 or less from 1 of 3 (lowest 5/10)']],
      Supplier: ['amber', ['1 of 3 in the audit see us as a supplier, not a partner']],
      'Small customer': ['green', []],
      'Unhappy customer': ['amber', ['Low NPS: −67 from only 3 answers, 2 detractors']],
      'Half heard': ['green', []],
      'One voice': ['green', []],
    };
    const seen = Object.fromEntries(report.accounts.map((a) => [a.name, [a.level, a.reasons.map((r: any) => r.text)]]));
    expect(seen).toEqual(expected);
  });

  it('shows the latest quarter\'s NPS with its margin, the renewal date, the owner and a link to the account', async () => {
    const report = await riskOf(executive, `?owner=${manager.user.id}`);
    // Q1 2026 at Falling: 3 promoters, 4 passives, 3 detractors of 10 — and all 10 contacts asked answered, so the
    // quarter's score is exact: margin 0 with the finite-population correction, as the account's NPS trend has it,
    // and the API says why (npsEveryoneAnswered). (Without the correction it would be ±41.3: p' = d' = 3.75 / 13,
    // variance .57692 → sqrt(.57692 / 13) × 1.96.)
    expect(byName(report, 'Falling')).toMatchObject({
      accountId: crafted.get('Falling'),
      owner: { id: manager.user.id, name: manager.user.name },
      stage: 'key_account',
      nps: 0,
      npsMargin: 0,
      npsResponses: 10,
      npsAsked: 10,
      npsEveryoneAnswered: true,
      npsPeriod: '2026-Q1',
      score: 50,
      renewalDate: null,
      link: `http://localhost:3000/api/accounts/${crafted.get('Falling')}`,
    });
    expect(byName(report, 'Renewing')).toMatchObject({ renewalDate: '2026-05-01', nps: null, npsMargin: null, npsPeriod: null });
    expect(byName(report, 'Falling').reasons.map((r: any) => r.code)).toEqual(['nps_significant_drop', 'low_nps']);
    // The link opens the account for whoever may see it.
    expect((await executive.get(new URL(byName(report, 'Falling').link).pathname)).body.name).toBe('Falling');
  });

  it('lists key accounts first, then other customers; red before amber before green, higher score first', async () => {
    const { accounts } = await riskOf(executive, `?owner=${manager.user.id}`);
    expect(accounts.map((a) => a.name)).toEqual([
      'Falling', // red, 50
      'Late urgent follow-up', // red, 30
      'Renewing with a late task', // red, 25
      'One contact', // amber, 25
      'Nobody on file', // amber, 20
      'Low marks', // amber, 15 (ties by name)
      'Low NPS',
      'No decision maker',
      'Renewing',
      'Silent',
      'Late follow-up', // amber, 10
      'Split',
      'Supplier',
      'Half heard', // green
      'Healthy',
      'Just asked',
      'One voice',
      'Unhappy customer', // other customers: amber, then green
      'Small customer',
    ]);
    expect(accounts.map((a) => a.score)).toEqual([50, 30, 25, 25, 20, 15, 15, 15, 15, 15, 10, 10, 10, 0, 0, 0, 0, 15, 0]);
  });

  it('the same margin for the same quarter as the account\'s NPS trend and the accounts list (one population rule)', async () => {
    const report = await riskOf(executive, `?owner=${manager.user.id}`);
    // Half heard: 10, 9, 8 from 3 of the 6 asked → NPS (2 − 0) / 3 = +66.67. Adjusted: p' = 2.75 / 6 = .45833,
    //   d' = .75 / 6 = .125; variance .58333 − .33333² = .47222; sqrt(.47222 / 6) = .28054; × 1.96 = ±54.99;
    //   finite-population factor sqrt((6 − 3) / (6 − 1)) = .77460 → ±42.59.
    const half = byName(report, 'Half heard');
    expect(half).toMatchObject({ npsResponses: 3, npsAsked: 6, npsEveryoneAnswered: false, npsPeriod: '2026-Q1' });
    expect(half.nps).toBeCloseTo(66.67, 2);
    expect(half.npsMargin).toBeCloseTo(42.59, 1);
    for (const name of ['Half heard', 'Falling', 'One voice']) {
      const row = byName(report, name);
      const trend = (await executive.get(`/api/reports/nps?scope=account:${row.accountId}&groupBy=quarter`)).body;
      const quarter = trend.periods.find((p: any) => p.period === row.npsPeriod);
      expect({ nps: quarter.nps, margin: quarter.marginOfError, n: quarter.responses, everyone: quarter.everyoneAnswered }).toEqual({
        nps: row.nps,
        margin: row.npsMargin,
        n: row.npsResponses,
        everyone: row.npsEveryoneAnswered,
      });
      const list = (await executive.get(`/api/accounts?q=${encodeURIComponent(name)}&include=health`)).body.data.find((a: any) => a.id === row.accountId);
      expect(list.health).toMatchObject({ nps: row.nps, npsMargin: row.npsMargin, npsResponses: row.npsResponses, npsEveryoneAnswered: row.npsEveryoneAnswered });
    }
  });

  it('filters by level', async () => {
    const red = await riskOf(executive, `?owner=${manager.user.id}&level=red`);
    expect(red.accounts.map((a) => a.name)).toEqual(['Falling', 'Late urgent follow-up', 'Renewing with a late task']);
    expect((await executive.get('/api/reports/risk?level=purple')).status).toBe(400);
  });
});

describe('who sees what', () => {
  it('a manager sees only their own accounts, with or without owner=me; another manager\'s owner id is not found', async () => {
    const other = await ctx.signIn('account_manager');
    await createAccountWithContacts(other, [{}, {}, {}], { name: 'Theirs' });
    const theirs = await riskOf(other);
    expect(theirs.accounts.map((a) => a.name)).toEqual(['Theirs']);
    expect((await riskOf(other, '?owner=me')).accounts.map((a) => a.name)).toEqual(['Theirs']);
    expect((await other.get(`/api/reports/risk?owner=${manager.user.id}`)).status).toBe(404);

    const mine = await riskOf(manager, '?owner=me');
    expect(mine.accounts).toHaveLength(19);
    expect(mine.accounts.map((a) => a.name)).not.toContain('Theirs');
  });

  it('executives see the whole portfolio; an unknown owner is not found; signed-out callers are refused', async () => {
    const all = await riskOf(executive);
    const names = all.accounts.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['Falling', 'Theirs']));
    expect(names).not.toContain('Prospect');
    expect(names).not.toContain('Archived');
    expect((await executive.get('/api/reports/risk?owner=00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await ctx.anonymous().get('/api/reports/risk')).status).toBe(401);
  });
});

describe('as CSV', () => {
  it('one row per account, reasons joined, parsed back to the same figures', async () => {
    const res = await executive.get(`/api/reports/risk?owner=${manager.user.id}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(res.text).map((r) => r.fields);
    expect(header).toEqual(['accountId', 'name', 'ownerId', 'ownerName', 'stage', 'level', 'score', 'nps', 'npsMargin', 'npsPeriod', 'renewalDate', 'reasons', 'link', 'npsResponses', 'npsEveryoneAnswered']);
    const json = await riskOf(executive, `?owner=${manager.user.id}`);
    expect(rows).toHaveLength(json.accounts.length);
    expect(rows.map((r) => r[1])).toEqual(json.accounts.map((a) => a.name));
    const falling = Object.fromEntries(header!.map((h, i) => [h, rows.find((r) => r[1] === 'Falling')![i]]));
    expect(falling).toMatchObject({
      accountId: crafted.get('Falling'),
      stage: 'key_account',
      level: 'red',
      score: '50',
      nps: '0',
      npsMargin: '0',
      npsPeriod: '2026-Q1',
      renewalDate: '',
      reasons: 'NPS fell from +100 (10 answers) to 0 (10 answers), more than the ±50.7 margin; Low NPS: 0 from 10 answers, 3 detractors',
      npsResponses: '10',
      npsEveryoneAnswered: 'true',
    });
  });
});
