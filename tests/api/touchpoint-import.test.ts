import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { auditLog, touchpoints } from '../../src/server/db/schema/index.js';

type Client = TestClient & { user: TestUser };
let ctx: TestContext;
let admin: Client;
let exec: Client;
let maria: Client;
let tom: Client;
let halibut: string;
let grouper: string;

// The fake clock starts on 2026-03-02T09:00Z.
beforeAll(async () => {
  ctx = await createTestContext();
  [admin, exec, maria, tom] = await Promise.all([ctx.signIn('admin'), ctx.signIn('executive'), ctx.signIn('account_manager'), ctx.signIn('account_manager')]);
  halibut = (await admin.post('/api/accounts', { name: 'Halibut', stage: 'key_account', ownerId: maria.user.id })).body.id;
  grouper = (await admin.post('/api/accounts', { name: 'Grouper', stage: 'customer', ownerId: tom.user.id })).body.id;
  for (const [name, level, account, client] of [
    ['Iris', 'instigator', halibut, maria],
    ['Paco', 'implementer', halibut, maria],
    ['Gina', 'instigator', grouper, tom],
  ] as const) {
    const res = await client.post(`/api/accounts/${account}/contacts`, { name, email: `${name.toLowerCase()}@fish.example`, level, buyingRole: 'user' });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(() => ctx.close());

const importCsv = (client: TestClient, csv: string, query = '') =>
  client.request('POST', `/api/touchpoints/import${query}`, { body: csv, headers: { 'content-type': 'text/csv' } });
const stored = async () => (await ctx.database.db.select({ n: count() }).from(touchpoints))[0]!.n;
const header = 'account,date,kind,their people,our people,notes\n';

describe('importing touchpoints from CSV', () => {
  it('checks a file in a dry run without writing, row by row', async () => {
    const csv =
      header +
      `Halibut,2026-02-10,QBR,iris@fish.example; PACO@fish.example,${maria.user.email},Review of the quarter\n` +
      `${halibut},2026-01-15,Social event,iris@fish.example,,Winter dinner\n` +
      'Halibut,2026-02-11,lunch,,,\n' +
      'Halibut,2026-13-01,call,,,\n' +
      'Halibut,2026-02-12,call,nobody@fish.example,,\n' +
      'Halibut,2026-02-12,call,not-an-address,,\n' +
      `Halibut,2026-02-13,email thread,,ghost@keypulse.example,\n` +
      'Halibut,2026-03-09,visit,,,\n' +
      'Nowhere,2026-02-01,call,,,\n' +
      `Halibut,2026-02-10,qbr,paco@fish.example;iris@fish.example,${maria.user.email},The same again\n`;
    const before = await stored();
    const res = await importCsv(maria, csv, '?dryRun=true');
    expect(res.status, res.text).toBe(200);
    expect(await stored()).toBe(before);
    expect(res.body).toMatchObject({ dryRun: true, created: 2, skipped: 0, failed: 8 });
    const byLine = Object.fromEntries(res.body.rows.map((r: { line: number }) => [r.line, r]));
    expect(byLine[2]).toMatchObject({ status: 'created', account: 'Halibut', accountId: halibut, occurredOn: '2026-02-10', kind: 'qbr', touchpointId: null, errors: [] });
    expect(byLine[3]).toMatchObject({ status: 'created', kind: 'social_event' });
    expect(byLine[4]).toMatchObject({ status: 'error', errors: [{ column: 'kind', message: expect.stringContaining('must be one of meeting, call, visit, QBR') }] });
    expect(byLine[5]).toMatchObject({ status: 'error', errors: [{ column: 'date', message: expect.stringContaining('YYYY-MM-DD') }] });
    expect(byLine[6]).toMatchObject({ status: 'error', errors: [{ column: 'their people', message: 'nobody@fish.example: not a contact of this account' }] });
    expect(byLine[7]).toMatchObject({ status: 'error', errors: [{ column: 'their people', message: expect.stringContaining('"not-an-address"') }] });
    expect(byLine[8]).toMatchObject({ status: 'error', errors: [{ column: 'our people', message: 'ghost@keypulse.example: not an active user' }] });
    expect(byLine[9]).toMatchObject({ status: 'error', errors: [{ column: 'date', message: expect.stringContaining('in the future') }] });
    expect(byLine[10]).toMatchObject({ status: 'error', errors: [{ column: 'account', message: 'account not found' }] });
    // The same people in another order, other notes: the same touchpoint as line 2.
    expect(byLine[11]).toMatchObject({ status: 'error', errors: [{ column: 'row', message: 'the same touchpoint as line 2' }] });
  });

  it('writes the good rows, skips the bad ones, and skips everything when the file is imported again', async () => {
    const csv =
      header +
      `Halibut,2026-02-10,QBR,iris@fish.example;paco@fish.example,${maria.user.email},Review of the quarter\n` +
      'Halibut,2026-01-15,social_event,iris@fish.example,,Winter dinner\n' +
      'Halibut,2026-02-11,lunch,,,\n';
    const before = await stored();
    const res = await importCsv(maria, csv);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, created: 2, skipped: 0, failed: 1 });
    expect(await stored()).toBe(before + 2);
    const qbr = res.body.rows[0];
    const [row] = await ctx.database.db.select().from(touchpoints).where(eq(touchpoints.id, qbr.touchpointId));
    expect(row).toMatchObject({ accountId: halibut, occurredOn: '2026-02-10', kind: 'qbr', notes: 'Review of the quarter', userIds: [maria.user.id], createdBy: maria.user.id });
    expect(row!.contactIds).toHaveLength(2);
    const [entry] = await ctx.database.db.select().from(auditLog).where(eq(auditLog.targetId, qbr.touchpointId));
    expect(entry).toMatchObject({ action: 'touchpoint.created', actorId: maria.user.id });
    expect(JSON.stringify(entry!.details)).not.toContain('Review of the quarter');

    const again = await importCsv(maria, csv);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ created: 0, skipped: 2, failed: 1 });
    expect(again.body.rows[0]).toMatchObject({ status: 'skipped', touchpointId: qbr.touchpointId, note: expect.stringContaining('already logged') });
    expect(await stored()).toBe(before + 2);
    // The account page's list shows them, newest first.
    const list = await maria.get(`/api/accounts/${halibut}/touchpoints`);
    expect(list.body.data.map((t: { occurredOn: string }) => t.occurredOn)).toEqual(['2026-02-10', '2026-01-15']);
  });

  it("answers 'account not found' for another manager's account, by name or by id, and writes nothing", async () => {
    const before = await stored();
    const res = await importCsv(maria, header + 'Grouper,2026-02-01,call,gina@fish.example,,\n' + `${grouper},2026-02-02,call,,,\n`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ created: 0, failed: 2 });
    for (const r of res.body.rows) expect(r).toMatchObject({ status: 'error', accountId: null, errors: [{ column: 'account', message: 'account not found' }] });
    expect(await stored()).toBe(before);
    // Tom, its manager, may; so may an admin.
    expect((await importCsv(tom, header + 'Grouper,2026-02-01,call,gina@fish.example,,\n', '?dryRun=true')).body).toMatchObject({ created: 1, failed: 0 });
    expect((await importCsv(admin, header + 'Grouper,2026-02-01,call,gina@fish.example,,\n', '?dryRun=true')).body).toMatchObject({ created: 1, failed: 0 });
  });

  it('refuses what is not a touchpoint file with a clear 4xx and writes nothing', async () => {
    const before = await stored();
    const noKind = await importCsv(maria, 'account,date\nHalibut,2026-02-01\n');
    expect(noKind.status).toBe(422);
    expect(noKind.body.error.message).toContain('missing column(s): kind');
    expect((await importCsv(maria, '')).status).toBe(422);
    const quote = await importCsv(maria, header + 'Halibut,"2026-02-01,call\n');
    expect(quote.status).toBe(422);
    const json = await maria.post('/api/touchpoints/import', { account: 'Halibut' });
    expect(json.status).toBe(415);
    expect((await importCsv(maria, header, '?dryRun=maybe')).status).toBe(400);
    // An executive reads, never writes.
    expect((await importCsv(exec, header + 'Halibut,2026-02-01,call,,,\n')).status).toBe(403);
    expect(await stored()).toBe(before);
  });

  it('answers every row, with headings as spreadsheets write them', async () => {
    const res = await importCsv(maria, 'Customer,Occurred on,Type,Contacts,Colleagues,Summary\nhalibut,2026-02-20,Visit,paco@fish.example,,Walked the warehouse\n', '?dryRun=true');
    expect(res.status, res.text).toBe(200);
    expect(res.body.rows).toEqual([
      { line: 2, status: 'created', account: 'Halibut', accountId: halibut, occurredOn: '2026-02-20', kind: 'visit', touchpointId: null, errors: [], note: null },
    ]);
  });
});
