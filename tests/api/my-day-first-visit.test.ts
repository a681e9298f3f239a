import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
});
afterAll(() => ctx.close());

const DAY = 86_400_000;

describe("My day's first visit", () => {
  it('shows the last 30 days of answers, not everything since the beginning; after Mark as seen, what came since', async () => {
    const owner = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(owner, [{ name: 'Old' }, { name: 'Recent' }]);
    await sendCampaign(ctx, owner, { accountIds: [accountId] });
    const answer = async (i: number, nps: number) => {
      const mail = await emailTo(ctx, emails[i]!);
      expect((await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps }, complete: true })).status).toBe(200);
    };
    await answer(0, 3); // 31 days before the visit
    ctx.clock.advance(2 * DAY);
    await answer(1, 9); // 29 days before the visit
    ctx.clock.advance(29 * DAY);
    const manager = await ctx.signIn(owner.user); // a month later: a fresh session

    const res = await manager.get('/api/me/day');
    expect(res.status, res.text).toBe(200);
    const day = res.body;
    expect(day.seenAt).toBeNull();
    expect(day.since).toBe(new Date(ctx.clock.now().getTime() - 30 * DAY).toISOString());
    expect(day.responses.map((r: any) => r.contactName)).toEqual(['Recent']);
    expect(day.total).toBe(1);
    expect(day.detractors).toBe(0);

    // Looking further back is a choice (the page's "Show the last 90 days"): both answers, the detractor first.
    const further = (await manager.get('/api/me/day?days=90')).body;
    expect(further.responses.map((r: any) => r.contactName)).toEqual(['Old', 'Recent']);
    expect(further.since).toBe(new Date(ctx.clock.now().getTime() - 90 * DAY).toISOString());
    expect((await manager.get('/api/me/day?days=0')).status).toBe(400);

    expect((await manager.post('/api/me/responses-seen', { upTo: day.generatedAt })).status).toBe(200);
    const after = (await manager.get('/api/me/day')).body;
    expect(after.since).toBe(day.generatedAt);
    expect(after.total).toBe(0);
    // Once something was marked as seen, `days` changes nothing: the list starts where the person left off.
    expect((await manager.get('/api/me/day?days=90')).body.since).toBe(day.generatedAt);
  });
});
