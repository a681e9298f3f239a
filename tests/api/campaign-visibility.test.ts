import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  // Monday 2 March 2026; a 30-day frequency window.
  ctx = await createTestContext({ timeZone: 'UTC', minDaysBetweenSurveys: 30 });
});
afterAll(() => ctx.close());

describe('managers see every campaign that reached their accounts', () => {
  it("an admin's campaign across two managers' accounts: each manager sees it with only their own people, counts and answers", async () => {
    const admin = await ctx.signIn('admin');
    const ana = await ctx.signIn('account_manager');
    const bo = await ctx.signIn('account_manager');
    const carl = await ctx.signIn('account_manager');
    const anas = await createAccountWithContacts(ana, [{ name: 'Ana One' }, { name: 'Ana Two' }]);
    const bos = await createAccountWithContacts(bo, [{ name: 'Bo One' }]);
    const campaign = await sendCampaign(ctx, admin, { accountIds: [anas.accountId, bos.accountId] });
    const mail = await emailTo(ctx, bos.emails[0]!);
    await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 2 }, complete: true });

    // Listed and opened by both managers.
    for (const [manager, own, people] of [
      [ana, anas.accountId, ['Ana One', 'Ana Two']],
      [bo, bos.accountId, ['Bo One']],
    ] as const) {
      const list = await manager.get('/api/campaigns');
      expect(list.body.data.map((c: any) => c.id)).toContain(campaign.id);
      const one = await manager.get(`/api/campaigns/${campaign.id}`);
      expect(one.status).toBe(200);
      // Their part only: the audience names their account alone, the counts are their people's.
      expect(one.body.audience.accountIds).toEqual([own]);
      expect(one.body.counts.targeted).toBe(people.length);
      const invitations = await manager.get(`/api/campaigns/${campaign.id}/invitations`);
      expect(invitations.body.data.map((i: any) => i.contactName).sort()).toEqual([...people].sort());
      expect(invitations.body.total).toBe(people.length);
      // A manager cannot cancel what also reached someone else's accounts.
      expect((await manager.post(`/api/campaigns/${campaign.id}/cancel`)).status).toBe(403);
    }
    expect((await ana.get(`/api/campaigns/${campaign.id}`)).body.counts.responded).toBe(0);
    expect((await bo.get(`/api/campaigns/${campaign.id}`)).body.counts.responded).toBe(1);
    // The admin sees the whole campaign.
    expect((await admin.get(`/api/campaigns/${campaign.id}`)).body.counts.targeted).toBe(3);

    // A manager it never reached: not found, and not listed.
    expect((await carl.get(`/api/campaigns/${campaign.id}`)).status).toBe(404);
    expect((await carl.get(`/api/campaigns/${campaign.id}/invitations`)).status).toBe(404);
    expect((await carl.get('/api/campaigns')).body.data.map((c: any) => c.id)).not.toContain(campaign.id);
  });
});

describe('"Surveyed recently" says by which campaign and until when', () => {
  it('in the preview and on the campaign page', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, [{ name: 'Recent' }]);
    const first = await sendCampaign(ctx, manager, { accountIds: [accountId], name: 'Spring NPS' });
    const askedAt = ctx.clock.now();
    ctx.clock.advance(3 * 86_400_000);

    const preview = await manager.post('/api/campaigns/preview', { audience: { accountIds: [accountId], contactIds: [] } });
    expect(preview.status).toBe(200);
    expect(preview.body.skipped).toEqual([
      expect.objectContaining({
        reason: 'recently_surveyed',
        recentSurvey: {
          campaignId: first.id,
          campaignName: 'Spring NPS',
          askedAt: askedAt.toISOString(),
          until: new Date(askedAt.getTime() + 30 * 86_400_000).toISOString(),
        },
      }),
    ]);

    const second = await sendCampaign(ctx, manager, { accountIds: [accountId], name: 'Follow-up NPS' });
    const invitations = (await manager.get(`/api/campaigns/${second.id}/invitations`)).body.data;
    expect(invitations).toEqual([
      expect.objectContaining({
        status: 'skipped',
        skipReason: 'recently_surveyed',
        recentSurvey: { campaignId: first.id, campaignName: 'Spring NPS', askedAt: askedAt.toISOString(), until: new Date(askedAt.getTime() + 30 * 86_400_000).toISOString() },
      }),
    ]);
    // Anyone else skipped or asked carries no such detail.
    const firstInvitations = (await manager.get(`/api/campaigns/${first.id}/invitations`)).body.data;
    expect(firstInvitations[0].recentSurvey).toBeNull();
  });
});
