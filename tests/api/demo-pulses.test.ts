import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { seedDemo } from '../../src/server/seed/demo.js';
import { seedDemoPulses } from '../../src/server/seed/demo-pulses.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

let ctx: TestContext;
let erin: TestClient;
let tom: TestClient;
let written: number;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
  written = await seedDemoPulses(ctx.deps.db, ctx.deps.links, ctx.clock);
  // The start-up sweep: the follow-up rules see the answers left for them.
  await schedulerTick(ctx.deps);
  erin = await ctx.signInDemo('erin.exec@keypulse.demo');
  tom = await ctx.signInDemo('tom.manager@keypulse.demo');
});
afterAll(() => ctx.close());

const accountNamed = async (client: TestClient, name: string) =>
  ((await client.get(`/api/accounts?q=${encodeURIComponent(name)}`)).body.data as { id: string; name: string }[]).find((a) => a.name === name)!;

describe('the demo pulses after deliveries', () => {
  it('shows a few answered delivery pulses over the last months, once however often it is loaded', async () => {
    expect(written).toBe(8);
    expect(await seedDemoPulses(ctx.deps.db, ctx.deps.links, ctx.clock)).toBe(0);
    const all = await erin.get('/api/pulses?pageSize=100');
    expect(all.body.total).toBe(8);
    expect(all.body.data.every((p: { status: string; event: string }) => p.status === 'sent' && p.event === 'delivery')).toBe(true);
    expect(all.body.data.filter((p: { answer: unknown }) => p.answer).length).toBe(7);
    // Pulse campaigns stay out of the campaigns list.
    const listed = (await erin.get('/api/campaigns?pageSize=100')).body.data.map((c: { name: string }) => c.name);
    expect(listed.some((n: string) => n.startsWith('Pulse ·'))).toBe(false);
  });

  it("Atlas Health Group's latest low mark opened a task for Tom, and the trend shows the marks falling", async () => {
    const atlas = await accountNamed(tom, 'Atlas Health Group');
    const tasks = (await tom.get(`/api/tasks?accountId=${atlas.id}&pageSize=100`)).body.data as { title: string; status: string }[];
    expect(tasks.filter((t) => t.title.startsWith('Low pulse from')).map((t) => t.status)).toEqual(['open']);
    const trend = await tom.get(`/api/reports/pulses?accountId=${atlas.id}&groupBy=month&periods=6`);
    const delivery = trend.body.eventTypes.find((t: { event: string }) => t.event === 'delivery');
    expect(delivery).toMatchObject({ sent: 3, answered: 3, meanMark: 6 });
    expect(delivery.periods.filter((p: { answered: number }) => p.answered).map((p: { meanMark: number }) => p.meanMark)).toEqual([8, 6, 4]);
    // Three answers: a change is never called on so few.
    expect(delivery.periods.every((p: { change: { significant: boolean } | null }) => !p.change?.significant)).toBe(true);
  });
});
