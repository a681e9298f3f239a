import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { parseCsv } from '../../src/server/domain/csv.js';
import { accounts, campaigns, contacts, invitations, responses } from '../../src/server/db/schema/index.js';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { templateSurveyId } from '../helpers/survey-fixtures.js';
import { getSurveyWithVersion } from '../../src/server/db/queries/surveys.js';
import type { Answers } from '../../src/shared/schemas/survey.js';

/**
 * The NPS trend against hand-computed fixtures, written straight into the database (fast, and at the dates we
 * want). The company works in Madrid, so periods are cut on Madrid's calendar.
 *
 * Expected margins use the issue's formula, worked out here independently of src/server/domain:
 *   p' = (P + ¾) / (n + 3), d' = (D + ¾) / (n + 3), margin = z · √((p' + d' − (p' − d')²) / (n + 3)) · 100,
 *   times √((N − n) / (N − 1)) when the whole contact list of N was asked (account scope: N = invitations).
 *
 * Fixtures (2025; answers at midday, so Madrid and UTC agree except where a test says otherwise):
 *   A  manager 1, Logistics, key_account. Q1: 10 invited, 8 scored = 9 10 9 10 | 7 8 | 3 6 (one of them partial, one
 *      completed in March but revised in April), 1 answered only the reason (no score), 1 silent. Q2 nothing.
 *      Q3: 10 invited, 10 scored = 10 | 7 8 | 0 1 2 3 4 5 6.
 *   B  manager 1, Retail, customer. Q1: 5 invited, 9 9 5. Q3: 5 invited, 9 5 5.
 *   C  manager 2, Logistics, key_account. Q1: 4 invited, 10 10.
 *   D  admin, Energy, prospect. 0 at 23:30 Madrid on 30 June (Q2); 10 at 00:30 Madrid on 1 July (Q3).
 *   Plus a custom survey without an NPS question sent to A's 10 contacts in Q1: those invitations never count.
 */

const Z95 = 1.959963984540054;
const Z99 = 2.5758293035489004;
function margin(P: number, D: number, n: number, N?: number, z = Z95): number {
  const p = (P + 0.75) / (n + 3);
  const d = (D + 0.75) / (n + 3);
  const m = z * Math.sqrt((p + d - (p - d) ** 2) / (n + 3)) * 100;
  return N === undefined ? m : N === n ? 0 : m * Math.sqrt((N - n) / (N - 1));
}

let ctx: TestContext;
let admin: TestUser;
let manager1: TestClient & { user: TestUser };
let manager2: TestClient & { user: TestUser };
let executive: TestClient & { user: TestUser };
const ids = { A: '', B: '', C: '', D: '' };

interface Answer {
  score: number | null;
  at: string;
  /** Still partial: no completion time, `at` is the last save. */
  partial?: boolean;
  /** Revised after completion: the last save. */
  revisedAt?: string;
}

async function seedAccount(ownerId: string, fields: { name: string; industry: string; stage: 'key_account' | 'customer' | 'prospect' }, people: number) {
  const db = ctx.database.db;
  const [account] = await db.insert(accounts).values({ ...fields, ownerId }).returning();
  const rows = await db
    .insert(contacts)
    .values(Array.from({ length: people }, (_, i) => ({ accountId: account!.id, name: `${fields.name} person ${i}`, email: `p${i}@${account!.id}.example`, level: 'influencer' as const, buyingRole: 'user' as const })))
    .returning();
  return { id: account!.id, contacts: rows };
}

type Seeded = Awaited<ReturnType<typeof seedAccount>>;

/** One campaign to the first `invited` contacts, sent at `sentAt`, with the given answers (in contact order). */
async function seedWave(account: Seeded, survey: { surveyId: string; versionId: string }, sentAt: string, invited: number, answers: Answer[]) {
  const db = ctx.database.db;
  const [campaign] = await db
    .insert(campaigns)
    .values({
      name: `Wave ${sentAt}`,
      surveyId: survey.surveyId,
      surveyVersionId: survey.versionId,
      createdBy: admin.id,
      audience: { accountIds: [account.id], contactIds: [], levels: [], buyingRoles: [] },
      status: 'closed',
      sendAt: new Date(sentAt),
    })
    .returning();
  const sent = await db
    .insert(invitations)
    .values(
      account.contacts.slice(0, invited).map((contact) => ({
        campaignId: campaign!.id,
        accountId: account.id,
        contactId: contact.id,
        email: contact.email,
        language: 'en',
        status: 'sent' as const,
        sentAt: new Date(sentAt),
      })),
    )
    .returning();
  if (!answers.length) return;
  await db.insert(responses).values(
    answers.map((a, i) => ({
      invitationId: sent[i]!.id,
      campaignId: campaign!.id,
      surveyId: survey.surveyId,
      surveyVersionId: survey.versionId,
      accountId: account.id,
      contactId: sent[i]!.contactId,
      language: 'en',
      answers: (a.score === null ? { reason: 'No score, just words' } : { nps: a.score }) as Answers,
      npsScore: a.score,
      startedAt: new Date(a.at),
      updatedAt: new Date(a.revisedAt ?? a.at),
      completedAt: a.partial ? null : new Date(a.at),
    })),
  );
}

const scored = (at: string, ...scores: number[]): Answer[] => scores.map((score) => ({ score, at }));

beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'Europe/Madrid' });
  ctx.clock.set('2026-03-02T09:00:00Z');
  admin = await ctx.createUser('admin');
  manager1 = await ctx.signIn('account_manager');
  manager2 = await ctx.signIn('account_manager');
  executive = await ctx.signIn('executive');
  const npsSurveyId = await templateSurveyId(ctx, 'nps');
  const nps = { surveyId: npsSurveyId, versionId: (await getSurveyWithVersion(ctx.database.db, npsSurveyId))!.version.id };

  const A = await seedAccount(manager1.user.id, { name: 'Atlas Freight', industry: 'Logistics', stage: 'key_account' }, 10);
  const B = await seedAccount(manager1.user.id, { name: 'Bazaar Retail', industry: 'Retail', stage: 'customer' }, 5);
  const C = await seedAccount(manager2.user.id, { name: 'Cargo Lines', industry: 'logistics', stage: 'key_account' }, 4);
  const D = await seedAccount(admin.id, { name: 'Dynamo Power', industry: 'Energy', stage: 'prospect' }, 2);
  Object.assign(ids, { A: A.id, B: B.id, C: C.id, D: D.id });

  await seedWave(A, nps, '2025-02-03T12:00:00Z', 10, [
    ...scored('2025-02-10T12:00:00Z', 9, 10, 9, 7, 8, 3),
    { score: 10, at: '2025-02-11T12:00:00Z', partial: true }, // a lone score click counts once it exists
    { score: 6, at: '2025-03-30T12:00:00Z', revisedAt: '2025-04-05T12:00:00Z' }, // completed in Q1, revised in Q2
    { score: null, at: '2025-02-12T12:00:00Z' }, // answered only the reason: no score
  ]);
  await seedWave(A, nps, '2025-08-04T12:00:00Z', 10, scored('2025-08-06T12:00:00Z', 10, 7, 8, 0, 1, 2, 3, 4, 5, 6));
  await seedWave(B, nps, '2025-02-03T12:00:00Z', 5, scored('2025-02-10T12:00:00Z', 9, 9, 5));
  await seedWave(B, nps, '2025-08-04T12:00:00Z', 5, scored('2025-08-06T12:00:00Z', 9, 5, 5));
  await seedWave(C, nps, '2025-02-03T12:00:00Z', 4, scored('2025-02-10T12:00:00Z', 10, 10));
  // Madrid is UTC+2 in summer: 21:30Z is 23:30 on 30 June (Q2), 22:15Z and 22:30Z are past midnight on 1 July (Q3).
  await seedWave({ ...D, contacts: D.contacts.slice(0, 1) }, nps, '2025-06-20T12:00:00Z', 1, [{ score: 0, at: '2025-06-30T21:30:00Z' }]);
  await seedWave({ ...D, contacts: D.contacts.slice(1) }, nps, '2025-06-30T22:15:00Z', 1, [{ score: 10, at: '2025-06-30T22:30:00Z' }]);

  // A survey without an NPS question: its invitations cannot produce a score, so they are not "invited" here.
  const custom = await (await ctx.signIn(admin)).post('/api/surveys', {
    name: 'Onboarding check',
    definition: { title: { en: 'Onboarding' }, questions: [{ key: 'how', kind: 'text', text: { en: 'How was onboarding?' } }] },
  });
  expect(custom.status).toBe(201);
  await seedWave(A, { surveyId: custom.body.id, versionId: custom.body.versionId }, '2025-02-05T12:00:00Z', 10, []);
});
afterAll(() => ctx.close());

const nps2025 = (client: TestClient, query: string) => client.get(`/api/reports/nps?from=2025-01-01&to=2025-12-31&${query}`);
const byPeriod = (body: any) => Object.fromEntries(body.periods.map((p: any) => [p.period, p]));

describe('GET /api/reports/nps — the numbers', () => {
  it("an account by quarter: counts, NPS, finite-population margins, invitations, response rate, empty quarters listed", async () => {
    const res = await nps2025(manager1, `scope=account:${ids.A}&groupBy=quarter`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: `account:${ids.A}`, groupBy: 'quarter', from: '2025-01-01', to: '2025-12-31', confidence: 0.95, timeZone: 'Europe/Madrid' });
    expect(res.body.periods.map((p: any) => p.period)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    const q = byPeriod(res.body);

    // Q1: P=4 (9 10 9 10), passives 2 (7 8), D=2 (3 6), n=8 → NPS 100·(4−2)/8 = 25.
    // p' = 4.75/11 = .4318, d' = 2.75/11 = .25 → var .6488, margin 1.96·√(.6488/11)·100 = 47.60; the whole list of 10
    // was asked: × √(2/9) = 22.44. The answer without a score and the custom survey's invitations do not count.
    expect(q['2025-Q1']).toMatchObject({ responses: 8, promoters: 4, passives: 2, detractors: 2, nps: 25, invited: 10, responseRate: 0.8, change: null });
    expect(q['2025-Q1'].marginOfError).toBeCloseTo(margin(4, 2, 8, 10), 1);
    expect(q['2025-Q1'].marginOfError).toBeCloseTo(22.44, 1);

    // Q2: nobody answered (the April revision of a March answer stays in Q1): no score, not a score of 0.
    expect(q['2025-Q2']).toMatchObject({ responses: 0, nps: null, marginOfError: null, invited: 0, responseRate: null, change: null });

    expect(q['2025-Q1']).toMatchObject({ asked: 10, everyoneAnswered: false });

    // Q3: P=1, passives 2, D=7 of 10 → −60. Everyone on the list answered: no sampling error left for the quarter
    // (margin 0, and the API says so: everyoneAnswered, asked 10).
    // Against Q1 (the latest quarter with answers): −85, tested without the finite-population correction (next
    // quarter's opinions are a new draw): Q1 ±47.60; Q3 p' = 1.75/13 = .1346, d' = 7.75/13 = .5962 → var .7308 −
    // .4615² = .5178, 1.96·√(.5178/13)·100 = 39.11; combined √(47.60² + 39.11²) = 61.61 < 85, 8 and 10 answers → significant.
    expect(q['2025-Q3']).toMatchObject({ responses: 10, promoters: 1, passives: 2, detractors: 7, nps: -60, marginOfError: 0, invited: 10, responseRate: 1 });
    expect(q['2025-Q3']).toMatchObject({ asked: 10, everyoneAnswered: true });
    expect(q['2025-Q3'].change).toMatchObject({ since: '2025-Q1', change: -85, significant: true, reason: 'beyond_margin', sinceResponses: 8 });
    expect(q['2025-Q3'].change.combinedMargin).toBeCloseTo(61.61, 1);
    expect(q['2025-Q4']).toMatchObject({ responses: 0, nps: null, invited: 0 });

    // The year as one sample: P=5, D=9 of 18 → −22.22; 20 invited: 35.83 × √(2/19) = 11.62.
    expect(res.body.total).toMatchObject({ responses: 18, promoters: 5, passives: 4, detractors: 9, invited: 20, responseRate: 0.9 });
    expect(res.body.total.nps).toBeCloseTo(-22.22, 2);
    expect(res.body.total.marginOfError).toBeCloseTo(margin(5, 9, 18, 20), 1);
    expect(res.body.total.change).toMatchObject({ since: '2025-Q1', change: -85, significant: true });
  });

  it('a small account: 3 answers against 3 is too few answers to tell', async () => {
    const res = await nps2025(manager1, `scope=account:${ids.B}`);
    const q = byPeriod(res.body);
    // Q1 9 9 5 → 33.33 ± 68.00 × √(2/4) = 48.08 for the quarter (3 of a list of 4 answered); Q3 9 5 5 → −33.33 ± 48.08.
    // The change, −66.67, is tested without the correction: combined √2 · 68.00 = 96.17. Either way, 3 answers a
    // side are fewer than 5: never significant, and the reason says why.
    expect(q['2025-Q1'].nps).toBeCloseTo(33.33, 2);
    expect(q['2025-Q1'].marginOfError).toBeCloseTo(margin(2, 1, 3, 5), 1);
    expect(q['2025-Q3'].marginOfError).toBeCloseTo(48.08, 1);
    expect(q['2025-Q3'].change.change).toBeCloseTo(-66.67, 2);
    expect(q['2025-Q3'].change.combinedMargin).toBeCloseTo(96.17, 1);
    expect(q['2025-Q3'].change).toMatchObject({ significant: false, reason: 'too_few_answers', sinceResponses: 3 });
  });

  it("an owner's accounts together: no finite-population correction, and the drop is significant", async () => {
    const res = await nps2025(executive, `scope=owner:${manager1.user.id}`);
    expect(res.status).toBe(200);
    const q = byPeriod(res.body);
    // Q1: A + B = P 6, passives 2, D 3, n 11 → 27.27 ± 43.95.   Q3: P 2, passives 2, D 9, n 13 → −53.85 ± 37.63.
    // Change −81.12, combined √(43.95² + 37.63²) = 57.86 → significant.
    expect(q['2025-Q1']).toMatchObject({ responses: 11, promoters: 6, passives: 2, detractors: 3, invited: 15 });
    expect(q['2025-Q1'].nps).toBeCloseTo(27.27, 2);
    expect(q['2025-Q1'].marginOfError).toBeCloseTo(margin(6, 3, 11), 1);
    expect(q['2025-Q1'].marginOfError).toBeCloseTo(43.95, 1);
    expect(q['2025-Q3'].nps).toBeCloseTo(-53.85, 2);
    expect(q['2025-Q3'].marginOfError).toBeCloseTo(37.63, 1);
    expect(q['2025-Q3'].change.change).toBeCloseTo(-81.12, 1);
    expect(q['2025-Q3'].change.combinedMargin).toBeCloseTo(57.86, 1);
    expect(q['2025-Q3'].change.significant).toBe(true);
  });

  it('industry (any capitalisation) and stage scopes', async () => {
    // Logistics: A and C ("logistics") in Q1 = P 6, passives 2, D 2 of 10 → 40 ± 43.35.
    const industry = byPeriod((await nps2025(executive, 'scope=industry:Logistics')).body);
    expect(industry['2025-Q1']).toMatchObject({ responses: 10, promoters: 6, passives: 2, detractors: 2, nps: 40, invited: 14 });
    expect(industry['2025-Q1'].marginOfError).toBeCloseTo(margin(6, 2, 10), 1);
    const stage = await nps2025(executive, 'scope=stage:key_account');
    expect(stage.body.scope).toBe('stage:key_account');
    expect(byPeriod(stage.body)['2025-Q1']).toEqual(industry['2025-Q1']);
    expect(byPeriod((await nps2025(executive, 'scope=stage:suspect')).body)['2025-Q1']).toMatchObject({ responses: 0, nps: null });
  });

  it('the portfolio, with periods cut on the company calendar (Madrid), not UTC', async () => {
    const res = await nps2025(executive, '');
    expect(res.body.scope).toBe('portfolio');
    const q = byPeriod(res.body);
    // Q1: A + B + C = P 8, passives 2, D 3 → 38.46 ± 40.51.
    expect(q['2025-Q1']).toMatchObject({ responses: 13, promoters: 8, passives: 2, detractors: 3, invited: 19 });
    expect(q['2025-Q1'].marginOfError).toBeCloseTo(margin(8, 3, 13), 1);
    // D's 0 at 23:30 on 30 June (21:30 UTC) is Q2; its 10 at 00:30 on 1 July (22:30 UTC, still June in UTC) is Q3,
    // and so is the invitation sent at 00:15 on 1 July.
    expect(q['2025-Q2']).toMatchObject({ responses: 1, detractors: 1, nps: -100, invited: 1 });
    expect(q['2025-Q2'].marginOfError).toBeCloseTo(margin(0, 1, 1), 1);
    expect(q['2025-Q3']).toMatchObject({ responses: 14, promoters: 3, passives: 2, detractors: 9, invited: 16 });
    expect(q['2025-Q3'].change.since).toBe('2025-Q2');
  });

  it('groups by month, half year and year', async () => {
    const months = await nps2025(manager1, `scope=account:${ids.A}&groupBy=month`);
    expect(months.body.periods).toHaveLength(12);
    const m = byPeriod(months.body);
    // February: 7 scored (the March completion is March's); March: the 6.
    expect(m['2025-02']).toMatchObject({ responses: 7, promoters: 4, passives: 2, detractors: 1, invited: 10 });
    expect(m['2025-03']).toMatchObject({ responses: 1, detractors: 1, nps: -100, invited: 0, responseRate: null });
    expect(m['2025-03'].change).toMatchObject({ since: '2025-02' });
    expect(m['2025-04']).toMatchObject({ responses: 0, nps: null });
    expect(m['2025-08']).toMatchObject({ responses: 10, nps: -60, invited: 10 });
    expect(m['2025-08'].change.since).toBe('2025-03');

    const halves = await nps2025(manager1, `scope=account:${ids.A}&groupBy=half_year`);
    expect(halves.body.periods.map((p: any) => p.period)).toEqual(['2025-H1', '2025-H2']);
    expect(byPeriod(halves.body)['2025-H1']).toMatchObject({ responses: 8, nps: 25, invited: 10 });
    expect(byPeriod(halves.body)['2025-H1'].marginOfError).toBeCloseTo(22.44, 1);

    const years = await manager1.get(`/api/reports/nps?scope=account:${ids.A}&groupBy=year&from=2024-06-01&to=2026-01-31`);
    expect(years.body).toMatchObject({ from: '2024-01-01', to: '2026-12-31' });
    expect(years.body.periods.map((p: any) => p.period)).toEqual(['2024', '2025', '2026']);
    expect(byPeriod(years.body)['2025']).toMatchObject({ responses: 18, promoters: 5, passives: 4, detractors: 9, invited: 20 });
    expect(byPeriod(years.body)['2025'].marginOfError).toBeCloseTo(margin(5, 9, 18, 20), 1);
  });

  it('widens the range to whole periods and defaults to the last two years', async () => {
    const widened = await manager1.get(`/api/reports/nps?scope=account:${ids.A}&from=2025-02-15&to=2025-08-01`);
    expect(widened.body).toMatchObject({ from: '2025-01-01', to: '2025-09-30' });
    expect(byPeriod(widened.body)['2025-Q1'].responses).toBe(8);

    // Today is 2 March 2026: 2 March 2024 … 2 March 2026, by quarter.
    const defaults = await manager1.get(`/api/reports/nps?scope=account:${ids.A}`);
    expect(defaults.status).toBe(200);
    expect(defaults.body).toMatchObject({ groupBy: 'quarter', from: '2024-01-01', to: '2026-03-31' });
    expect(defaults.body.periods).toHaveLength(9);
  });

  it('a higher confidence widens the margin by z(99 %) / z(95 %)', async () => {
    const res = await nps2025(executive, `scope=owner:${manager1.user.id}&confidence=0.99`);
    expect(res.body.confidence).toBe(0.99);
    expect(byPeriod(res.body)['2025-Q1'].marginOfError).toBeCloseTo(margin(6, 3, 11, undefined, Z99), 1);
  });

  it('CSV: the same rows as the JSON, plus the total', async () => {
    const query = `scope=owner:${manager1.user.id}&groupBy=quarter`;
    const json = (await nps2025(manager1, query)).body;
    const csv = await nps2025(manager1, `${query}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
    const [header, ...rows] = parseCsv(csv.text).map((r) => r.fields);
    expect(header).toEqual(['period', 'responses', 'promoters', 'passives', 'detractors', 'nps', 'marginOfError', 'invited', 'responseRate', 'changeSince', 'change', 'combinedMargin', 'significant', 'changeReason', 'everyoneAnswered']);
    const cell = (v: string) => (v === '' ? null : v === 'true' ? true : v === 'false' ? false : /^-?[\d.]+(e-?\d+)?$/.test(v) ? Number(v) : v);
    const fromCsv = rows.map((r) => {
      const [, responses, promoters, passives, detractors, nps, marginOfError, invited, responseRate, since, change, combinedMargin, significant, reason, everyoneAnswered] = r.map(cell);
      return { period: r[0], responses, promoters, passives, detractors, nps, marginOfError, invited, responseRate, everyoneAnswered, change: since === null ? null : { since: r[9], change, combinedMargin, significant, reason } };
    });
    // The CSV leaves out `asked` and the compared period's answer count (both follow from other rows).
    const shown = (p: any) => ({ ...p, asked: undefined, change: p.change && { ...p.change, sinceResponses: undefined } });
    expect(fromCsv.map(shown)).toEqual([...json.periods, { period: 'total', ...json.total }].map(shown));
  });
});

describe('GET /api/reports/nps — who sees what', () => {
  it("a manager's portfolio, industry and stage cover only their own accounts", async () => {
    const portfolio = byPeriod((await nps2025(manager1, '')).body);
    expect(portfolio['2025-Q1']).toMatchObject({ responses: 11, invited: 15 }); // A + B, not C or D
    const industry = byPeriod((await nps2025(manager1, 'scope=industry:logistics')).body);
    expect(industry['2025-Q1']).toMatchObject({ responses: 8, invited: 10 }); // A only, not manager 2's C
    const stage = byPeriod((await nps2025(manager2, 'scope=stage:key_account')).body);
    expect(stage['2025-Q1']).toMatchObject({ responses: 2, invited: 4 }); // C only
    expect(byPeriod((await nps2025(manager2, `scope=owner:${manager2.user.id}`)).body)['2025-Q1']).toMatchObject({ responses: 2 });
  });

  it("another manager's account or owner scope is a 404, as if it did not exist", async () => {
    expect((await nps2025(manager2, `scope=account:${ids.A}`)).status).toBe(404);
    expect((await nps2025(manager2, `scope=owner:${manager1.user.id}`)).status).toBe(404);
    expect((await nps2025(executive, `scope=account:${randomUUID()}`)).status).toBe(404);
    expect((await nps2025(executive, `scope=owner:${randomUUID()}`)).status).toBe(404);
    expect((await ctx.anonymous().get('/api/reports/nps')).status).toBe(401);
  });

  it('rejects bad input with 400 and names the parameter', async () => {
    const cases: [string, string][] = [
      ['scope=everything', 'scope'],
      ['scope=account:not-a-uuid', 'scope'],
      ['scope=stage:vip', 'scope'],
      ['scope=industry:', 'scope'],
      ['groupBy=week', 'groupBy'],
      ['from=2025-05-01&to=2025-01-01', 'to'],
      ['from=2025-13-01', 'from'],
      ['from=1900-01-01&to=2100-12-31&groupBy=month', 'to'],
      ['from=1850-01-01', 'from'],
      ['confidence=0.8', 'confidence'],
      ['format=xml', 'format'],
    ];
    for (const [query, path] of cases) {
      const res = await executive.get(`/api/reports/nps?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('validation_failed');
      expect(res.body.error.issues.map((i: any) => i.path), query).toContain(path);
    }
    // from after today, with `to` defaulting to today.
    const future = await executive.get('/api/reports/nps?from=2027-01-01');
    expect(future.status).toBe(400);
  });
});
