import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { messages } from '../../src/server/db/schema/index.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  // Monday 2 March 2026, 09:00 UTC = 10:00 in Madrid.
  ctx = await createTestContext({ taskEmails: 'daily', timeZone: 'Europe/Madrid', renewalAuditDays: 0 });
});
afterAll(() => ctx.close());

const notificationsTo = async (address: string) =>
  (await ctx.database.db.select().from(messages).where(eq(messages.toAddress, address))).filter((m) => m.kind === 'notification' && m.purpose !== 'risk_report'); // Monday's risk report is not the point here

describe('KEYPULSE_TASK_EMAILS=daily', () => {
  it('sends each assignee one digest at 08:00 local with the tasks of the day before, and nothing at once', async () => {
    const manager = await ctx.signIn('account_manager');
    for (const name of ['Ana', 'Bea']) {
      const { accountId, emails } = await createAccountWithContacts(manager, [{ name }]);
      await sendCampaign(ctx, manager, { accountIds: [accountId] });
      const mail = await emailTo(ctx, emails[0]!);
      await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 2 }, complete: true });
    }
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    expect(await notificationsTo(manager.user.email)).toEqual([]); // not at once, and today's 08:00 digest predates them

    ctx.clock.set('2026-03-03T06:59:00Z'); // 07:59 in Madrid
    await schedulerTick(ctx.deps);
    expect(await notificationsTo(manager.user.email)).toEqual([]);

    ctx.clock.set('2026-03-03T07:00:00Z'); // 08:00 in Madrid
    await schedulerTick(ctx.deps);
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    const digests = await notificationsTo(manager.user.email);
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ status: 'sent', purpose: 'task_digest', subject: '2 new follow-up tasks for you' });
    expect(digests[0]!.text).toMatch(/Call Ana: NPS 2/);
    expect(digests[0]!.text).toMatch(/Call Bea: NPS 2/);
  });
});
