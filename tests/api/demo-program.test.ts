import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { seedDemo } from '../../src/server/seed/demo.js';
import {
  accountCriterionScores,
  accountQuarterValues,
  accountStageChanges,
  partnershipAnswers,
  partnershipAssessments,
} from '../../src/server/db/schema/index.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

let ctx: TestContext;
let erin: TestClient;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
  erin = await ctx.signInDemo('erin.exec@keypulse.demo');
});
afterAll(() => ctx.close());

async function programCounts() {
  const n = async (table: Parameters<ReturnType<TestContext['database']['db']['select']>['from']>[0]) =>
    (await ctx.database.db.select({ n: count() }).from(table))[0]!.n;
  return Promise.all([accountCriterionScores, accountQuarterValues, accountStageChanges, partnershipAssessments, partnershipAnswers].map(n));
}

describe('the demo key-account program', () => {
  it('ranks the demo customers with their judgements and warnings', async () => {
    const res = await erin.get('/api/key-accounts/selection');
    expect(res.status).toBe(200);
    expect(res.body.candidates).toBe(9);
    expect(res.body.ranking.every((r: any) => r.score !== null)).toBe(true);
    expect(res.body.ranking.filter((r: any) => r.isKeyAccount)).toHaveLength(5);
    expect(res.body.portfolio.length).toBeGreaterThanOrEqual(3);
    // Brightline is among the largest by revenue at a 9 % margin: the selection asks whether it is transactional.
    const brightline = res.body.ranking.find((r: any) => r.name === 'Brightline Retail');
    expect(brightline.warnings.map((w: any) => w.code)).toContain('transactional');
  });

  it('has six quarters of value, with three accounts contributing less than they cost', async () => {
    const res = await erin.get('/api/reports/value?quarters=6');
    expect(res.body.quarter).toBe('2025-Q4'); // the demo clock is in 2026-Q1: the last completed quarter
    expect(res.body.quarters).toHaveLength(6);
    // Brightline (9 % margin) and Summit cost more to serve than they earn; Helios was won on price (discounts).
    expect(res.body.negativeContributors.map((a: any) => a.name).sort()).toEqual(['Brightline Retail', 'Helios Energy', 'Summit Construction']);
    expect(res.body.pareto.topRevenueShare).toBeGreaterThan(0.3);
    const iberia = res.body.accounts.find((a: any) => a.name === 'Iberia Foods');
    expect(iberia.points).toHaveLength(6);
    expect(iberia.direction).toBe('falling');
  });

  it('keeps promotions and a demotion with their reasons, and the pipeline moves', async () => {
    const accounts = (await erin.get('/api/accounts?pageSize=100')).body.data;
    const summit = accounts.find((a: any) => a.name === 'Summit Construction');
    const history = await erin.get(`/api/accounts/${summit.id}/stage-history`);
    expect(history.body.data.map((h: any) => h.direction)).toEqual(['initial', 'promotion', 'demotion']);
    expect(history.body.data[2].reason).toMatch(/restructuring/);
    const pipeline = await erin.get('/api/key-accounts/pipeline');
    expect(pipeline.body.periods.length).toBeGreaterThanOrEqual(4);
    expect(pipeline.body.periods.reduce((s: number, p: any) => s + p.promotions + p.demotions, 0)).toBeGreaterThan(3);
  });

  it('has three partnership assessments per key account, with a trend', async () => {
    const accounts = (await erin.get('/api/accounts?stage=key_account&pageSize=100')).body.data;
    for (const a of accounts) {
      const res = await erin.get(`/api/accounts/${a.id}/partnership`);
      expect(res.body.assessments, a.name).toHaveLength(3);
      expect(res.body.trend.direction).not.toBeNull();
    }
    const iberia = accounts.find((a: any) => a.name === 'Iberia Foods');
    expect((await erin.get(`/api/accounts/${iberia.id}/partnership`)).body.trend.direction).toBe('falling');
  });

  it('adds nothing when loaded again', async () => {
    const before = await programCounts();
    await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
    expect(await programCounts()).toEqual(before);
  });
});
