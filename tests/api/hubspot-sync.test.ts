import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { startFakeHubspot, type FakeHubspot } from '../helpers/fake-hubspot.js';
import { insertAnsweredNpsWave } from '../helpers/survey-fixtures.js';
import { accounts, contacts, crmConnections, crmLinks, crmSyncRuns } from '../../src/server/db/schema/index.js';
import { HubspotAdapter } from '../../src/server/integrations/crm/hubspot.js';

const HOUR = 3_600_000;
const COMPANIES = 210; // three search pages of 100

/** HubSpot as the tests start it: 210 companies, owned by Anna (a Keypulse manager) or Ghost (no Keypulse user). */
function seedHubspot(fake: FakeHubspot, base: Date) {
  fake.owners.push({ id: '101', email: 'anna.hubspot@example.com', firstName: 'Anna', lastName: 'Manager' });
  fake.owners.push({ id: '102', email: 'ghost@example.com', firstName: 'Ghost', lastName: 'Nobody' });
  let contactId = 5000;
  for (let i = 1; i <= COMPANIES; i++) {
    fake.addCompany(
      String(i),
      {
        name: `Company ${i}`,
        domain: i === 7 ? null : `https://www.c${i}.example.com/`,
        industry: 'Manufacturing',
        annualrevenue: '125000.5',
        hubspot_owner_id: i === 3 ? '102' : '101',
        renewal_date: '2026-11-30',
      },
      new Date(base.getTime() - (COMPANIES - i) * 60_000),
    );
    for (let k = 0; k < (i % 3 === 0 ? 2 : 1); k++) {
      contactId++;
      fake.addContact(
        String(contactId),
        String(i),
        { firstname: `Pat${contactId}`, lastname: 'Doe', email: `pat${contactId}@c${i}.example.com`, jobtitle: 'CFO', hs_language: i === 1 ? 'pt-br' : 'en' },
        base,
      );
    }
  }
  return contactId - 5000;
}

/** A fake HubSpot on the test's own clock, a context talking to it, and the companies and contacts seeded a day ago. */
async function contextWithSeededHubspot(): Promise<{ fake: FakeHubspot; ctx: TestContext; contactTotal: number }> {
  let clockNow = () => new Date();
  const fake = await startFakeHubspot({ now: () => clockNow() });
  const ctx = await createTestContext({ hubspot: { baseUrl: fake.url, retries: 0 } });
  clockNow = () => ctx.clock.now();
  return { fake, ctx, contactTotal: seedHubspot(fake, new Date(ctx.clock.now().getTime() - 24 * HOUR)) };
}

async function countOf(ctx: TestContext, table: typeof accounts | typeof contacts | typeof crmLinks, where?: any) {
  const [row] = await ctx.database.db.select({ n: count() }).from(table as any).where(where);
  return Number(row!.n);
}

async function syncAndWait(ctx: TestContext, admin: TestClient) {
  const res = await admin.post('/api/integrations/hubspot/sync');
  expect([200, 202]).toContain(res.status);
  await ctx.runJobs();
  const run = await admin.get(`/api/integrations/hubspot/runs/${res.body.run.id}`);
  expect(run.status).toBe(200);
  return run.body;
}

describe('HubSpot sync against a loopback fake of HubSpot’s API', () => {
  let ctx: TestContext;
  let fake: FakeHubspot;
  let admin: TestClient & { user: TestUser };
  let anna: TestUser;
  let contactTotal: number;

  beforeAll(async () => {
    ({ fake, ctx, contactTotal } = await contextWithSeededHubspot());
    admin = await ctx.signIn('admin');
    anna = await ctx.createUser('account_manager', { email: 'Anna.HubSpot@example.com', name: 'Anna' });
    // An account Keypulse already has: matched by domain, not duplicated.
    await ctx.database.db.insert(accounts).values({ name: 'C5 (ours)', domain: 'c5.example.com', ownerId: anna.id, stage: 'key_account' });
  });
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  it('only admins may see or change the connection; managers get 403', async () => {
    const manager = await ctx.signIn('account_manager');
    expect((await manager.get('/api/integrations/hubspot')).status).toBe(403);
    expect((await manager.request('PUT', '/api/integrations/hubspot', { json: { accessToken: fake.token, writeBack: false } })).status).toBe(403);
    expect((await manager.post('/api/integrations/hubspot/sync')).status).toBe(403);
    expect((await manager.delete('/api/integrations/hubspot')).status).toBe(403);
    expect(await countOf(ctx, crmLinks)).toBe(0);
    const [conn] = await ctx.database.db.select({ n: count() }).from(crmConnections);
    expect(Number(conn!.n)).toBe(0);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const noToken = await admin.request('PUT', '/api/integrations/hubspot', { json: { writeBack: false } });
    expect(noToken.status).toBe(400);
    const badProp = await admin.request('PUT', '/api/integrations/hubspot', { json: { accessToken: fake.token, writeBack: false, renewalDateProperty: 'drop table;' } });
    expect(badProp.status).toBe(400);
    const baseUrl = await admin.request('PUT', '/api/integrations/hubspot', { json: { accessToken: fake.token, writeBack: false, baseUrl: 'http://169.254.169.254' } });
    expect(baseUrl.status).toBe(400);
    const unknownOwner = await admin.request('PUT', '/api/integrations/hubspot', { json: { accessToken: fake.token, writeBack: false, defaultOwnerEmail: 'nobody@example.com' } });
    expect(unknownOwner.status).toBe(400);
    expect((await admin.get('/api/integrations/hubspot')).body.connected).toBe(false);
  });

  it('first sync: companies become accounts, their contacts come along, owners matched by email', async () => {
    const put = await admin.request('PUT', '/api/integrations/hubspot', {
      json: { accessToken: fake.token, renewalDateProperty: 'renewal_date', defaultOwnerEmail: admin.user.email, writeBack: false },
    });
    expect(put.status).toBe(200);
    expect(put.body.tokenHint).toBe(`…${fake.token.slice(-4)}`);
    expect(put.text).not.toContain(fake.token);
    const [stored] = await ctx.database.db.select().from(crmConnections);
    expect(stored!.tokenSealed).not.toContain(fake.token);

    const run = await syncAndWait(ctx, admin);
    expect(run.status).toBe('succeeded');
    expect(run.progress.pages).toBe(3);
    expect(run.progress.companies).toEqual({ created: COMPANIES - 1, updated: 1, unchanged: 0, skipped: 0 });
    expect(run.progress.contacts.created).toBe(contactTotal);
    expect(await countOf(ctx, accounts)).toBe(COMPANIES);
    expect(await countOf(ctx, contacts)).toBe(contactTotal);

    const c1 = await ctx.database.db.select().from(accounts).where(eq(accounts.domain, 'c1.example.com'));
    expect(c1).toHaveLength(1);
    expect(c1[0]).toMatchObject({ name: 'Company 1', industry: 'Manufacturing', annualRevenue: 12_500_050, renewalDate: '2026-11-30', ownerId: anna.id });
    const [pt] = await ctx.database.db.select().from(contacts).where(eq(contacts.accountId, c1[0]!.id));
    expect(pt).toMatchObject({ name: 'Pat5001 Doe', email: 'pat5001@c1.example.com', title: 'CFO', language: 'pt-BR' });
    // Ghost has no Keypulse user: the default owner (the admin) gets Company 3, and the report says so.
    const [c3] = await ctx.database.db.select().from(accounts).where(eq(accounts.name, 'Company 3'));
    expect(c3!.ownerId).toBe(admin.user.id);
    expect(run.report).toContainEqual(expect.objectContaining({ externalId: '3', action: 'note', reason: expect.stringContaining('ghost@example.com') }));
    // C5 was Keypulse's already: linked, HubSpot's name applied, Keypulse-only stage kept.
    const [c5] = await ctx.database.db.select().from(accounts).where(eq(accounts.domain, 'c5.example.com'));
    expect(c5).toMatchObject({ name: 'Company 5', stage: 'key_account' });
    // The first search asked for everything, sorted by last-modified, 100 at a time.
    const search = fake.requests.find((r) => r.path === '/crm/v3/objects/companies/search')!;
    expect(search.body).toMatchObject({ filterGroups: [], sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }], limit: 100 });
  });

  it('a change on HubSpot’s side is applied; unchanged companies are not fetched again', async () => {
    ctx.clock.advance(HOUR);
    fake.editCompany('10', { name: 'Company Ten Renamed', industry: 'Energy' }, ctx.clock.now());
    // A contact edited on its own (its company, Company 2, did not change) is picked up too.
    fake.editContact('5002', { jobtitle: 'CEO' }, ctx.clock.now());
    ctx.clock.advance(60_000);
    fake.requests.length = 0;
    const run = await syncAndWait(ctx, admin);
    expect(run.status).toBe('succeeded');
    const fetched = run.progress.companies.created + run.progress.companies.updated + run.progress.companies.unchanged + run.progress.companies.skipped;
    expect(fetched).toBe(1);
    expect(run.progress.companies.updated).toBe(1);
    const search = fake.requests.find((r) => r.path === '/crm/v3/objects/companies/search')!;
    expect(search.body.filterGroups[0].filters[0]).toMatchObject({ propertyName: 'hs_lastmodifieddate', operator: 'GTE' });
    expect(run.progress.contacts.updated).toBe(1);
    const [ceo] = await ctx.database.db.select().from(contacts).where(eq(contacts.email, 'pat5002@c2.example.com'));
    expect(ceo!.title).toBe('CEO');
    const contactSearch = fake.requests.find((r) => r.path === '/crm/v3/objects/contacts/search')!;
    expect(contactSearch.body).toMatchObject({ filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE' }] }], sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }] });
    const [c10] = await ctx.database.db.select().from(accounts).where(eq(accounts.domain, 'c10.example.com'));
    expect(c10).toMatchObject({ name: 'Company Ten Renamed', industry: 'Energy' });
    expect(await countOf(ctx, accounts)).toBe(COMPANIES);
  });

  it('a change on Keypulse’s side wins when it is the most recent, and HubSpot’s unchanged record does not overwrite it', async () => {
    ctx.clock.advance(HOUR);
    const [c11] = await ctx.database.db.select().from(accounts).where(eq(accounts.domain, 'c11.example.com'));
    const [c12] = await ctx.database.db.select().from(accounts).where(eq(accounts.domain, 'c12.example.com'));
    // HubSpot's user renamed C12 ten minutes ago; a Keypulse manager renames it now (the more recent change).
    fake.editCompany('12', { name: 'Company 12 from HubSpot' }, new Date(ctx.clock.now().getTime() - 10 * 60_000));
    expect((await admin.patch(`/api/accounts/${c12!.id}`, { name: 'Company 12 from Keypulse' })).status).toBe(200);
    // C11 is edited in Keypulse only.
    expect((await admin.patch(`/api/accounts/${c11!.id}`, { name: 'Company 11 from Keypulse' })).status).toBe(200);
    ctx.clock.advance(60_000);
    const run = await syncAndWait(ctx, admin);
    expect(run.status).toBe('succeeded');
    const [after11] = await ctx.database.db.select().from(accounts).where(eq(accounts.id, c11!.id));
    const [after12] = await ctx.database.db.select().from(accounts).where(eq(accounts.id, c12!.id));
    expect(after11!.name).toBe('Company 11 from Keypulse');
    expect(after12!.name).toBe('Company 12 from Keypulse');
    expect(run.report).toContainEqual(expect.objectContaining({ externalId: '12', action: 'kept_local' }));

    // A later change on HubSpot's side is the most recent: it wins.
    ctx.clock.advance(HOUR);
    fake.editCompany('12', { name: 'Company 12 renamed again in HubSpot' }, ctx.clock.now());
    ctx.clock.advance(60_000);
    await syncAndWait(ctx, admin);
    const [final12] = await ctx.database.db.select().from(accounts).where(eq(accounts.id, c12!.id));
    expect(final12!.name).toBe('Company 12 renamed again in HubSpot');
  });

  it('write-back: creates the keypulse properties, then sends NPS, risk and last scores as HubSpot batch updates, only what changed', async () => {
    const [c20] = await ctx.database.db.select().from(accounts).where(eq(accounts.domain, 'c20.example.com'));
    await insertAnsweredNpsWave(ctx, { accountId: c20!.id, ownerId: anna.id, sentAt: new Date(ctx.clock.now().getTime() - 10 * 24 * HOUR), scores: [10, 10, 9, 3], name: 'C20' });
    // One imported contact answered too.
    const [link] = await ctx.database.db.select().from(crmLinks).where(and(eq(crmLinks.objectType, 'contact'), eq(crmLinks.externalId, '5001')));
    const contactId = link!.localId;
    await ctx.database.db.execute(sql`
      with source as (select * from responses where account_id = ${c20!.id} limit 1),
      invited as (
        insert into invitations (campaign_id, account_id, contact_id, email, language, status, sent_at, responded_at)
        select s.campaign_id, c.account_id, c.id, c.email, 'en', 'sent', s.started_at, s.completed_at
        from source s, contacts c where c.id = ${contactId}
        returning id, account_id, campaign_id)
      insert into responses (invitation_id, campaign_id, survey_id, survey_version_id, account_id, contact_id, language, answers, nps_score, started_at, updated_at, completed_at)
      select i.id, s.campaign_id, s.survey_id, s.survey_version_id, i.account_id, ${contactId}, 'en', '{"nps":8}'::jsonb, 8, s.started_at, s.updated_at, s.completed_at
      from source s, invited i`);

    expect((await admin.request('PUT', '/api/integrations/hubspot', { json: { writeBack: true } })).status).toBe(200);
    fake.requests.length = 0;
    ctx.clock.advance(HOUR);
    const run = await syncAndWait(ctx, admin);
    expect(run.status).toBe('succeeded');

    // The fields were created in a `keypulse` group on both objects.
    expect(fake.groups.companies.has('keypulse')).toBe(true);
    expect(fake.properties.companies.get('keypulse_nps')).toMatchObject({ type: 'number', groupName: 'keypulse' });
    expect(fake.properties.companies.get('keypulse_risk_level')).toMatchObject({ type: 'enumeration', fieldType: 'select' });
    expect(fake.properties.contacts.get('keypulse_last_score_date')).toMatchObject({ type: 'date', groupName: 'keypulse' });

    const companyUpdates = fake.requests.filter((r) => r.path === '/crm/v3/objects/companies/batch/update');
    expect(companyUpdates.length).toBe(Math.ceil(COMPANIES / 100));
    for (const r of companyUpdates) expect(r.body.inputs.length).toBeLessThanOrEqual(100);
    const inputs = companyUpdates.flatMap((r) => r.body.inputs);
    expect(inputs).toHaveLength(COMPANIES);
    const c20Input = inputs.find((i: any) => i.id === '20');
    expect(c20Input).toEqual({
      id: '20',
      properties: {
        keypulse_nps: '50',
        keypulse_nps_responses: '4',
        keypulse_risk_level: expect.stringMatching(/^(green|amber|red)$/),
        keypulse_risk_reasons: expect.any(String),
        keypulse_last_survey_date: new Date(ctx.clock.now().getTime() - HOUR - 9 * 24 * HOUR).toISOString().slice(0, 10),
      },
    });
    expect(fake.companies.get('20')!.properties.keypulse_nps).toBe('50');
    const contactUpdates = fake.requests.filter((r) => r.path === '/crm/v3/objects/contacts/batch/update');
    expect(contactUpdates.flatMap((r) => r.body.inputs)).toEqual([{ id: '5001', properties: { keypulse_last_score: '8', keypulse_last_score_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) } }]);
    expect(run.progress.writtenBack).toEqual({ companies: COMPANIES, contacts: 1 });

    // Our own write moved HubSpot's last-modified time; the next sync does not take it for a change, and sends nothing unchanged.
    fake.requests.length = 0;
    ctx.clock.advance(HOUR);
    const again = await syncAndWait(ctx, admin);
    expect(again.progress.companies.updated).toBe(0);
    expect(again.progress.writtenBack).toEqual({ companies: 0, contacts: 0 });
    expect(fake.requests.filter((r) => r.path.endsWith('/batch/update'))).toHaveLength(0);
    // Property creation happened once.
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/crm/v3/properties/'))).toHaveLength(0);
  });

  it('a revoked token fails the run with a message, and never shows the token', async () => {
    expect((await admin.request('PUT', '/api/integrations/hubspot', { json: { accessToken: 'pat-revoked-token-zzzz', writeBack: false } })).status).toBe(200);
    const run = await syncAndWait(ctx, admin);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('401');
    expect(JSON.stringify(run)).not.toContain('pat-revoked');
    expect((await admin.request('PUT', '/api/integrations/hubspot', { json: { accessToken: fake.token, writeBack: false } })).status).toBe(200);
  });
});

describe('a HubSpot sync killed mid-way', () => {
  let ctx: TestContext;
  let fake: FakeHubspot;
  let admin: TestClient & { user: TestUser };
  let contactTotal: number;

  beforeAll(async () => {
    ({ fake, ctx, contactTotal } = await contextWithSeededHubspot());
    admin = await ctx.signIn('admin');
    await ctx.createUser('account_manager', { email: 'anna.hubspot@example.com' });
    expect((await admin.request('PUT', '/api/integrations/hubspot', { json: { accessToken: fake.token, defaultOwnerEmail: admin.user.email, writeBack: false } })).status).toBe(200);
  });
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  it('resumes from the saved cursor and imports everything exactly once; one running run at a time', async () => {
    fake.failSearchesAfter(2);
    const first = await admin.post('/api/integrations/hubspot/sync');
    expect(first.status).toBe(202);
    // While it is running, asking again answers with the same run.
    const second = await admin.post('/api/integrations/hubspot/sync');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ started: false, run: { id: first.body.run.id } });
    await ctx.runJobs(); // every attempt dies on page 3

    const stuck = (await admin.get(`/api/integrations/hubspot/runs/${first.body.run.id}`)).body;
    expect(stuck.status).toBe('running');
    expect(stuck.progress.pages).toBe(2);
    expect(await countOf(ctx, accounts)).toBe(200);
    expect(await countOf(ctx, crmLinks, eq(crmLinks.objectType, 'company'))).toBe(200);

    // HubSpot is back; the run's heartbeat is stale, so the next request takes it over and resumes it.
    fake.heal();
    ctx.clock.advance(3 * 60_000);
    const resumed = await admin.post('/api/integrations/hubspot/sync');
    expect(resumed.status).toBe(202);
    expect(resumed.body.run.id).toBe(first.body.run.id);
    await ctx.runJobs();
    const done = (await admin.get(`/api/integrations/hubspot/runs/${first.body.run.id}`)).body;
    expect(done.status).toBe('succeeded');
    expect(done.progress.pages).toBe(3);
    expect(done.progress.companies.created).toBe(COMPANIES);

    expect(await countOf(ctx, accounts)).toBe(COMPANIES);
    expect(await countOf(ctx, contacts)).toBe(contactTotal);
    expect(await countOf(ctx, crmLinks, eq(crmLinks.objectType, 'company'))).toBe(COMPANIES);
    expect(await countOf(ctx, crmLinks, eq(crmLinks.objectType, 'contact'))).toBe(contactTotal);
    const [names] = await ctx.database.db.select({ n: sql<number>`count(distinct ${accounts.name})` }).from(accounts);
    expect(Number(names!.n)).toBe(COMPANIES);
    const runs = await ctx.database.db.select().from(crmSyncRuns);
    expect(runs).toHaveLength(1);
  });

  it('the scheduler starts a sync when syncEveryMinutes have passed', async () => {
    expect((await admin.request('PUT', '/api/integrations/hubspot', { json: { syncEveryMinutes: 60, writeBack: false } })).status).toBe(200);
    const { schedulerTick } = await import('../../src/server/jobs/scheduler-tick.js');
    await schedulerTick(ctx.deps);
    expect(await ctx.database.db.select().from(crmSyncRuns)).toHaveLength(1); // the last one started 3 minutes ago
    ctx.clock.advance(61 * 60_000);
    await schedulerTick(ctx.deps);
    const runs = await ctx.database.db.select().from(crmSyncRuns);
    expect(runs).toHaveLength(2);
    expect(runs.find((r) => r.trigger === 'schedule')).toBeTruthy();
    await ctx.runJobs();
  });
});

describe('the HubSpot adapter and the search API’s 10,000-result cap', () => {
  it('reads 10,150 changed companies by starting a new time window before the cap, each company at least once and none lost', async () => {
    const fake = await startFakeHubspot({ now: () => new Date('2026-03-02T09:00:00Z') });
    try {
      const start = Date.parse('2026-01-01T00:00:00Z');
      for (let i = 1; i <= 10_150; i++) fake.addCompany(String(i), { name: `C${i}` }, new Date(start + i * 1000));
      const adapter = new HubspotAdapter({ accessToken: fake.token, baseUrl: fake.url, renewalDateProperty: null, retries: 0 });
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await adapter.listCompanies(null, cursor);
        for (const c of page.companies) seen.add(c.id);
        cursor = page.next;
        pages++;
      } while (cursor && pages < 200);
      expect(seen.size).toBe(10_150);
      expect(fake.requests.filter((r) => r.path.endsWith('/search')).every((r) => Number(r.body.after ?? 0) + r.body.limit <= 10_000)).toBe(true);
      // The second window asks for companies modified since the last one read.
      expect(fake.requests.some((r) => r.path.endsWith('/search') && r.body.filterGroups[0]?.filters[0].value === String(start + 10_000 * 1000))).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
