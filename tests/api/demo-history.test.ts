import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, like } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { seedDemo } from '../../src/server/seed/demo.js';
import { seedDemoHistory } from '../../src/server/seed/demo-history.js';
import { campaigns, responses, taskComments, tasks } from '../../src/server/db/schema/index.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

let ctx: TestContext;
let erin: TestClient;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
  await seedDemoHistory(ctx.deps.db, ctx.deps.links, ctx.clock, ctx.deps.config);
  erin = await ctx.signInDemo('erin.exec@keypulse.demo');
});
afterAll(() => ctx.close());

const keyAccounts = async () => (await erin.get('/api/accounts?stage=key_account&pageSize=100')).body.data as Array<{ id: string; name: string }>;

describe('the demo history', () => {
  it('has two answered key-account audits, so the audit report shows marks for every key account', async () => {
    const accounts = await keyAccounts();
    expect(accounts).toHaveLength(5);
    for (const account of accounts) {
      const res = await erin.get(`/api/reports/audit?accountId=${account.id}`);
      expect(res.status, account.name).toBe(200);
      expect(res.body.waves, account.name).toHaveLength(2);
      expect(res.body.waves.map((w: { responses: number }) => w.responses > 0), `${account.name} ${JSON.stringify(res.body.waves)}`).toEqual([true, true]);
    }
  });

  it('gives the program evaluation audit marks now and a year before, and tells the sliding account apart', async () => {
    const res = await erin.get('/api/reports/program');
    expect(res.status).toBe(200);
    const names = new Set((await keyAccounts()).map((a) => a.name));
    const evaluated = res.body.accounts.filter((a: { accountName: string }) => names.has(a.accountName));
    expect(evaluated).toHaveLength(5);
    for (const a of evaluated) {
      expect(a.audit.latest?.mean, a.accountName).toEqual(expect.any(Number));
      expect(a.audit.previous?.mean, a.accountName).toEqual(expect.any(Number));
      expect(a.audit.latest.n, a.accountName).toBeGreaterThan(0);
    }
    // Atlas Health Group's customers feel worse every wave (demo-history.ts): its marks fell, and are the lowest.
    const atlas = evaluated.find((a: { accountName: string }) => a.accountName === 'Atlas Health Group');
    expect(atlas.audit.change).toBeLessThan(0);
    expect(Math.min(...evaluated.map((a: { audit: { latest: { mean: number } } }) => a.audit.latest.mean))).toBe(atlas.audit.latest.mean);
  });

  it('feeds the risk report: low audit marks are a reason on the sliding account', async () => {
    const res = await erin.get('/api/reports/risk');
    expect(res.status).toBe(200);
    const atlas = res.body.accounts.find((a: { name: string }) => a.name === 'Atlas Health Group');
    expect(atlas.reasons.map((r: { code: string }) => r.code)).toContain('low_audit_marks');
  });

  it('has closed the follow-ups of the older answers, so the loop report shows a program that has been running', async () => {
    const db = ctx.database.db;
    const all = await db.select().from(tasks);
    const answered = new Map((await db.select().from(responses)).map((r) => [r.id, r]));
    expect(all.length).toBeGreaterThan(20);
    for (const t of all) {
      const response = answered.get(t.responseId!)!;
      // Only handled answers have tasks; the latest wave's are left for the start-up sweep.
      expect(response.rulesEvaluatedAt, t.title).not.toBeNull();
      expect(['done', 'dismissed']).toContain(t.status);
      expect(t.resolution, t.title).toEqual(expect.any(String));
      expect(t.createdAt.getTime()).toBe(response.completedAt!.getTime());
      expect(t.firstActionAt!.getTime()).toBeGreaterThan(t.createdAt.getTime());
      expect(t.closedAt!.getTime()).toBeGreaterThanOrEqual(t.firstActionAt!.getTime());
      expect(t.closedAt!.getTime()).toBeLessThanOrEqual(ctx.clock.now().getTime());
    }
    // Every detractor of a handled wave got its call.
    const detractors = [...answered.values()].filter((r) => r.rulesEvaluatedAt && r.npsScore !== null && r.npsScore <= 6);
    expect(detractors.length).toBeGreaterThan(0);
    for (const r of detractors) expect(all.some((t) => t.responseId === r.id && t.title.startsWith('Call '))).toBe(true);
    expect((await db.select({ n: count() }).from(taskComments))[0]!.n).toBe(all.length);

    const loop = (await erin.get('/api/reports/loop')).body.portfolio;
    expect(loop.tasks).toBe(all.length);
    expect(loop.open).toBe(0);
    expect(loop.medianHoursToFirstAction).toBeLessThan(48);
    expect(loop.closedOnTimeShare).toBeGreaterThan(0.5);
    expect(loop.closedOnTimeShare).toBeLessThan(1);
  });

  it('adds nothing when loaded again', async () => {
    const counted = async () => [
      (await ctx.database.db.select({ n: count() }).from(campaigns).where(like(campaigns.name, 'Demo history:%')))[0]!.n,
      (await ctx.database.db.select({ n: count() }).from(responses))[0]!.n,
      (await ctx.database.db.select({ n: count() }).from(tasks))[0]!.n,
    ];
    const before = await counted();
    expect(await seedDemoHistory(ctx.deps.db, ctx.deps.links, ctx.clock, ctx.deps.config)).toBe(0);
    expect(await counted()).toEqual(before);
  });
});
