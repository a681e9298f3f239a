import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { seedDemo } from '../../src/server/seed/demo.js';
import { seedDemoPlans } from '../../src/server/seed/demo-plans.js';
import { seedDemoTeamPulse } from '../../src/server/seed/demo-team-pulse.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

let ctx: TestContext;
let erin: TestClient;
let tom: TestClient;
let written: number;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
  await seedDemoPlans(ctx.deps.db, ctx.clock);
  written = await seedDemoTeamPulse(ctx.deps.db, ctx.clock, ctx.deps.config.timeZone);
  erin = await ctx.signInDemo('erin.exec@keypulse.demo');
  tom = await ctx.signInDemo('tom.manager@keypulse.demo');
});
afterAll(() => ctx.close());

const accountNamed = async (name: string) =>
  ((await erin.get('/api/accounts?stage=key_account&pageSize=100')).body.data as { id: string; name: string }[]).find((a) => a.name === name)!.id;

describe('the demo team pulse', () => {
  it("shows one internal pulse: Atlas Health Group's team this half against the half before, without names", async () => {
    expect(written).toBe(10);
    expect(await seedDemoTeamPulse(ctx.deps.db, ctx.clock, ctx.deps.config.timeZone)).toBe(0);
    const atlas = (await erin.get(`/api/accounts/${await accountNamed('Atlas Health Group')}/team-pulse`)).body;
    // The fake clock stands at 2026-03-02: 2026-H1 against 2025-H2. Delivery 7, 8, 6, 7 → 7 ± 0.80; before 6, 7, 6 → 6.33.
    expect(atlas.current).toMatchObject({ period: '2026-H1', asked: 4, answered: 4, shown: true, delivery: { mean: 7, marginOfError: 0.8 }, collaboration: { mean: 5 } });
    expect(atlas.previous).toMatchObject({ period: '2025-H2', answered: 3, delivery: { mean: 6.33 } });
    expect(atlas.friction).toHaveLength(3);
    expect(atlas.doDifferently).toHaveLength(3);

    const meridian = (await erin.get(`/api/accounts/${await accountNamed('Meridian Telecom')}/team-pulse`)).body;
    expect(meridian.current).toMatchObject({ asked: 3, answered: 2, shown: false, delivery: { mean: null } });

    // Tom is asked about Meridian Telecom on his My day; Atlas Health Group he answered.
    const mine = (await tom.get('/api/team-pulse')).body.pulses.map((p: any) => [p.accountName, p.answer === null]);
    expect(mine).toEqual(expect.arrayContaining([['Meridian Telecom', true], ['Atlas Health Group', false]]));

    const program = (await erin.get('/api/reports/program')).body.teamPulse;
    expect(program.current).toMatchObject({ answered: 7, counted: 4, shown: true, delivery: { mean: 7 } });
  });
});
