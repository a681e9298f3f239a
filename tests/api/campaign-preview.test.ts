import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, templateSurveyId } from '../helpers/survey-fixtures.js';
import { campaigns, invitations, messages } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 30 });
});
afterAll(() => ctx.close());

interface Audience {
  accountIds?: string[];
  contactIds?: string[];
  levels?: string[];
  buyingRoles?: string[];
}

interface Person {
  contactId: string;
  accountId: string;
  accountName: string;
  name: string;
  email: string;
  level: string;
  buyingRole: string;
}
interface Preview {
  eligible: Person[];
  skipped: { contact: Person; reason: string }[];
}

const preview = (client: TestClient, audience: Audience, extra: Record<string, unknown> = {}) =>
  client.post('/api/campaigns/preview', { audience, ...extra });

async function previewOk(client: TestClient, audience: Audience): Promise<Preview> {
  const res = await preview(client, audience);
  expect(res.status, res.text).toBe(200);
  return res.body as Preview;
}

async function createCampaign(client: TestClient, audience: Audience) {
  const res = await client.post('/api/campaigns', { name: 'Preview check', surveyId: await templateSurveyId(ctx, 'nps'), audience });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string };
}

async function rowCounts() {
  const [c] = await ctx.database.db.select({ n: count() }).from(campaigns);
  const [i] = await ctx.database.db.select({ n: count() }).from(invitations);
  const [m] = await ctx.database.db.select({ n: count() }).from(messages);
  return { campaigns: c!.n, invitations: i!.n, messages: m!.n };
}

/** What a campaign actually did: who got a pending invitation, and each skip with its reason. */
async function whatTheCampaignDid(client: TestClient, campaignId: string) {
  const res = await client.get(`/api/campaigns/${campaignId}/invitations?pageSize=100`);
  expect(res.status).toBe(200);
  const rows = res.body.data as { contactId: string; status: string; skipReason: string | null }[];
  return {
    eligible: rows.filter((r) => r.status === 'pending').map((r) => r.contactId).sort(),
    skipped: Object.fromEntries(rows.filter((r) => r.status === 'skipped').map((r) => [r.contactId, r.skipReason])),
  };
}

describe('previewing a campaign audience', () => {
  it('shows who will be asked and who is skipped and why — exactly what creating the campaign then does — and writes nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    const alpha = await createAccountWithContacts(
      manager,
      [
        { name: 'Olga' },
        { name: 'Uma Unsubscribed' },
        { name: 'Bea Bounced' },
        { name: 'Rita Recent' },
        { name: 'Pat Lee', email: 'Pat.Lee@Shared.example' },
        { name: 'Dan Deleted' },
      ],
      { name: 'Alpha Industries' },
    );
    const [olga, uma, bea, rita, pat, dan] = alpha.contactIds as [string, string, string, string, string, string];
    const beta = await createAccountWithContacts(manager, [{ name: 'Pat Lee', email: 'pat.lee@shared.example' }, { name: 'Ben' }], {
      name: 'Beta Corp',
    });
    const archived = await createAccountWithContacts(manager, [{ name: 'Archie' }], { name: 'Gamma Archived' });
    expect((await manager.patch(`/api/contacts/${uma}`, { unsubscribed: true })).status).toBe(200);
    expect((await manager.patch(`/api/contacts/${bea}`, { bounced: true })).status).toBe(200);
    expect((await manager.delete(`/api/contacts/${dan}`)).status).toBe(204);
    expect((await manager.delete(`/api/accounts/${archived.accountId}`)).body.archived).toBe(true);
    await createCampaign(manager, { contactIds: [rita] });
    await ctx.runJobs();

    const audience = { accountIds: [alpha.accountId, beta.accountId], contactIds: [archived.contactIds[0]!, dan] };
    const before = await rowCounts();
    const shown = await previewOk(manager, audience);
    expect(await rowCounts()).toEqual(before);

    const expectedSkips = {
      [uma]: 'unsubscribed',
      [bea]: 'bounced',
      [rita]: 'recently_surveyed',
      [beta.contactIds[0]!]: 'duplicate_email',
      [archived.contactIds[0]!]: 'archived_account',
      [dan]: 'deleted_contact',
    };
    expect(Object.fromEntries(shown.skipped.map((s) => [s.contact.contactId, s.reason]))).toEqual(expectedSkips);
    expect(shown.eligible.map((p) => p.contactId).sort()).toEqual([olga, pat, beta.contactIds[1]!].sort());
    // Each person is named as a reader needs: who, where, which level and role.
    expect(shown.eligible.find((p) => p.contactId === olga)).toMatchObject({
      name: 'Olga',
      accountName: 'Alpha Industries',
      accountId: alpha.accountId,
      email: alpha.emails[0],
    });
    expect(shown.skipped.find((s) => s.contact.contactId === dan)!.contact.name).toBe('Dan Deleted');

    // The real campaign with the same audience asks and skips exactly the same people.
    const campaign = await createCampaign(manager, audience);
    const did = await whatTheCampaignDid(manager, campaign.id);
    expect(did.eligible).toEqual(shown.eligible.map((p) => p.contactId).sort());
    expect(did.skipped).toEqual(expectedSkips);

    // Now that they were asked, a second preview of the same audience says they were recently surveyed.
    const again = await previewOk(manager, audience);
    expect(again.skipped.filter((s) => s.reason === 'recently_surveyed').map((s) => s.contact.contactId).sort()).toEqual(
      [olga, rita, pat, beta.contactIds[1]!].sort(),
    );
  });

  it('narrows by level and buying role as the campaign does', async () => {
    const manager = await ctx.signIn('account_manager');
    const acme = await createAccountWithContacts(manager, [
      { name: 'Ana', level: 'instigator', buyingRole: 'decision_maker' },
      { name: 'Bo', level: 'influencer', buyingRole: 'decision_maker' },
      { name: 'Cy', level: 'instigator', buyingRole: 'user' },
    ]);
    const audience = { accountIds: [acme.accountId], levels: ['instigator'], buyingRoles: ['decision_maker'] };
    const shown = await previewOk(manager, audience);
    expect(shown.eligible.map((p) => p.name)).toEqual(['Ana']);
    expect(shown.eligible[0]).toMatchObject({ level: 'instigator', buyingRole: 'decision_maker' });
    expect(shown.skipped).toEqual([]);
    const did = await whatTheCampaignDid(manager, (await createCampaign(manager, audience)).id);
    expect(did.eligible).toEqual([acme.contactIds[0]]);
  });

  it('a later send time is judged at that time: someone surveyed now is no longer "recent" in two months', async () => {
    const manager = await ctx.signIn('account_manager');
    const acme = await createAccountWithContacts(manager, [{ name: 'Ana' }]);
    await createCampaign(manager, { accountIds: [acme.accountId] });
    expect((await previewOk(manager, { accountIds: [acme.accountId] })).skipped.map((s) => s.reason)).toEqual(['recently_surveyed']);
    const later = new Date(ctx.clock.now().getTime() + 60 * 86_400_000).toISOString();
    const res = await preview(manager, { accountIds: [acme.accountId] }, { sendAt: later });
    expect(res.status, res.text).toBe(200);
    expect(res.body.eligible.map((p: Person) => p.name)).toEqual(['Ana']);
  });

  it("another manager's account or contact is not found, as for campaigns; admins preview any account", async () => {
    const owner = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const acme = await createAccountWithContacts(owner, [{ name: 'Ana' }]);
    const mine = await createAccountWithContacts(other, [{ name: 'Mo' }]);
    const before = await rowCounts();

    const byAccount = await preview(other, { accountIds: [mine.accountId, acme.accountId] });
    expect(byAccount.status).toBe(404);
    expect(byAccount.body.error.code).toBe('not_found');
    expect((await preview(other, { contactIds: [acme.contactIds[0]!] })).status).toBe(404);
    expect((await preview(other, { accountIds: [randomUUID()] })).status).toBe(404);
    // The same answer the real campaign gives.
    expect((await other.post('/api/campaigns', { name: 'x', surveyId: await templateSurveyId(ctx, 'nps'), audience: { accountIds: [acme.accountId] } })).status).toBe(404);
    expect(await rowCounts()).toEqual(before);

    const admin = await ctx.signIn('admin');
    expect((await previewOk(admin, { accountIds: [acme.accountId, mine.accountId] })).eligible.map((p) => p.name).sort()).toEqual(['Ana', 'Mo']);
  });

  it('executives, who cannot create campaigns, cannot preview one; signed-out callers are refused', async () => {
    const manager = await ctx.signIn('account_manager');
    const acme = await createAccountWithContacts(manager, [{ name: 'Ana' }]);
    const executive = await ctx.signIn('executive');
    const res = await preview(executive, { accountIds: [acme.accountId] });
    expect(res.status).toBe(403);
    expect((await preview(ctx.anonymous(), { accountIds: [acme.accountId] })).status).toBe(401);
  });

  it('bad input is a 400 naming the field, with nothing written', async () => {
    const manager = await ctx.signIn('account_manager');
    const acme = await createAccountWithContacts(manager, [{ name: 'Ana' }]);
    const before = await rowCounts();
    const cases: [unknown, string][] = [
      [{ audience: {} }, 'audience.accountIds'],
      [{ audience: { accountIds: ['not-a-uuid'] } }, 'audience.accountIds.0'],
      [{ audience: { accountIds: [acme.accountId], levels: ['boss'] } }, 'audience.levels.0'],
      [{ audience: { accountIds: [acme.accountId], buyingRoles: ['king'] } }, 'audience.buyingRoles.0'],
      [{ audience: { accountIds: [acme.accountId] }, sendAt: 'next tuesday' }, 'sendAt'],
      [{ audience: { accountIds: [acme.accountId], extra: 1 } }, 'audience'],
      [{}, 'audience'],
    ];
    for (const [body, path] of cases) {
      const res = await manager.post('/api/campaigns/preview', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.issues.map((i: { path: string }) => i.path), JSON.stringify(body)).toContain(path);
    }
    const notJson = await manager.request('POST', '/api/campaigns/preview', { body: 'audience=1', headers: { 'content-type': 'text/plain' } });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
    expect(await rowCounts()).toEqual(before);
  });
});
