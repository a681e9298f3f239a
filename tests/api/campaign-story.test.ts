import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, outbox, sendCampaign } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('a campaign from creation to the answer (outbox transport)', () => {
  it('emails each contact a link that opens the survey, and the answer shows up in the counts', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ana' }, { name: 'Bo', language: 'es' }]);
    const campaign = await sendCampaign(ctx, manager, { accountIds: [accountId] });
    expect(campaign.counts.targeted).toBe(2);

    const mail = await emailTo(ctx, emails[0]!);
    expect(mail.subject).toBeTruthy();
    expect(mail.html).toContain(`${mail.surveyUrl}?score=10`);
    const spanish = await emailTo(ctx, emails[1]!);
    expect(spanish.text).toMatch(/encuesta|Hola/i);

    // The link opens the survey page; a bare GET records nothing.
    const anon = ctx.anonymous();
    const page = await anon.get(`/s/${mail.surveyToken}?score=9`);
    expect(page.status).toBe(200);
    let counts = (await manager.get(`/api/campaigns/${campaign.id}`)).body.counts;
    expect(counts).toMatchObject({ sent: 2, responded: 0 });

    const saved = await anon.post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 9 } });
    expect(saved.status).toBe(200);
    const again = await anon.post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 9, reason: 'Fast support' }, complete: true });
    expect(again.status).toBe(200);

    counts = (await manager.get(`/api/campaigns/${campaign.id}`)).body.counts;
    expect(counts).toMatchObject({ targeted: 2, sent: 2, responded: 1, completed: 1, responseRate: 0.5 });
    const responses = await manager.get(`/api/responses?campaignId=${campaign.id}`);
    expect(responses.body.total).toBe(1);
    expect(responses.body.data[0]).toMatchObject({ npsScore: 9, category: 'promoter', answers: { nps: 9, reason: 'Fast support' } });
    expect((await outbox(ctx)).length).toBe(2);
  });
});
