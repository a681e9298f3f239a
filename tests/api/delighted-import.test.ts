import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { and, count, eq, isNotNull, sql } from 'drizzle-orm';
import { accounts, campaigns, contacts, importRuns, invitations, outgoingEvents, responses, tasks, webhookEndpoints } from '../../src/server/db/schema/index.js';
import { responsesAwaitingFollowUp } from '../../src/server/services/follow-up.js';
import { loadRiskFacts } from '../../src/server/db/queries/account-risk.js';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';

/**
 * Delighted's customers bring their exports (tests/fixtures/delighted: 76 responses of four companies over two years,
 * as the web export's CSV and as the API's JSON, the people list and the unsubscribes). The story: an admin dry-runs
 * the import, reads the per-row report, imports; the answers keep their dates and words and count in the NPS trend,
 * month by month, exactly as a hand count of the file says — and nothing treats them as new.
 */

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/delighted/${name}`, import.meta.url));
const TIME_ZONE = 'Europe/Madrid';

function upload(files: Record<string, string>): FormData {
  const form = new FormData();
  for (const [field, name] of Object.entries(files)) {
    form.append(field, new File([readFileSync(fixture(name))], name, { type: name.endsWith('.json') ? 'application/json' : 'text/csv' }));
  }
  return form;
}
const importFiles = (client: TestClient, query: string, files: Record<string, string>) =>
  client.request('POST', `/api/import/delighted?${query}`, { body: upload(files) });

const csvFiles = { responses: 'responses.csv', people: 'people.csv', unsubscribes: 'unsubscribes.csv' };
const jsonFiles = { responses: 'responses.json', people: 'people.csv', unsubscribes: 'unsubscribes.csv' };

/** The fixture's rows as a person would read them: the CSV, parsed on its own, no Keypulse code involved. */
const rawRows: Record<string, string>[] = parse(readFileSync(fixture('responses.csv')), { columns: true, bom: true });
const validNps = rawRows.filter((r) => r['Survey type'] === 'nps' && /^(10|[0-9])$/.test(r.Score!));

async function tally(ctx: TestContext) {
  const db = ctx.database.db;
  const n = async (table: any) => Number((await db.select({ n: count() }).from(table))[0]!.n);
  return {
    accounts: await n(accounts),
    contacts: await n(contacts),
    campaigns: await n(campaigns),
    invitations: await n(invitations),
    responses: await n(responses),
    tasks: await n(tasks),
    events: await n(outgoingEvents),
  };
}

/** What the import made, independent of ids: one line per answer. */
async function snapshot(ctx: TestContext) {
  const rows = await ctx.database.db
    .select({ id: responses.externalId, score: responses.npsScore, answers: responses.answers, at: responses.completedAt, email: contacts.email, account: accounts.name, unsubscribed: contacts.unsubscribed, language: contacts.language })
    .from(responses)
    .innerJoin(contacts, eq(contacts.id, responses.contactId))
    .innerJoin(accounts, eq(accounts.id, responses.accountId))
    .where(eq(responses.importedFrom, 'delighted'));
  return rows.map((r) => ({ ...r, at: r.at!.toISOString() })).sort((a, b) => a.id!.localeCompare(b.id!));
}

describe('POST /api/import/delighted — CSV, mapped by the company property', () => {
  let ctx: TestContext;
  let admin: TestClient & { user: TestUser };
  let northwindId: string;
  let dryRun: any;
  let imported: any;

  beforeAll(async () => {
    ctx = await createTestContext({ timeZone: TIME_ZONE });
    ctx.clock.set('2026-07-10T09:00:00Z');
    admin = await ctx.signIn('admin');
    // Northwind is already a customer here, with someone who later unsubscribed in Delighted.
    const [northwind] = await ctx.database.db.insert(accounts).values({ name: 'Northwind Logistics', ownerId: admin.user.id }).returning();
    northwindId = northwind!.id;
    await ctx.database.db.insert(contacts).values({ accountId: northwindId, name: 'Kept Out', email: 'Kept.Out@northwind.example', level: 'implementer', buyingRole: 'user' });
    // Someone listens to every event, so an event recorded for an imported answer would be stored (and sent).
    await ctx.database.db.insert(webhookEndpoints).values({
      urlSealed: ctx.deps.secrets.seal('https://receiver.example/hook'),
      urlHint: 'receiver.example',
      eventTypes: ['response.created', 'response.completed', 'task.created', 'contact.unsubscribed'],
      secretSealed: ctx.deps.secrets.seal('whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0'),
      createdBy: admin.user.id,
    });
  });
  afterAll(() => ctx.close());

  it('a dry run reports every row and writes nothing', async () => {
    const before = await tally(ctx);
    const res = await importFiles(admin, 'dryRun=true', csvFiles);
    expect(res.status).toBe(200);
    dryRun = res.body;
    expect(dryRun.dryRun).toBe(true);
    expect(await tally(ctx)).toEqual(before);

    const responseRows = dryRun.rows.filter((r: any) => r.file === 'responses');
    expect(responseRows).toHaveLength(rawRows.length);
    expect(responseRows.filter((r: any) => r.status === 'created')).toHaveLength(validNps.length);
    const skipped = responseRows.filter((r: any) => r.status === 'skipped');
    expect(skipped.map((r: any) => r.reason)).toEqual([expect.stringContaining('"csat" is not imported'), expect.stringContaining('"ces" is not imported')]);
    const errors = responseRows.filter((r: any) => r.status === 'error');
    expect(errors).toEqual([expect.objectContaining({ externalId: rawRows.find((r) => r.Score === '11')!['Response ID'], reason: expect.stringContaining('0 to 10') })]);
    // The CSV line of the bad row (header = line 1).
    expect(errors[0].line).toBe(rawRows.findIndex((r) => r.Score === '11') + 2);
    expect(dryRun.summary).toMatchObject({ responsesCreated: validNps.length, accountsCreated: 3, contactsCreated: 17, errors: 1 });

    const [run] = await ctx.database.db.select().from(importRuns).where(eq(importRuns.id, dryRun.runId));
    expect(run).toMatchObject({ source: 'delighted', dryRun: true, userId: admin.user.id, fileName: 'responses.csv' });
  });

  it('imports accounts, contacts and answers with their original dates and words; the report matches the dry run', async () => {
    const res = await importFiles(admin, '', csvFiles);
    expect(res.status).toBe(200);
    imported = res.body;
    expect(imported.rows.map((r: any) => [r.file, r.line, r.status])).toEqual(dryRun.rows.map((r: any) => [r.file, r.line, r.status]));
    expect(imported.summary).toEqual({ ...dryRun.summary, contactsUnsubscribed: 1 });

    const names = (await ctx.database.db.select({ name: accounts.name }).from(accounts)).map((a) => a.name).sort();
    expect(names).toEqual(['Atlas Health', 'Helios Energy', 'Iberia Foods', 'Northwind Logistics']);
    const all = await snapshot(ctx);
    expect(all).toHaveLength(validNps.length);
    // Every answer as the file has it: score, comment, time, person, company.
    for (const raw of validNps) {
      const got = all.find((r) => r.id === raw['Response ID'])!;
      expect(got).toMatchObject({
        score: Number(raw.Score),
        email: raw.Email,
        account: raw['Properties: Company'],
        at: new Date(raw['Response timestamp']!.replace(' UTC', 'Z').replace(' ', 'T')).toISOString(),
        answers: raw.Comment ? { nps: Number(raw.Score), reason: raw.Comment } : { nps: Number(raw.Score) },
      });
    }
    // Spanish-speaking Iberia people get Spanish surveys from now on (Locale es-ES).
    expect(all.find((r) => r.account === 'Iberia Foods')!.language).toBe('es');
    // One closed campaign holds them, marked imported, never sent from here.
    const imp = await ctx.database.db.select().from(campaigns).where(eq(campaigns.importedFrom, 'delighted'));
    expect(imp).toHaveLength(1);
    expect(imp[0]).toMatchObject({ status: 'closed' });
    expect(imp[0]!.sendAt.toISOString()).toBe('2024-07-08T14:42:33.000Z');
    const noToken = await ctx.database.db.select({ n: count() }).from(invitations).where(isNotNull(invitations.tokenHash));
    expect(noToken[0]!.n).toBe(0);
    // Audited.
    const log = await admin.get('/api/audit-log?action=import.delighted');
    expect(log.body.data[0]).toMatchObject({ targetId: imported.runId });
  });

  it('keeps unsubscribed people unsubscribed: a new contact is created so, an existing one is switched', async () => {
    const rows = await ctx.database.db.select({ email: contacts.email, unsubscribed: contacts.unsubscribed }).from(contacts).where(eq(contacts.unsubscribed, true));
    expect(rows.map((r) => r.email.toLowerCase()).sort()).toEqual(['greta.jones@iberiafoods.example', 'kept.out@northwind.example']);
    // Rosa never answered but is in the people file: she is a contact now.
    const [rosa] = await ctx.database.db.select().from(contacts).where(eq(contacts.email, 'rosa.klein@atlashealth.example'));
    expect(rosa).toBeDefined();
  });

  it('importing again duplicates nothing', async () => {
    const before = await tally(ctx);
    const res = await importFiles(admin, '', csvFiles);
    expect(res.status).toBe(200);
    expect(await tally(ctx)).toEqual(before);
    expect(res.body.summary).toMatchObject({ responsesCreated: 0, accountsCreated: 0, contactsCreated: 0 });
    expect(res.body.rows.filter((r: any) => r.reason === 'imported before')).toHaveLength(validNps.length);
  });

  it('historical answers raise no follow-up task and no outgoing event, and are not "new" on My day', async () => {
    const imported = (await ctx.database.db.select({ id: responses.id }).from(responses)).map((r) => r.id);
    const awaiting = await responsesAwaitingFollowUp(ctx.database.db, ctx.clock.now());
    expect(awaiting.filter((id) => imported.includes(id))).toEqual([]);
    const counts = await tally(ctx);
    expect(counts.tasks).toBe(0);
    expect(counts.events).toBe(0);
    // The admin owns the new accounts; June 2026's answers are within a first visit's 30 days, yet not new.
    const day = await admin.get('/api/me/day');
    expect(day.status).toBe(200);
    expect(day.body.responses).toEqual([]);
  });

  it('the campaign list hides the import; "surveyed recently" and the latest wave ignore it; answers are marked imported', async () => {
    const list = await admin.get('/api/campaigns');
    expect(list.body.data.map((c: any) => c.name)).not.toContain('Delighted NPS (imported)');
    // Several Northwind people answered in Delighted in June 2026, within 30 days of now: still askable here.
    const preview = await admin.post('/api/campaigns/preview', { audience: { accountIds: [northwindId], contactIds: [], levels: [], buyingRoles: [] } });
    expect(preview.status).toBe(200);
    expect(preview.body.skipped.filter((s: any) => s.reason === 'recently_surveyed')).toEqual([]);
    const answers = await admin.get(`/api/responses?accountId=${northwindId}`);
    expect(answers.body.data.length).toBeGreaterThan(0);
    expect(answers.body.data.every((r: any) => r.importedFrom === 'delighted')).toBe(true);
    const trend = await admin.get(`/api/reports/nps?scope=account:${northwindId}&groupBy=year&split=level&from=2024-01-01&to=2026-12-31`);
    expect(trend.status).toBe(200);
    expect(trend.body.coverage).toBeNull();
    // The risk report's "latest wave": none (the answers still count in its NPS).
    const quarterBounds = ['2025-10-01', '2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01'].map((d) => new Date(`${d}T00:00:00Z`));
    const facts = await loadRiskFacts(ctx.database.db, { ownerId: null }, { now: ctx.clock.now(), quarterBounds, latestWithinQuarters: 4 });
    expect(facts.lastWave.get(northwindId)).toBeUndefined();
    expect(facts.nps.get(northwindId)).toBeDefined();
  });

  it('bounced people in Delighted are marked bounced', async () => {
    const form = upload({ responses: 'responses.csv' });
    form.append('bounces', new File(['person_id,email,bounced_at\n31000103,,1735725600\n'], 'bounces.csv', { type: 'text/csv' }));
    form.append('people', new File([readFileSync(fixture('people.csv'))], 'people.csv', { type: 'text/csv' }));
    const res = await admin.request('POST', '/api/import/delighted', { body: form });
    expect(res.status).toBe(200);
    expect(res.body.summary.contactsBounced).toBe(1);
    const [david] = await ctx.database.db.select().from(contacts).where(eq(contacts.email, 'david.brown@northwind.example'));
    expect(david!.bounced).toBe(true);
  });

  it("ACCEPTANCE: the fixture's NPS by month, counted by hand, equals Keypulse's trend for those months", async () => {
    // By hand: each valid NPS row's month on Madrid's calendar, then % promoters (9–10) − % detractors (0–6).
    const monthOf = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit' });
    const byMonth = new Map<string, number[]>();
    for (const r of validNps) {
      const at = new Date(r['Response timestamp']!.replace(' UTC', 'Z').replace(' ', 'T'));
      const parts = Object.fromEntries(monthOf.formatToParts(at).map((p) => [p.type, p.value]));
      const key = `${parts.year}-${parts.month}`;
      byMonth.set(key, [...(byMonth.get(key) ?? []), Number(r.Score)]);
    }
    expect(byMonth.size).toBeGreaterThanOrEqual(12);
    const res = await admin.get('/api/reports/nps?scope=portfolio&groupBy=month&from=2024-07-01&to=2026-06-30');
    expect(res.status).toBe(200);
    const periods = new Map<string, any>(res.body.periods.map((p: any) => [p.period, p]));
    for (const [month, scores] of byMonth) {
      const promoters = scores.filter((s) => s >= 9).length;
      const detractors = scores.filter((s) => s <= 6).length;
      const nps = ((promoters - detractors) / scores.length) * 100;
      const period = periods.get(month);
      expect({ month, responses: period?.responses, nps: period?.nps }).toEqual({ month, responses: scores.length, nps: expect.closeTo(nps, 2) });
      // Delighted's exports hold no one who did not answer: no invitations, no response rate.
      expect(period.invited).toBe(0);
      expect(period.responseRate).toBeNull();
    }
    // The month edges: 23:30 UTC on 31 January 2025 is February in Madrid.
    expect(byMonth.get('2025-02')).toContain(4);
  });

  it('only admins may import (403), and nothing is written', async () => {
    const before = await tally(ctx);
    for (const role of ['account_manager', 'executive'] as const) {
      const other = await ctx.signIn(role);
      const res = await importFiles(other, 'dryRun=false', csvFiles);
      expect(res.status).toBe(403);
    }
    expect(await tally(ctx)).toEqual(before);
  });

  it('bad input is a clear 4xx: no responses file, an unknown option, a file that is not CSV or JSON', async () => {
    const none = await importFiles(admin, '', { people: 'people.csv' });
    expect(none.status).toBe(400);
    expect(none.body.error.issues[0].path).toBe('responses');
    const option = await importFiles(admin, 'mapBy=phone', csvFiles);
    expect(option.status).toBe(400);
    const owner = await importFiles(admin, 'ownerEmail=nobody@example.com', csvFiles);
    expect(owner.status).toBe(400);
    expect(owner.body.error.issues[0].path).toBe('ownerEmail');
    const broken = new FormData();
    broken.append('responses', new File(['[{"id": 1,'], 'responses.json', { type: 'application/json' }));
    const json = await admin.request('POST', '/api/import/delighted', { body: broken });
    expect(json.status).toBe(422);
    expect(json.body.error.message).toMatch(/not valid JSON/);
    const raw = await admin.request('POST', '/api/import/delighted', { body: 'id,score', headers: { 'content-type': 'text/csv' } });
    expect(raw.status).toBe(415);
    // The wrong file (a portfolio sheet) is one clear message, not an error on every row.
    const wrong = new FormData();
    wrong.append('responses', new File(['account,owner email,contact email\nAcme,a@b.example,c@acme.example\n'], 'portfolio.csv', { type: 'text/csv' }));
    const sheet = await admin.request('POST', '/api/import/delighted', { body: wrong });
    expect(sheet.status).toBe(422);
    expect(sheet.body.error.message).toBe('the responses file has no a response id column ("Response ID" or "id"): is it Delighted\'s responses export?');
  });

  it('odd rows are reported, never a 500: a NUL in a comment, a time in the future', async () => {
    const form = new FormData();
    form.append(
      'responses',
      new File(
        [JSON.stringify([
          { id: 'odd-1', person: { id: 'p1', email: 'nul@northwind.example' }, score: 8, comment: 'fine\u0000 really', created_at: 1767225600, person_properties: { company: 'Northwind Logistics' } },
          { id: 'odd-2', person: { id: 'p2', email: 'future@northwind.example' }, score: 8, created_at: 4102444800, person_properties: { company: 'Northwind Logistics' } },
        ])],
        'odd.json',
        { type: 'application/json' },
      ),
    );
    const res = await admin.request('POST', '/api/import/delighted?dryRun=true', { body: form });
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: any) => [r.externalId, r.status, r.reason])).toEqual([
      ['odd-1', 'created', null],
      ['odd-2', 'error', 'created_at is in the future'],
    ]);
  });
});

describe('POST /api/import/delighted — JSON, and mapping by email domain', () => {
  let csv: TestContext;
  let json: TestContext;
  let byDomain: TestContext;

  beforeAll(async () => {
    [csv, json, byDomain] = (await Promise.all([1, 2, 3].map(() => createTestContext({ timeZone: TIME_ZONE })))) as [TestContext, TestContext, TestContext];
    for (const ctx of [csv, json, byDomain]) ctx.clock.set('2026-07-10T09:00:00Z');
  });
  afterAll(async () => {
    await Promise.all([csv, json, byDomain].map((c) => c.close()));
  });

  it("the API's JSON gives the same result as the web export's CSV", async () => {
    const a = await importFiles(await csv.signIn('admin'), '', csvFiles);
    const b = await importFiles(await json.signIn('admin'), '', jsonFiles);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.summary).toEqual(a.body.summary);
    expect(b.body.rows.map((r: any) => [r.externalId, r.status, r.reason])).toEqual(
      expect.arrayContaining(a.body.rows.filter((r: any) => r.file === 'responses').map((r: any) => [r.externalId, r.status, r.reason])),
    );
    expect(b.body.rows.find((r: any) => r.file === 'responses').index).toBe(0);
    expect(await snapshot(json)).toEqual(await snapshot(csv));
  });

  it('by domain: an account with that domain is used, others are created named after their domain, owned as asked', async () => {
    const admin = await byDomain.signIn('admin');
    const owner = await byDomain.createUser('account_manager');
    const [helios] = await byDomain.database.db.insert(accounts).values({ name: 'Helios Energy GmbH', domain: 'helios-energy.example', ownerId: admin.user.id }).returning();
    const res = await importFiles(admin, `mapBy=domain&ownerEmail=${encodeURIComponent(owner.email)}`, jsonFiles);
    expect(res.status).toBe(200);
    const rows = await byDomain.database.db.select({ name: accounts.name, domain: accounts.domain, ownerId: accounts.ownerId }).from(accounts);
    expect(rows.map((r) => r.name).sort()).toEqual(['Helios Energy GmbH', 'atlashealth.example', 'iberiafoods.example', 'northwind.example']);
    expect(rows.filter((r) => r.name !== 'Helios Energy GmbH').every((r) => r.ownerId === owner.id && r.domain === r.name)).toBe(true);
    const heliosAnswers = await byDomain.database.db.select({ n: count() }).from(responses).where(eq(responses.accountId, helios!.id));
    expect(heliosAnswers[0]!.n).toBe(validNps.filter((r) => r.Email!.endsWith('@helios-energy.example')).length);
  });

  it('with createAccounts=false, people of unknown accounts are per-row errors and nothing of them is written', async () => {
    const ctx = csv; // already holds the four accounts; a fresh file names a fifth company
    const admin = await ctx.signIn('admin');
    const before = await tally(ctx);
    const form = new FormData();
    form.append(
      'responses',
      new File([`Response ID,Email,Score,Comment,Created at,Company\nx-1,ann@zeta.example,9,Great,2026-05-02 10:00:00 UTC,Zeta Corp\nx-2,bo@northwind.example,3,,2026-05-03 10:00:00 +0200,Northwind Logistics\n`], 'r.csv', { type: 'text/csv' }),
    );
    const res = await admin.request('POST', '/api/import/delighted?createAccounts=false', { body: form });
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([
      expect.objectContaining({ line: 2, status: 'error', reason: 'no account is named "Zeta Corp"' }),
      expect.objectContaining({ line: 3, status: 'created', externalId: 'x-2' }),
    ]);
    const after = await tally(ctx);
    expect(after).toMatchObject({ accounts: before.accounts, contacts: before.contacts + 1, responses: before.responses + 1 });
    const [bo] = await ctx.database.db.select({ at: responses.completedAt }).from(responses).where(and(eq(responses.importedFrom, 'delighted'), eq(responses.externalId, 'x-2')));
    expect(bo!.at!.toISOString()).toBe('2026-05-03T08:00:00.000Z');
    // Bo's wave in the import campaign is their first; unrelated to anyone else's.
    const waves = await ctx.database.db.execute(sql`select max(wave) as w from invitations where campaign_id in (select id from campaigns where imported_from = 'delighted')`);
    expect(Number(((waves as any).rows ?? waves)[0].w)).toBeGreaterThanOrEqual(1);
  });
});
