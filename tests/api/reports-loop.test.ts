import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/server/domain/csv.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 30 });
});
afterAll(() => ctx.close());

describe('GET /api/reports/loop', () => {
  it('measures a manager closing the loop: first action, close, on time, and the detractor who came back happier', async () => {
    const manager = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const executive = await ctx.signIn('executive');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ida' }]);
    await sendCampaign(ctx, manager, { accountIds: [accountId] });
    const first = await emailTo(ctx, emails[0]!);
    await ctx.anonymous().post(`/s/${first.surveyToken}/answers`, { answers: { nps: 3 }, complete: true });
    const [task] = (await manager.get(`/api/tasks?accountId=${accountId}`)).body.data;

    ctx.clock.advance(2 * 3_600_000);
    await manager.post(`/api/tasks/${task.id}/comments`, { body: 'Called her' });
    ctx.clock.advance(22 * 3_600_000);
    await manager.post(`/api/tasks/${task.id}/close`, { resolution: 'Fixed the invoices' });

    // A month later she answers again, happier.
    ctx.clock.advance(31 * 86_400_000);
    const fresh = await ctx.signIn(manager.user); // the old session expired meanwhile
    const again = await sendCampaign(ctx, fresh, { accountIds: [accountId] });
    expect(again.counts.targeted).toBe(1);
    const second = await emailTo(ctx, emails[0]!);
    expect(second.surveyToken).not.toBe(first.surveyToken);
    await ctx.anonymous().post(`/s/${second.surveyToken}/answers`, { answers: { nps: 9 }, complete: true });

    const report = await fresh.get('/api/reports/loop');
    expect(report.status).toBe(200);
    const mine = report.body.accounts.find((a: any) => a.accountId === accountId);
    expect(mine).toMatchObject({
      tasks: 1,
      open: 0,
      medianHoursToFirstAction: 2,
      medianHoursToClose: 24,
      closedOnTimeShare: 1,
      detractorsFollowedUp: 1,
      detractorsImprovedShare: 1,
    });
    expect(report.body.managers.map((m: any) => m.userId)).toEqual([manager.user.id]);

    // Another manager sees none of it; an executive sees it in the portfolio.
    const theirs = await (await ctx.signIn(other.user)).get('/api/reports/loop');
    expect(theirs.status).toBe(200);
    expect(theirs.body.accounts.map((a: any) => a.accountId)).not.toContain(accountId);
    const all = await (await ctx.signIn(executive.user)).get('/api/reports/loop');
    expect(all.body.accounts.map((a: any) => a.accountId)).toContain(accountId);

    const csv = await fresh.get('/api/reports/loop?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(csv.text).map((r) => r.fields);
    expect(header!.slice(0, 4)).toEqual(['level', 'id', 'name', 'tasks']);
    const accountRow = rows.find((r) => r[1] === accountId)!;
    expect(accountRow.slice(3)).toEqual(['1', '0', '2', '24', '1', '1', '1']);
  });

  it('validates its dates', async () => {
    const executive = await ctx.signIn('executive');
    expect((await executive.get('/api/reports/loop?from=yesterday')).status).toBe(400);
    expect((await executive.get('/api/reports/loop?format=xml')).status).toBe(400);
  });
});
