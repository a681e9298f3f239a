import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, templateSurveyId } from '../helpers/survey-fixtures.js';
import { campaigns, invitations, messages } from '../../src/server/db/schema/index.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';

// Monday 2 March 2026: 100 days on is 10 June, 200 days on is 18 September.
const IN_100_DAYS = '2026-06-10';
const IN_200_DAYS = '2026-09-18';

type Client = TestClient & { user: TestUser };

async function auditCampaignsOf(ctx: TestContext, accountId: string) {
  return ctx.database.db.select().from(campaigns).where(eq(campaigns.renewalAccountId, accountId));
}

describe('pre-renewal audits', () => {
  let ctx: TestContext;
  let manager: Client;
  beforeAll(async () => {
    ctx = await createTestContext({ timeZone: 'UTC' });
    manager = await ctx.signIn('account_manager');
  });
  afterAll(() => ctx.close());

  it('a key account renewing in 100 days gets one audit to its contacts at all three levels, from its owner', async () => {
    const { accountId, emails } = await createAccountWithContacts(
      manager,
      [{ level: 'instigator' }, { level: 'influencer' }, { level: 'implementer' }, { level: 'implementer' }],
      { name: 'Renewing Co', renewalDate: IN_100_DAYS },
    );
    await schedulerTick(ctx.deps);
    await Promise.all([schedulerTick(ctx.deps), schedulerTick(ctx.deps)]); // overlapping sweeps
    ctx.clock.advance(3600_000);
    await schedulerTick(ctx.deps);

    const created = await auditCampaignsOf(ctx, accountId);
    expect(created).toHaveLength(1);
    const [campaign] = created;
    expect(campaign).toMatchObject({
      name: `Pre-renewal audit: Renewing Co (renewal ${IN_100_DAYS})`,
      surveyId: await templateSurveyId(ctx, 'audit'),
      createdBy: manager.user.id,
      renewalDate: IN_100_DAYS,
      reminderAfterDays: 7,
      reminderMax: 1,
      audience: { accountIds: [accountId], contactIds: [], levels: ['instigator', 'influencer', 'implementer'], buyingRoles: [] },
    });
    expect(campaign!.sendAt.toISOString()).toBe('2026-03-02T09:00:00.000Z');

    // Everyone is asked, and the emails go out.
    await ctx.runJobs();
    const invited = await ctx.database.db.select().from(invitations).where(eq(invitations.campaignId, campaign!.id));
    expect(invited.map((i) => i.email).sort()).toEqual([...emails].sort());
    expect(invited.every((i) => i.status === 'sent')).toBe(true);
    const sent = await ctx.database.db.select().from(messages).where(eq(messages.campaignId, campaign!.id));
    expect(sent).toHaveLength(4);
    expect(sent[0]!.subject).toBe('Key account review – Keypulse Demo Co');

    // The owner sees it among their campaigns, with its counts.
    const seen = await manager.get(`/api/campaigns/${campaign!.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.counts).toMatchObject({ targeted: 4, sent: 4 });
  });

  it('renewals further off, other customers, archived accounts and accounts without contacts get none', async () => {
    const later = await createAccountWithContacts(manager, [{}, {}, {}], { name: 'Later Co', renewalDate: IN_200_DAYS });
    const customer = await createAccountWithContacts(manager, [{}, {}, {}], { name: 'Customer Co', stage: 'customer', renewalDate: IN_100_DAYS });
    const archived = await createAccountWithContacts(manager, [{}, {}, {}], { name: 'Archived Co', renewalDate: IN_100_DAYS });
    await manager.delete(`/api/accounts/${archived.accountId}`);
    const empty = await createAccountWithContacts(manager, [], { name: 'Empty Co', renewalDate: IN_100_DAYS });
    const passed = await createAccountWithContacts(manager, [{}], { name: 'Passed Co', renewalDate: '2026-03-01' });
    await schedulerTick(ctx.deps);
    for (const { accountId } of [later, customer, archived, empty, passed]) expect(await auditCampaignsOf(ctx, accountId)).toEqual([]);

    // Contacts added: the account without any is asked on the next sweep.
    await manager.post(`/api/accounts/${empty.accountId}/contacts`, { name: 'Ines', email: 'ines@empty.example', level: 'instigator', buyingRole: 'decision_maker' });
    await schedulerTick(ctx.deps);
    expect(await auditCampaignsOf(ctx, empty.accountId)).toHaveLength(1);
  });

  it('contacts surveyed lately are asked once they may be asked again, not skipped for this renewal', async () => {
    ctx.clock.set('2026-02-20T09:00:00Z'); // an NPS survey ten days ago
    const surveyed = await ctx.signIn(manager.user);
    const { accountId } = await createAccountWithContacts(surveyed, [{}, {}, {}], { name: 'Surveyed Co' });
    const nps = await surveyed.post('/api/campaigns', { name: 'NPS', surveyId: await templateSurveyId(ctx, 'nps'), audience: { accountIds: [accountId] } });
    expect(nps.status).toBe(201);
    await ctx.runJobs();
    ctx.clock.set('2026-03-02T09:00:00Z');
    expect((await manager.patch(`/api/accounts/${accountId}`, { renewalDate: IN_100_DAYS })).status).toBe(200);

    await schedulerTick(ctx.deps);
    const [campaign] = await auditCampaignsOf(ctx, accountId);
    // 30 days (KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS) after the NPS survey went out.
    expect(campaign!.sendAt.toISOString()).toBe('2026-03-22T09:00:00.000Z');
    const invited = await ctx.database.db.select().from(invitations).where(eq(invitations.campaignId, campaign!.id));
    expect(invited.map((i) => i.status)).toEqual(['pending', 'pending', 'pending']);
    await ctx.runJobs();
    expect(await ctx.database.db.select().from(messages).where(eq(messages.campaignId, campaign!.id))).toEqual([]);

    ctx.clock.set('2026-03-22T09:01:00Z'); // the scheduler sends it when the day comes
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    expect(await ctx.database.db.select().from(messages).where(eq(messages.campaignId, campaign!.id))).toHaveLength(3);
    ctx.clock.set('2026-03-02T09:00:00Z');
  });

  it('asks again at the next renewal, and the later account when its renewal comes within 120 days', async () => {
    const { accountId } = await createAccountWithContacts(manager, [{}, {}, {}], { name: 'Yearly Co', renewalDate: IN_100_DAYS });
    const later = await createAccountWithContacts(manager, [{}, {}, {}], { name: 'Later Still Co', renewalDate: IN_200_DAYS });
    await schedulerTick(ctx.deps);
    expect(await auditCampaignsOf(ctx, accountId)).toHaveLength(1);

    ctx.clock.advance(81 * 86_400_000); // 22 May: "Later Still Co" renews in 119 days
    await schedulerTick(ctx.deps);
    expect(await auditCampaignsOf(ctx, later.accountId)).toHaveLength(1);
    expect(await auditCampaignsOf(ctx, accountId)).toHaveLength(1);

    // Renewed for a year: the new date is far off, then near.
    const renewed = await ctx.signIn(manager.user);
    expect((await renewed.patch(`/api/accounts/${accountId}`, { renewalDate: '2027-06-10' })).status).toBe(200);
    await schedulerTick(ctx.deps);
    expect(await auditCampaignsOf(ctx, accountId)).toHaveLength(1);
    ctx.clock.set('2027-02-15T09:00:00Z');
    await schedulerTick(ctx.deps);
    expect((await auditCampaignsOf(ctx, accountId)).map((c) => c.renewalDate).sort()).toEqual([IN_100_DAYS, '2027-06-10']);
  });
});

describe('pre-renewal audits switched off', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ timeZone: 'UTC', renewalAuditDays: 0 });
  });
  afterAll(() => ctx.close());

  it('KEYPULSE_RENEWAL_AUDIT_DAYS=0 launches nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, [{}, {}, {}], { renewalDate: IN_100_DAYS });
    await schedulerTick(ctx.deps);
    expect(await auditCampaignsOf(ctx, accountId)).toEqual([]);
  });
});
