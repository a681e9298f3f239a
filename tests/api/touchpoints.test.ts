import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createTestContext, TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { auditLog, tasks, touchpoints } from '../../src/server/db/schema/index.js';
import { insertAnsweredNpsWave } from '../helpers/survey-fixtures.js';

type Client = TestClient & { user: TestUser };
let ctx: TestContext;
let admin: Client;
let exec: Client;
let maria: Client;
let tom: Client;
let accountId: string;
let tomsAccountId: string;
const people: Record<string, { id: string; email: string }> = {};

// The fake clock starts on 2026-03-02T09:00Z.
beforeAll(async () => {
  ctx = await createTestContext();
  [admin, exec, maria, tom] = await Promise.all([ctx.signIn('admin'), ctx.signIn('executive'), ctx.signIn('account_manager'), ctx.signIn('account_manager')]);
  const a = await admin.post('/api/accounts', { name: 'Halibut', stage: 'key_account', ownerId: maria.user.id });
  expect(a.status, a.text).toBe(201);
  accountId = a.body.id;
  const b = await admin.post('/api/accounts', { name: 'Grouper', stage: 'customer', ownerId: tom.user.id });
  tomsAccountId = b.body.id;
  for (const [name, level, buyingRole] of [
    ['Iris', 'instigator', 'decision_maker'],
    ['Paco', 'implementer', 'user'],
  ] as const) {
    const res = await maria.post(`/api/accounts/${accountId}/contacts`, { name, email: `${name.toLowerCase()}@halibut.example`, level, buyingRole });
    expect(res.status, res.text).toBe(201);
    people[name] = res.body;
  }
});
afterAll(() => ctx.close());

const stored = async () => (await ctx.database.db.select({ n: count() }).from(touchpoints))[0]!.n;
const freshness = async (client: TestClient = maria) => {
  const res = await client.get(`/api/accounts/${accountId}/people-freshness`);
  expect(res.status, res.text).toBe(200);
  return res.body as { amberAfterDays: number; redAfterDays: number; contacts: { contactId: string; lastTouchOn: string | null; freshness: string; holder: { id: string; name: string } | null; touches: number }[] };
};
const of = (body: Awaited<ReturnType<typeof freshness>>, name: string) => body.contacts.find((d) => d.contactId === people[name]!.id)!;

describe('logging touchpoints', () => {
  it('logs a meeting with their people and ours, lists it newest first, and audits it', async () => {
    const older = await maria.post(`/api/accounts/${accountId}/touchpoints`, { occurredOn: '2025-10-01', kind: 'call', contactIds: [people.Paco!.id], userIds: [maria.user.id] });
    expect(older.status, older.text).toBe(201);
    const res = await maria.post(`/api/accounts/${accountId}/touchpoints`, {
      occurredOn: '2026-02-20',
      kind: 'qbr',
      notes: 'Quarterly review; they want faster deliveries.',
      contactIds: [people.Iris!.id],
      userEmails: [maria.user.email.toUpperCase()],
      followUps: [{ title: 'Send the delivery plan', dueAt: '2026-03-10' }],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ accountId, kind: 'qbr', occurredOn: '2026-02-20', contactIds: [people.Iris!.id], userIds: [maria.user.id], createdBy: maria.user.id });
    expect(res.body.taskIds).toHaveLength(1);
    const [task] = await ctx.database.db.select().from(tasks).where(eq(tasks.id, res.body.taskIds[0]));
    expect(task).toMatchObject({ accountId, title: 'Send the delivery plan', assigneeId: maria.user.id, status: 'open' });

    const list = await maria.get(`/api/accounts/${accountId}/touchpoints?pageSize=1`);
    expect(list.status, list.text).toBe(200);
    expect(list.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(list.body.data.map((t: { kind: string }) => t.kind)).toEqual(['qbr']);
    const page2 = await maria.get(`/api/accounts/${accountId}/touchpoints?pageSize=1&page=2`);
    expect(page2.body.data.map((t: { kind: string }) => t.kind)).toEqual(['call']);

    const [entry] = await ctx.database.db.select().from(auditLog).where(eq(auditLog.targetId, res.body.id));
    expect(entry).toMatchObject({ action: 'touchpoint.created', actorId: maria.user.id, targetType: 'touchpoint' });
    // Customers' words stay out of the audit log.
    expect(JSON.stringify(entry!.details)).not.toContain('faster deliveries');
  });

  it('corrects and deletes a touchpoint, each audited', async () => {
    const res = await maria.post(`/api/accounts/${accountId}/touchpoints`, { occurredOn: '2026-01-05', kind: 'visit' });
    expect(res.status, res.text).toBe(201);
    const patched = await maria.patch(`/api/touchpoints/${res.body.id}`, { kind: 'social_event', contactIds: [people.Paco!.id], notes: '' });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ kind: 'social_event', contactIds: [people.Paco!.id], notes: null, occurredOn: '2026-01-05' });
    const before = await stored();
    const gone = await maria.delete(`/api/touchpoints/${res.body.id}`);
    expect(gone.status, gone.text).toBe(200);
    expect(await stored()).toBe(before - 1);
    const actions = (await ctx.database.db.select().from(auditLog).where(eq(auditLog.targetId, res.body.id))).map((e) => e.action).sort();
    expect(actions).toEqual(['touchpoint.changed', 'touchpoint.created', 'touchpoint.deleted']);
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const before = await stored();
    const bad = [
      { occurredOn: '2026-13-01', kind: 'call' },
      { occurredOn: '2026-02-01', kind: 'lunch' },
      { occurredOn: '2026-02-01', kind: 'call', contactIds: ['not-a-uuid'] },
      { occurredOn: '2026-02-01', kind: 'call', contactEmails: ['nobody@halibut.example'] },
      { occurredOn: '2026-02-01', kind: 'call', userIds: [people.Iris!.id] },
      { occurredOn: '2026-02-01', kind: 'call', followUps: [{ title: '', dueAt: '2026-03-01' }] },
      { occurredOn: '2026-02-01', kind: 'call', surprise: true },
      { occurredOn: '2026-03-03', kind: 'call' }, // tomorrow: not yet happened
    ];
    for (const body of bad) {
      const res = await maria.post(`/api/accounts/${accountId}/touchpoints`, body);
      expect(res.status, `${JSON.stringify(body)} → ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    // Another account's contact is not one of this account's.
    const tomsContact = await tom.post(`/api/accounts/${tomsAccountId}/contacts`, { name: 'Gus', email: 'gus@grouper.example', level: 'influencer', buyingRole: 'user' });
    const cross = await maria.post(`/api/accounts/${accountId}/touchpoints`, { occurredOn: '2026-02-01', kind: 'call', contactIds: [tomsContact.body.id] });
    expect(cross.status, cross.text).toBe(400);
    const emptyPatch = await maria.patch(`/api/touchpoints/${(await maria.get(`/api/accounts/${accountId}/touchpoints`)).body.data[0].id}`, {});
    expect(emptyPatch.status).toBe(400);
    expect(await stored()).toBe(before);
    expect((await ctx.database.db.select({ n: count() }).from(tasks))[0]!.n).toBe(1);
  });
});

describe('who may see and log touchpoints', () => {
  it("hides another manager's account and its touchpoints (404) and lets executives only read", async () => {
    const mine = (await maria.get(`/api/accounts/${accountId}/touchpoints`)).body.data[0].id as string;
    const before = await stored();
    expect((await tom.get(`/api/accounts/${accountId}/touchpoints`)).status).toBe(404);
    expect((await tom.post(`/api/accounts/${accountId}/touchpoints`, { occurredOn: '2026-02-01', kind: 'call' })).status).toBe(404);
    expect((await tom.patch(`/api/touchpoints/${mine}`, { kind: 'call' })).status).toBe(404);
    expect((await tom.delete(`/api/touchpoints/${mine}`)).status).toBe(404);
    expect((await tom.get(`/api/accounts/${accountId}/people-freshness`)).status).toBe(404);

    expect((await exec.get(`/api/accounts/${accountId}/touchpoints`)).status).toBe(200);
    expect((await exec.get(`/api/accounts/${accountId}/people-freshness`)).status).toBe(200);
    expect((await exec.post(`/api/accounts/${accountId}/touchpoints`, { occurredOn: '2026-02-01', kind: 'call' })).status).toBe(403);
    expect((await exec.patch(`/api/touchpoints/${mine}`, { kind: 'call' })).status).toBe(403);
    expect((await exec.delete(`/api/touchpoints/${mine}`)).status).toBe(403);
    expect((await ctx.anonymous().get(`/api/accounts/${accountId}/touchpoints`)).status).toBe(401);
    expect(await stored()).toBe(before);
  });

  it('lets a calendar integration post with a touchpoints:write key, people given by email, and nothing else', async () => {
    const created = await admin.post('/api/api-keys', { name: 'Calendar sync', scope: 'touchpoints:write' });
    expect(created.status, created.text).toBe(201);
    const calendar = new TestClient(ctx.app, { authorization: `Bearer ${created.body.key}` });
    const res = await calendar.post(`/api/accounts/${accountId}/touchpoints`, {
      occurredOn: '2026-02-25',
      kind: 'meeting',
      contactEmails: ['Paco@Halibut.example'],
      userEmails: [tom.user.email],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ contactIds: [people.Paco!.id], userIds: [tom.user.id], createdBy: admin.user.id });
    const [entry] = await ctx.database.db.select().from(auditLog).where(eq(auditLog.targetId, res.body.id));
    expect(entry).toMatchObject({ action: 'touchpoint.created', via: 'api_key' });
    // The key does nothing else: not read, not change other things.
    expect((await calendar.get(`/api/accounts/${accountId}/touchpoints`)).status).toBe(403);
    expect((await calendar.get('/api/accounts')).status).toBe(403);
    expect((await calendar.post('/api/accounts', { name: 'Sneaky', stage: 'customer', ownerId: maria.user.id })).status).toBe(403);
    expect((await calendar.patch(`/api/touchpoints/${res.body.id}`, { kind: 'call' })).status).toBe(403);
    // A read key cannot log one.
    const reader = await admin.post('/api/api-keys', { name: 'Dashboard', scope: 'read' });
    const dashboard = new TestClient(ctx.app, { authorization: `Bearer ${reader.body.key}` });
    expect((await dashboard.post(`/api/accounts/${accountId}/touchpoints`, { occurredOn: '2026-02-25', kind: 'call' })).status).toBe(403);
  });
});

describe('people map freshness', () => {
  it('marks each contact by their last touch and names who holds the relationship', async () => {
    const body = await freshness();
    expect(body).toMatchObject({ amberAfterDays: 90, redAfterDays: 180 });
    // Iris: the QBR on 2026-02-20 with Maria → green. Paco: 2026-02-25 with Tom (calendar), 2025-10-01 with Maria.
    expect(of(body, 'Iris')).toMatchObject({ lastTouchOn: '2026-02-20', freshness: 'green', holder: { id: maria.user.id }, touches: 1 });
    expect(of(body, 'Paco')).toMatchObject({ lastTouchOn: '2026-02-25', freshness: 'green', touches: 2 });
    // One touch each with Maria and Tom: the tie goes to the most recent.
    expect(of(body, 'Paco').holder).toMatchObject({ id: tom.user.id });
  });

  it('turns amber after 90 days and red after 180, and a new touchpoint makes it green again', async () => {
    // Sessions end while the clock jumps months: sign in again after each jump.
    ctx.clock.set('2026-05-30T09:00:00Z'); // 99 days after 2026-02-20
    expect(of(await freshness(await ctx.signIn(maria.user)), 'Iris').freshness).toBe('amber');
    ctx.clock.set('2026-08-20T09:00:00Z'); // 181 days
    const later = await ctx.signIn(maria.user);
    expect(of(await freshness(later), 'Iris').freshness).toBe('red');
    const res = await later.post(`/api/accounts/${accountId}/touchpoints`, { occurredOn: '2026-08-19', kind: 'visit', contactIds: [people.Iris!.id], userIds: [maria.user.id] });
    expect(res.status, res.text).toBe(201);
    expect(of(await freshness(later), 'Iris')).toMatchObject({ freshness: 'green', lastTouchOn: '2026-08-19', touches: 2 });
  });
});

describe('touchpoints in the risk report', () => {
  it('flags untouched instigators and a silent decision maker, and a touchpoint clears both', async () => {
    ctx.clock.set('2026-08-20T09:00:00Z');
    const [manager, executive] = [await ctx.signIn(maria.user), await ctx.signIn(exec.user)];
    const account = await manager.post('/api/accounts', { name: 'Snapper', stage: 'key_account', ownerId: maria.user.id });
    expect(account.status, account.text).toBe(201);
    const id = account.body.id as string;
    const add = async (name: string, level: string, buyingRole: string) =>
      (await manager.post(`/api/accounts/${id}/contacts`, { name, email: `${name.toLowerCase()}@snapper.example`, level, buyingRole })).body.id as string;
    const dora = await add('Dora', 'instigator', 'decision_maker');
    const ulla = await add('Ulla', 'influencer', 'user');
    // Two answered waves in which Dora did not answer (she was not among those who did).
    await insertAnsweredNpsWave(ctx, { accountId: id, ownerId: maria.user.id, sentAt: new Date('2026-05-01T09:00:00Z'), scores: [9, 9, 8], name: 'May' });
    await insertAnsweredNpsWave(ctx, { accountId: id, ownerId: maria.user.id, sentAt: new Date('2026-07-01T09:00:00Z'), scores: [9, 10, 8], name: 'July' });
    const reasons = async () => {
      const res = await executive.get(`/api/reports/risk?owner=${maria.user.id}`);
      expect(res.status, res.text).toBe(200);
      return (res.body.accounts.find((a: { accountId: string }) => a.accountId === id).reasons as { code: string; text: string }[]).filter((r) =>
        ['instigators_untouched', 'decision_maker_silent'].includes(r.code),
      );
    };
    // Before any touchpoint the account is not judged by them.
    expect(await reasons()).toEqual([]);
    expect((await manager.post(`/api/accounts/${id}/touchpoints`, { occurredOn: '2026-08-01', kind: 'call', contactIds: [ulla], userIds: [maria.user.id] })).status).toBe(201);
    expect(await reasons()).toEqual([
      { code: 'instigators_untouched', text: 'No instigator-level contact touched in 180 days' },
      { code: 'decision_maker_silent', text: 'Decision maker Dora silent: no answer in the last two waves and no touch in 90 days' },
    ]);
    const before = (await manager.get(`/api/accounts/${id}/people-freshness`)).body.contacts.find((d: { contactId: string }) => d.contactId === dora);
    expect(before).toMatchObject({ freshness: 'red', lastTouchOn: null, holder: null });

    const visit = await manager.post(`/api/accounts/${id}/touchpoints`, { occurredOn: '2026-08-18', kind: 'visit', contactIds: [dora], userIds: [maria.user.id] });
    expect(visit.status, visit.text).toBe(201);
    expect(await reasons()).toEqual([]);
    const after = (await manager.get(`/api/accounts/${id}/people-freshness`)).body.contacts.find((d: { contactId: string }) => d.contactId === dora);
    expect(after).toMatchObject({ freshness: 'green', lastTouchOn: '2026-08-18', holder: { id: maria.user.id } });
  });
});

describe('touchpoints are part of a contact’s personal data', () => {
  it('the export lists the meetings the person was at; erasure takes their name and address out of our notes', async () => {
    // Earlier tests moved the clock past the sessions' idle lifetime: fresh ones.
    const [manager, anAdmin] = [(await ctx.signIn('account_manager')) as Client, await ctx.signIn(admin.user)];
    const account = await anAdmin.post('/api/accounts', { name: 'Turbot', stage: 'key_account', ownerId: manager.user.id });
    expect(account.status, account.text).toBe(201);
    const at = `/api/accounts/${account.body.id}`;
    const [made, other] = await Promise.all([
      manager.post(`${at}/contacts`, { name: 'Quinta Rasmussen', email: 'quinta@turbot.example', level: 'influencer', buyingRole: 'user' }),
      manager.post(`${at}/contacts`, { name: 'Olaf Berg', email: 'olaf@turbot.example', level: 'instigator', buyingRole: 'decision_maker' }),
    ]);
    expect(made.status, made.text).toBe(201);
    const quinta = made.body.id as string;
    const notes = 'Lunch with Quinta Rasmussen (quinta@turbot.example): wants quarterly volumes reviewed.';
    const logged = await manager.post(`${at}/touchpoints`, { occurredOn: '2026-02-20', kind: 'meeting', contactIds: [quinta], userIds: [manager.user.id], notes });
    expect(logged.status, logged.text).toBe(201);
    // A meeting she was not at is not hers.
    expect((await manager.post(`${at}/touchpoints`, { occurredOn: '2026-02-21', kind: 'call', contactIds: [other.body.id], userIds: [manager.user.id] })).status).toBe(201);

    const exported = await manager.get(`/api/contacts/${quinta}/export`);
    expect(exported.status, exported.text).toBe(200);
    expect(exported.body.touchpoints).toEqual([{ id: logged.body.id, occurredOn: '2026-02-20', kind: 'meeting', notes }]);

    const erased = await manager.post(`/api/contacts/${quinta}/erase`, {});
    expect(erased.status, erased.text).toBe(200);
    const [row] = await ctx.database.db.select({ notes: touchpoints.notes }).from(touchpoints).where(eq(touchpoints.id, logged.body.id));
    expect(row!.notes).not.toMatch(/Quinta|Rasmussen|quinta@/i);
    expect(row!.notes).toContain('wants quarterly volumes reviewed');
  });
});

const [adminUser, mariaUser, tomUser] = [() => admin.user, () => maria.user, () => tom.user];
describe("the account's past touchpoints", () => {
  it('names who was there on both sides and the follow-ups agreed, newest first, page by page', async () => {
    // The clock moved on in the tests above: sign in afresh.
    const [admin, maria, tom] = await Promise.all([ctx.signIn(adminUser()), ctx.signIn(mariaUser()), ctx.signIn(tomUser())]);
    const a = await admin.post('/api/accounts', { name: 'Snapper', stage: 'customer', ownerId: maria.user.id });
    const account = a.body.id as string;
    const rosa = (await maria.post(`/api/accounts/${account}/contacts`, { name: 'Rosa Snapper', email: 'rosa@snapper.example', level: 'instigator', buyingRole: 'user' })).body;
    const carl = (await maria.post(`/api/accounts/${account}/contacts`, { name: 'Carl', email: 'carl@snapper.example', level: 'implementer', buyingRole: 'user' })).body;
    ctx.clock.advance(1000);
    const qbr = await maria.post(`/api/accounts/${account}/touchpoints`, {
      occurredOn: '2026-02-25',
      kind: 'qbr',
      notes: 'Volumes up.',
      contactIds: [rosa.id, carl.id],
      userIds: [maria.user.id, tom.user.id],
      followUps: [
        { title: 'Send the volume forecast', dueAt: '2026-03-20' },
        { title: 'Book the next QBR', dueAt: '2026-03-10' },
      ],
    });
    expect(qbr.status, qbr.text).toBe(201);
    // A task written a moment later is not a follow-up of the QBR.
    ctx.clock.advance(1000);
    expect((await maria.post('/api/tasks', { accountId: account, title: 'Unrelated chore', priority: 'low', assigneeId: maria.user.id, dueAt: '2026-04-01T17:00:00Z' })).status).toBe(201);
    ctx.clock.advance(1000);
    await maria.post(`/api/accounts/${account}/touchpoints`, { occurredOn: '2026-01-10', kind: 'call', contactIds: [carl.id] });
    // Carl leaves; the past meetings still name him.
    expect((await maria.delete(`/api/contacts/${carl.id}`)).status).toBeLessThan(300);

    const first = await maria.get(`/api/accounts/${account}/touchpoints?pageSize=1`);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    const [item] = first.body.data;
    expect(item).toMatchObject({
      kind: 'qbr',
      occurredOn: '2026-02-25',
      notes: 'Volumes up.',
      contacts: [
        { id: rosa.id, name: 'Rosa Snapper' },
        { id: carl.id, name: 'Carl' },
      ],
      users: [
        { id: maria.user.id, name: maria.user.name },
        { id: tom.user.id, name: tom.user.name },
      ],
    });
    expect(item.followUps.map((f: { title: string; status: string }) => [f.title, f.status])).toEqual([
      ['Book the next QBR', 'open'],
      ['Send the volume forecast', 'open'],
    ]);
    const second = await maria.get(`/api/accounts/${account}/touchpoints?pageSize=1&page=2`);
    expect(second.body.data[0]).toMatchObject({ kind: 'call', contacts: [{ id: carl.id, name: 'Carl' }], users: [], followUps: [] });
    // Another manager sees none of it.
    expect((await tom.get(`/api/accounts/${account}/touchpoints`)).status).toBe(404);
  });
});
