import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { seedDemo } from '../../src/server/seed/demo.js';
import { seedDemoHistory } from '../../src/server/seed/demo-history.js';
import { seedDemoTouchpoints } from '../../src/server/seed/demo-touchpoints.js';
import { touchpoints } from '../../src/server/db/schema/index.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

let ctx: TestContext;
let erin: TestClient;
let written: number;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
  await seedDemoHistory(ctx.deps.db, ctx.deps.links, ctx.clock, ctx.deps.config);
  written = await seedDemoTouchpoints(ctx.deps.db, ctx.clock);
  erin = await ctx.signInDemo('erin.exec@keypulse.demo');
});
afterAll(() => ctx.close());

describe('the demo touchpoints', () => {
  it('spreads touchpoints over the last year, with some contacts fresh and some going stale', async () => {
    expect(written).toBeGreaterThan(10);
    const keyAccounts = (await erin.get('/api/accounts?stage=key_account&pageSize=100')).body.data as { id: string; name: string }[];
    const marks: string[] = [];
    let dates: string[] = [];
    const social = new Map<string, boolean>();
    for (const a of keyAccounts) {
      const list = await erin.get(`/api/accounts/${a.id}/touchpoints?pageSize=100`);
      expect(list.status, list.text).toBe(200);
      dates = dates.concat(list.body.data.map((t: { occurredOn: string }) => t.occurredOn));
      social.set(a.name, list.body.data.some((t: { kind: string }) => t.kind === 'social_event'));
      const fresh = await erin.get(`/api/accounts/${a.id}/people-freshness`);
      marks.push(...fresh.body.contacts.map((d: { freshness: string }) => d.freshness));
    }
    dates.sort();
    // The fake clock stands at 2026-03-02: touchpoints from the spring of 2025 to last month.
    expect(dates[0]! < '2025-05-01').toBe(true);
    expect(dates.at(-1)! >= '2026-02-01').toBe(true);
    expect(marks).toContain('green');
    expect(marks).toContain('amber');
    expect(marks).toContain('red');
    // The yearly social event everywhere but at Brightline Retail.
    expect([...social].filter(([, had]) => !had).map(([name]) => name)).toEqual(['Brightline Retail']);
  });

  it('gives the program evaluation realistic figures: most key accounts met at the top, a few social events this year', async () => {
    const report = await erin.get('/api/reports/program');
    expect(report.status, report.text).toBe(200);
    const byName = Object.fromEntries(report.body.accounts.map((a: { accountName: string; touches: unknown }) => [a.accountName, a.touches]));
    // Brightline has nobody at the instigator level; Meridian's social event was over a year ago.
    expect(byName['Brightline Retail']).toMatchObject({ executive: 0, socialEventOn: null });
    expect(byName['Meridian Telecom']).toMatchObject({ socialEventOn: null });
    expect(byName['Meridian Telecom'].executive).toBeGreaterThan(0);
    expect(report.body.touches).toMatchObject({ withExecutiveTouch: 4, withSocialEvent: 3 });
  });

  it('keeps the demo risk colours: instigators and decision makers are kept warm', async () => {
    const report = await erin.get('/api/reports/risk');
    expect(report.status, report.text).toBe(200);
    const codes = report.body.accounts.flatMap((a: { reasons: { code: string }[] }) => a.reasons.map((r) => r.code));
    expect(codes).not.toContain('instigators_untouched');
    expect(codes).not.toContain('decision_maker_silent');
  });

  it('adds nothing when loaded again', async () => {
    const before = (await ctx.database.db.select({ n: count() }).from(touchpoints))[0]!.n;
    expect(await seedDemoTouchpoints(ctx.deps.db, ctx.clock)).toBe(0);
    expect((await ctx.database.db.select({ n: count() }).from(touchpoints))[0]!.n).toBe(before);
  });
});
