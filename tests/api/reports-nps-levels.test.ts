import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/server/domain/csv.js';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { seedWhoIsSpeaking } from '../helpers/nps-level-fixture.js';

/**
 * "Who is speaking": GET /api/reports/nps?split=level against a hand-computed fixture (tests/helpers/nps-level-fixture.ts).
 *
 * Margins by the issue's formula, worked out here independently of src/server/domain:
 *   p' = (P + ¾) / (n + 3), d' = (D + ¾) / (n + 3), margin = z · √((p' + d' − (p' − d')²) / (n + 3)) · 100,
 *   times √((N − n) / (N − 1)) for one account, N = that level's invitations in the period.
 *
 * Pulse Logistics (2 instigators, 5 influencers, 4 implementers):
 *   Q1 2025, all 11 asked   instigators 10 9          influencers 9 7 3 0 (1 silent)   implementers 8 6 (2 silent)
 *   Q3 2025, 5 asked        instigators 4 (1 silent)  influencers 10, a reason without a score, 1 silent; no implementer asked
 * Quiet Co: Sept 2025, the instigator 9, 4 implementers silent. Empty Co: never asked.
 */

const Z95 = 1.959963984540054;
function margin(P: number, D: number, n: number, N?: number): number {
  const p = (P + 0.75) / (n + 3);
  const d = (D + 0.75) / (n + 3);
  const m = Z95 * Math.sqrt((p + d - (p - d) ** 2) / (n + 3)) * 100;
  return N === undefined ? m : N === n ? 0 : m * Math.sqrt((N - n) / (N - 1));
}

let ctx: TestContext;
let admin: TestUser;
let manager: TestClient & { user: TestUser };
let otherManager: TestClient & { user: TestUser };
let fixture: Awaited<ReturnType<typeof seedWhoIsSpeaking>>;

beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
  ctx.clock.set('2026-03-02T09:00:00Z');
  admin = await ctx.createUser('admin');
  manager = await ctx.signIn('account_manager');
  otherManager = await ctx.signIn('account_manager');
  fixture = await seedWhoIsSpeaking(ctx, manager.user.id, admin.id);
});
afterAll(() => ctx.close());

const nps2025 = (client: TestClient, query: string) => client.get(`/api/reports/nps?from=2025-01-01&to=2025-12-31&groupBy=quarter&${query}`);
const quarter = (trend: any, key: string) => trend.periods.find((p: any) => p.period === key);
const levelOf = (body: any, level: string) => body.levels.find((l: any) => l.level === level);

describe('GET /api/reports/nps?split=level', () => {
  it('one account: each level its own NPS, n, finite-population margin and everyoneAnswered', async () => {
    const res = await nps2025(manager, `scope=account:${fixture.pulse.id}&split=level`);
    expect(res.status).toBe(200);
    expect(res.body.levels.map((l: any) => l.level)).toEqual(['instigator', 'influencer', 'implementer']);
    const [instigators, influencers, implementers] = ['instigator', 'influencer', 'implementer'].map((l) => levelOf(res.body, l));

    // The whole report is unchanged by the split: Q1 P=3 (10 9 9), passives 2 (7 8), D=3 (3 0 6) of 8 → 0; 11 asked.
    expect(quarter(res.body, '2025-Q1')).toMatchObject({ responses: 8, promoters: 3, passives: 2, detractors: 3, nps: 0, invited: 11 });
    expect(res.body.total).toMatchObject({ responses: 10, promoters: 4, passives: 2, detractors: 4, nps: 0, invited: 16 });

    // Instigators, Q1: 10 9 → +100 from both asked: exact (margin 0, everyoneAnswered; pages never show ±0.0).
    expect(quarter(instigators, '2025-Q1')).toMatchObject({ responses: 2, promoters: 2, detractors: 0, nps: 100, marginOfError: 0, invited: 2, asked: 2, everyoneAnswered: true });
    // Q3: 4 → −100, 1 of 2 asked: p' = .75/4, d' = 1.75/4 → 1.96 · √(.5625/4) · 100 = 73.50, × √(1/1) = 73.50.
    expect(quarter(instigators, '2025-Q3')).toMatchObject({ responses: 1, detractors: 1, nps: -100, invited: 2, asked: 2, everyoneAnswered: false });
    expect(quarter(instigators, '2025-Q3').marginOfError).toBeCloseTo(73.5, 1);
    expect(quarter(instigators, '2025-Q3').marginOfError).toBeCloseTo(margin(0, 1, 1, 2), 1);
    // The year: 10 9 4 → P=2, D=1 of 3 → +33.33; 4 asked: 68.00 × √(1/3) = 39.26.
    expect(instigators.total).toMatchObject({ responses: 3, promoters: 2, passives: 0, detractors: 1, invited: 4, everyoneAnswered: false });
    expect(instigators.total.nps).toBeCloseTo(33.33, 2);
    expect(instigators.total.marginOfError).toBeCloseTo(39.26, 1);
    expect(instigators.total.marginOfError).toBeCloseTo(margin(2, 1, 3, 4), 1);

    // Influencers, Q1: 9 7 3 0 → P=1, passives 1, D=2 of 4 → −25; 5 asked: 58.45 × √(1/4) = 29.22.
    expect(quarter(influencers, '2025-Q1')).toMatchObject({ responses: 4, promoters: 1, passives: 1, detractors: 2, nps: -25, invited: 5, responseRate: 0.8 });
    expect(quarter(influencers, '2025-Q1').marginOfError).toBeCloseTo(29.22, 1);
    // Q3: 10 (the reason without a score is no NPS answer) → +100 from 1 of 3 asked: 73.50 × √(2/2) = 73.50.
    expect(quarter(influencers, '2025-Q3')).toMatchObject({ responses: 1, promoters: 1, nps: 100, invited: 3, everyoneAnswered: false });
    expect(quarter(influencers, '2025-Q3').marginOfError).toBeCloseTo(margin(1, 0, 1, 3), 1);
    // The year: 9 7 3 0 10 → P=2, D=2 of 5 → 0; 8 asked: 57.46 × √(3/7) = 37.61.
    expect(influencers.total).toMatchObject({ responses: 5, promoters: 2, passives: 1, detractors: 2, nps: 0, invited: 8 });
    expect(influencers.total.marginOfError).toBeCloseTo(37.61, 1);

    // Implementers, Q1: 8 6 → passives 1, D=1 of 2 → −50; 4 asked: 59.45 × √(2/3) = 48.54. Q3: nobody asked, no score.
    expect(quarter(implementers, '2025-Q1')).toMatchObject({ responses: 2, promoters: 0, passives: 1, detractors: 1, nps: -50, invited: 4 });
    expect(quarter(implementers, '2025-Q1').marginOfError).toBeCloseTo(48.54, 1);
    expect(quarter(implementers, '2025-Q3')).toMatchObject({ responses: 0, nps: null, marginOfError: null, invited: 0, responseRate: null, everyoneAnswered: false });

    // The levels add up to the whole, period by period.
    for (const key of ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']) {
      const sum = (field: string) => res.body.levels.reduce((s: number, l: any) => s + quarter(l, key)[field], 0);
      expect(sum('responses'), key).toBe(quarter(res.body, key).responses);
      expect(sum('invited'), key).toBe(quarter(res.body, key).invited);
    }
  });

  it("one account: the latest wave's coverage per level, a level nobody was asked included", async () => {
    const pulse = await nps2025(manager, `scope=account:${fixture.pulse.id}&split=level`);
    // The Summer pulse: 1 of 2 decision makers answered (the silent one did not), 2 of 3 influencers (a reason without
    // a score is an answer), no implementer asked.
    expect(pulse.body.coverage).toEqual({
      campaignId: fixture.latest,
      campaignName: 'Summer pulse',
      wave: 1,
      sentAt: '2025-08-04T12:00:00.000Z',
      asked: 5,
      answered: 3,
      levels: [
        { level: 'instigator', asked: 2, answered: 1 },
        { level: 'influencer', asked: 3, answered: 2 },
        { level: 'implementer', asked: 0, answered: 0 },
      ],
    });
    const quiet = await nps2025(manager, `scope=account:${fixture.quiet.id}&split=level`);
    expect(quiet.body.coverage).toMatchObject({
      campaignName: 'Autumn pulse',
      asked: 5,
      answered: 1,
      levels: [
        { level: 'instigator', asked: 1, answered: 1 },
        { level: 'influencer', asked: 0, answered: 0 },
        { level: 'implementer', asked: 4, answered: 0 },
      ],
    });
    // Never asked: no coverage, and every level's trend is empty.
    const empty = await nps2025(manager, `scope=account:${fixture.empty.id}&split=level`);
    expect(empty.status).toBe(200);
    expect(empty.body.coverage).toBeNull();
    expect(empty.body.levels.map((l: any) => l.total.responses)).toEqual([0, 0, 0]);
  });

  it('a portfolio split by level: no finite-population correction, no coverage', async () => {
    const res = await nps2025(manager, 'split=level');
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('coverage');
    // Instigators over both accounts: 10 9 4 9 → P=3, D=1 of 4 → +50 ± 62.16 (no correction outside one account).
    const instigators = levelOf(res.body, 'instigator');
    expect(instigators.total).toMatchObject({ responses: 4, promoters: 3, detractors: 1, nps: 50, asked: null, everyoneAnswered: false });
    expect(instigators.total.marginOfError).toBeCloseTo(margin(3, 1, 4), 1);
    expect(instigators.total.marginOfError).toBeCloseTo(62.16, 1);
    // Implementers: Pulse's 4 in Q1 and Quiet's 4 in Q3 were asked; only 8 and 6 answered.
    expect(levelOf(res.body, 'implementer').total).toMatchObject({ responses: 2, invited: 8, nps: -50 });
  });

  it('without the split the report is as before; a bad split is a 400; CSV gains a level column', async () => {
    const plain = await nps2025(manager, `scope=account:${fixture.pulse.id}`);
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty('levels');
    expect(plain.body).not.toHaveProperty('coverage');
    const plainCsv = await nps2025(manager, `scope=account:${fixture.pulse.id}&format=csv`);
    expect(parseCsv(plainCsv.text)[0]!.fields[0]).toBe('period');

    const bad = await nps2025(manager, `scope=account:${fixture.pulse.id}&split=role`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: any) => i.path)).toContain('split');

    const csv = await nps2025(manager, `scope=account:${fixture.pulse.id}&split=level&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = parseCsv(csv.text).map((r) => r.fields);
    expect(header!.slice(0, 2)).toEqual(['level', 'period']);
    // 4 quarters and a total for the whole and for each level.
    expect(rows.map((r) => r[0])).toEqual([...Array(5).fill('all'), ...Array(5).fill('instigator'), ...Array(5).fill('influencer'), ...Array(5).fill('implementer')]);
    const row = (level: string, period: string) => Object.fromEntries(header!.map((h, i) => [h, rows.find((r) => r[0] === level && r[1] === period)![i]]));
    expect(row('instigator', '2025-Q1')).toMatchObject({ responses: '2', nps: '100', marginOfError: '0', everyoneAnswered: 'true' });
    expect(row('influencer', 'total')).toMatchObject({ responses: '5', nps: '0', invited: '8' });
    expect(row('all', 'total')).toMatchObject({ responses: '10', invited: '16' });
  });

  it("another manager's account is a 404, split or not", async () => {
    const res = await nps2025(otherManager, `scope=account:${fixture.pulse.id}&split=level`);
    expect(res.status).toBe(404);
  });
});
