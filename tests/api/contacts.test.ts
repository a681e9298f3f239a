import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { contacts, users } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
type Client = TestClient & { user: TestUser };
type Res = Awaited<ReturnType<TestClient['request']>>;

let ana: Client;
let anasAccountId: string;
beforeAll(async () => {
  ctx = await createTestContext();
  ana = await ctx.signIn('account_manager');
  anasAccountId = await newAccount(ana, 'Ana Industries');
});
afterAll(() => ctx.close());

const paths = (res: Res) => (res.body.error.issues ?? []).map((i: { path: string }) => i.path);
const names = (res: Res) => res.body.data.map((c: { name: string }) => c.name);

async function newAccount(owner: Client, name: string): Promise<string> {
  const res = await owner.post('/api/accounts', { name });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

let serial = 0;
/** A contact with every required field; `fields` override. */
async function addContact(client: Client, accountId: string, fields: Record<string, unknown> = {}) {
  serial++;
  const res = await client.post(`/api/accounts/${accountId}/contacts`, {
    name: `Person ${serial}`,
    email: `person${serial}@customer.example`,
    level: 'influencer',
    buyingRole: 'user',
    ...fields,
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; email: string; [key: string]: unknown };
}

async function storedContact(id: string) {
  const [row] = await ctx.database.db.select().from(contacts).where(eq(contacts.id, id));
  return row;
}
/** Every row of the account, removed ones included: a refused request must not add any. */
async function rowsIn(accountId: string) {
  const [row] = await ctx.database.db.select({ n: count() }).from(contacts).where(eq(contacts.accountId, accountId));
  return row!.n;
}

/** A request that must be refused without changing the contact (the clock moves, so any write would show). */
async function refusedWithoutWrite(contactId: string, send: () => Promise<Res>): Promise<Res> {
  const before = await storedContact(contactId);
  ctx.clock.advance(60_000);
  const res = await send();
  expect(await storedContact(contactId)).toEqual(before);
  return res;
}
async function refusedWithoutInsert(accountId: string, send: () => Promise<Res>): Promise<Res> {
  const before = await rowsIn(accountId);
  const res = await send();
  expect(await rowsIn(accountId)).toBe(before);
  return res;
}

describe('adding a contact', () => {
  it('a manager adds a contact to their account and finds it by id and in the account’s list', async () => {
    const accountId = await newAccount(ana, 'Fresh Co');
    const res = await ana.post(`/api/accounts/${accountId}/contacts`, {
      name: ' Pat Buyer ',
      email: ' Pat.Buyer@Fresh.Example ',
      title: 'Head of Procurement',
      level: 'instigator',
      buyingRole: 'economic_buyer',
    });
    expect(res.status).toBe(201);
    const now = ctx.clock.now().toISOString();
    expect(res.body).toEqual({
      id: expect.any(String),
      accountId,
      name: 'Pat Buyer',
      email: 'pat.buyer@fresh.example',
      title: 'Head of Procurement',
      language: 'en',
      level: 'instigator',
      buyingRole: 'economic_buyer',
      relationshipStrength: 3,
      counterpartId: null,
      unsubscribed: false,
      bounced: false,
      createdAt: now,
      updatedAt: now,
    });
    expect((await ana.get(`/api/contacts/${res.body.id}`)).body).toEqual(res.body);
    const list = await ana.get(`/api/accounts/${accountId}/contacts`);
    expect(list.body).toMatchObject({ data: [res.body], page: 1, pageSize: 25, total: 1 });
  });

  it('takes a counterpart who is any active user, and refuses an unknown or disabled one', async () => {
    const executive = await ctx.createUser('executive');
    const linked = await addContact(ana, anasAccountId, { counterpartId: executive.id });
    expect(linked.counterpartId).toBe(executive.id);

    const departed = await ctx.createUser('account_manager');
    await ctx.database.db.update(users).set({ disabled: true }).where(eq(users.id, departed.id));
    for (const counterpartId of [randomUUID(), departed.id, 'someone']) {
      const res = await refusedWithoutInsert(anasAccountId, () =>
        ana.post(`/api/accounts/${anasAccountId}/contacts`, { name: 'X', email: 'x@y.example', level: 'influencer', buyingRole: 'user', counterpartId }),
      );
      expect(res.status, counterpartId).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(paths(res)).toEqual(['counterpartId']);
    }
  });

  it('accepts BCP 47 language tags and refuses anything else', async () => {
    for (const language of ['es', 'pt-BR', 'zh-Hant-TW', 'fil']) {
      expect((await addContact(ana, anasAccountId, { language })).language).toBe(language);
    }
    for (const language of ['english!', 'e', 'pt_BR', '', 'en-', '12']) {
      const res = await refusedWithoutInsert(anasAccountId, () =>
        ana.post(`/api/accounts/${anasAccountId}/contacts`, { name: 'X', email: 'lang@y.example', level: 'influencer', buyingRole: 'user', language }),
      );
      expect(res.status, language).toBe(400);
      expect(paths(res), language).toEqual(['language']);
    }
  });

  it('keeps relationship strength between 1 and 5', async () => {
    expect((await addContact(ana, anasAccountId, { relationshipStrength: 1 })).relationshipStrength).toBe(1);
    expect((await addContact(ana, anasAccountId, { relationshipStrength: 5 })).relationshipStrength).toBe(5);
    for (const relationshipStrength of [0, 6, 2.5, '3', null]) {
      const res = await refusedWithoutInsert(anasAccountId, () =>
        ana.post(`/api/accounts/${anasAccountId}/contacts`, {
          name: 'X',
          email: 'strength@y.example',
          level: 'influencer',
          buyingRole: 'user',
          relationshipStrength,
        }),
      );
      expect(res.status, String(relationshipStrength)).toBe(400);
      expect(paths(res)).toEqual(['relationshipStrength']);
    }
  });

  it('names every bad field and stores nothing', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{}, ['buyingRole', 'email', 'level', 'name']],
      [{ name: 'A', email: 'not-an-email', level: 'influencer', buyingRole: 'user' }, ['email']],
      [{ name: 'A', email: 'a@b.example', level: 'boss', buyingRole: 'chief' }, ['buyingRole', 'level']],
      [{ name: ' ', email: 'a@b.example', level: 'influencer', buyingRole: 'user' }, ['name']],
      [{ name: 'A', email: 'a@b.example', level: 'influencer', buyingRole: 'user', accountId: randomUUID() }, ['(body)']],
    ];
    for (const [body, expected] of cases) {
      const res = await refusedWithoutInsert(anasAccountId, () => ana.post(`/api/accounts/${anasAccountId}/contacts`, body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(paths(res).sort(), JSON.stringify(body)).toEqual(expected);
    }
  });

  it('answers 404 for an account that does not exist', async () => {
    const res = await ana.post(`/api/accounts/${randomUUID()}/contacts`, { name: 'A', email: 'a@b.example', level: 'influencer', buyingRole: 'user' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('one contact per email in an account', () => {
  it('refuses the same email again in any case with a 409 naming the email', async () => {
    const accountId = await newAccount(ana, 'Unique Mail Co');
    await addContact(ana, accountId, { email: 'Sam@Unique.Example' });
    const res = await refusedWithoutInsert(accountId, () =>
      ana.post(`/api/accounts/${accountId}/contacts`, { name: 'Sam Two', email: 'sam@UNIQUE.example', level: 'influencer', buyingRole: 'user' }),
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(paths(res)).toEqual(['email']);
  });

  it('allows the same person as a contact of another account', async () => {
    const first = await newAccount(ana, 'Parent Group');
    const second = await newAccount(ana, 'Subsidiary');
    const a = await addContact(ana, first, { email: 'shared@group.example' });
    const b = await addContact(ana, second, { email: 'Shared@Group.example' });
    expect(a.email).toBe(b.email);
    expect(a.id).not.toBe(b.id);
  });

  it('refuses changing a contact’s email to one the account already has', async () => {
    const accountId = await newAccount(ana, 'Rename Clash Co');
    await addContact(ana, accountId, { email: 'taken@clash.example' });
    const other = await addContact(ana, accountId, { email: 'free@clash.example' });
    const res = await refusedWithoutWrite(other.id, () => ana.patch(`/api/contacts/${other.id}`, { email: 'TAKEN@clash.example', name: 'Renamed' }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('lets a removed contact’s email be added again', async () => {
    const accountId = await newAccount(ana, 'Returning Co');
    const gone = await addContact(ana, accountId, { email: 'back@returning.example' });
    expect((await ana.delete(`/api/contacts/${gone.id}`)).status).toBe(204);
    const again = await addContact(ana, accountId, { email: 'Back@Returning.example', name: 'Back Again' });
    expect(again.id).not.toBe(gone.id);
    expect(names(await ana.get(`/api/accounts/${accountId}/contacts`))).toEqual(['Back Again']);
  });
});

describe('changing and removing a contact', () => {
  it('updates the fields sent and moves updatedAt', async () => {
    const contact = await addContact(ana, anasAccountId, { title: 'Buyer' });
    const counterpart = await ctx.createUser('account_manager');
    ctx.clock.advance(3_600_000);
    const res = await ana.patch(`/api/contacts/${contact.id}`, {
      title: null,
      language: 'de-CH',
      relationshipStrength: 5,
      counterpartId: counterpart.id,
      unsubscribed: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: contact.id,
      name: contact.name,
      title: null,
      language: 'de-CH',
      relationshipStrength: 5,
      counterpartId: counterpart.id,
      unsubscribed: true,
      createdAt: contact.createdAt,
      updatedAt: ctx.clock.now().toISOString(),
    });
    expect(await storedContact(contact.id)).toMatchObject({ language: 'de-CH', unsubscribed: true, title: null });
  });

  it('refuses a bad change and keeps the contact as it was', async () => {
    const contact = await addContact(ana, anasAccountId);
    for (const [body, path] of [
      [{}, '(body)'],
      [{ relationshipStrength: 9 }, 'relationshipStrength'],
      [{ language: 'klingon language' }, 'language'],
      [{ email: 'nope' }, 'email'],
      [{ counterpartId: randomUUID() }, 'counterpartId'],
      [{ accountId: randomUUID(), name: 'Moved' }, '(body)'],
    ] as const) {
      const res = await refusedWithoutWrite(contact.id, () => ana.patch(`/api/contacts/${contact.id}`, body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(paths(res), JSON.stringify(body)).toEqual([path]);
    }
  });

  it('removing a contact answers 204; afterwards it is gone from reads, lists and changes, but its row is kept', async () => {
    const accountId = await newAccount(ana, 'Leaver Co');
    const stays = await addContact(ana, accountId, { name: 'Stays' });
    const leaves = await addContact(ana, accountId, { name: 'Leaves' });
    ctx.clock.advance(60_000);

    const res = await ana.delete(`/api/contacts/${leaves.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');

    for (const send of [
      () => ana.get(`/api/contacts/${leaves.id}`),
      () => ana.patch(`/api/contacts/${leaves.id}`, { name: 'Zombie' }),
      () => ana.delete(`/api/contacts/${leaves.id}`),
    ]) {
      const gone = await send();
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('not_found');
    }
    const list = await ana.get(`/api/accounts/${accountId}/contacts`);
    expect(list.body).toMatchObject({ total: 1, data: [{ id: stays.id }] });
    // Past survey answers still point at this person.
    expect(await storedContact(leaves.id)).toMatchObject({ name: 'Leaves', deletedAt: ctx.clock.now() });
  });
});

describe('listing an account’s contacts', () => {
  let accountId: string;
  beforeAll(async () => {
    accountId = await newAccount(ana, 'Big Buying Centre');
    const people: [string, string, string, string, string | null][] = [
      ['Zoe Zhang', 'zoe@big.example', 'implementer', 'user', 'IT Operations'],
      ['adam Ames', 'adam@big.example', 'instigator', 'decision_maker', 'CEO'],
      ['Bea Brown', 'bea@big.example', 'influencer', 'technical_buyer', 'CTO'],
      ['Carl Cruz', 'carl@big.example', 'influencer', 'champion', '100% Ops'],
      ['Dana Diaz', 'dana@elsewhere.example', 'implementer', 'user', null],
    ];
    for (const [name, email, level, buyingRole, title] of people) {
      await addContact(ana, accountId, { name, email, level, buyingRole, title });
    }
  });
  const list = (query = '') => ana.get(`/api/accounts/${accountId}/contacts${query}`);

  it('orders by level (instigators first), then by name in any case', async () => {
    expect(names(await list())).toEqual(['adam Ames', 'Bea Brown', 'Carl Cruz', 'Dana Diaz', 'Zoe Zhang']);
  });

  it('filters by level and buying role', async () => {
    expect(names(await list('?level=implementer'))).toEqual(['Dana Diaz', 'Zoe Zhang']);
    expect(names(await list('?buyingRole=champion'))).toEqual(['Carl Cruz']);
    expect(names(await list('?level=implementer&buyingRole=user'))).toEqual(['Dana Diaz', 'Zoe Zhang']);
    expect((await list('?level=influencer&buyingRole=user')).body).toMatchObject({ data: [], total: 0 });
    for (const query of ['?level=boss', '?buyingRole=chief']) {
      expect((await list(query)).status, query).toBe(400);
    }
  });

  it('searches name, email and title, ignoring case and taking % literally', async () => {
    expect(names(await list('?q=ZOE'))).toEqual(['Zoe Zhang']);
    expect(names(await list('?q=elsewhere'))).toEqual(['Dana Diaz']);
    expect(names(await list('?q=ct'))).toEqual(['Bea Brown']);
    expect(names(await list(`?q=${encodeURIComponent('%')}`))).toEqual(['Carl Cruz']);
    expect(names(await list('?q=big.example'))).toEqual(['adam Ames', 'Bea Brown', 'Carl Cruz', 'Zoe Zhang']);
  });

  it('filters by unsubscribed', async () => {
    const [zoe] = (await list('?q=zoe')).body.data;
    expect((await ana.patch(`/api/contacts/${zoe.id}`, { unsubscribed: true })).status).toBe(200);
    expect(names(await list('?unsubscribed=true'))).toEqual(['Zoe Zhang']);
    expect((await list('?unsubscribed=false')).body.total).toBe(4);
    expect((await ana.patch(`/api/contacts/${zoe.id}`, { unsubscribed: false })).status).toBe(200);
  });

  it('pages without overlap and refuses a page size over 100', async () => {
    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const res = await list(`?page=${page}&pageSize=2`);
      expect(res.body).toMatchObject({ page, pageSize: 2, total: 5 });
      seen.push(...names(res));
    }
    expect(seen).toEqual(['adam Ames', 'Bea Brown', 'Carl Cruz', 'Dana Diaz', 'Zoe Zhang']);
    const tooBig = await list('?pageSize=101');
    expect(tooBig.status).toBe(400);
    expect(paths(tooBig)).toEqual(['pageSize']);
  });
});

describe('who may see and change which contact', () => {
  let bo: Client;
  let executive: Client;
  let contact: { id: string };
  beforeAll(async () => {
    bo = await ctx.signIn('account_manager');
    executive = await ctx.signIn('executive');
    contact = await addContact(ana, anasAccountId, { name: 'Ana’s Key Contact' });
  });
  const csv = 'name,email,level,role\nIntruder,intruder@evil.example,influencer,user\n';
  const importCsv = (client: Client) =>
    client.request('POST', `/api/accounts/${anasAccountId}/contacts/import`, { body: csv, headers: { 'content-type': 'text/csv' } });
  const newContact = { name: 'Planted', email: 'planted@evil.example', level: 'influencer', buyingRole: 'user' };

  it("another manager's contacts do not exist for me on any route", async () => {
    const unknown = await bo.get(`/api/contacts/${randomUUID()}`);
    for (const send of [
      () => bo.get(`/api/contacts/${contact.id}`),
      () => bo.patch(`/api/contacts/${contact.id}`, { name: 'Mine Now' }),
      () => bo.delete(`/api/contacts/${contact.id}`),
    ]) {
      const res = await refusedWithoutWrite(contact.id, send);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(unknown.body);
    }
    for (const send of [
      () => bo.get(`/api/accounts/${anasAccountId}/contacts`),
      () => bo.post(`/api/accounts/${anasAccountId}/contacts`, newContact),
      () => importCsv(bo),
    ]) {
      const res = await refusedWithoutInsert(anasAccountId, send);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', message: 'account not found' });
    }
  });

  it('an executive reads contacts but cannot add, change, remove or import', async () => {
    expect((await executive.get(`/api/contacts/${contact.id}`)).body.name).toBe('Ana’s Key Contact');
    expect(names(await executive.get(`/api/accounts/${anasAccountId}/contacts?q=key%20contact`))).toEqual(['Ana’s Key Contact']);

    for (const send of [
      () => executive.patch(`/api/contacts/${contact.id}`, { relationshipStrength: 1 }),
      () => executive.delete(`/api/contacts/${contact.id}`),
    ]) {
      const res = await refusedWithoutWrite(contact.id, send);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    for (const send of [() => executive.post(`/api/accounts/${anasAccountId}/contacts`, newContact), () => importCsv(executive)]) {
      const res = await refusedWithoutInsert(anasAccountId, send);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('an admin manages contacts of any account', async () => {
    const admin = await ctx.signIn('admin');
    const added = await addContact(admin, anasAccountId, { name: 'Added By Admin' });
    expect((await ana.get(`/api/contacts/${added.id}`)).status).toBe(200);
    expect((await admin.patch(`/api/contacts/${contact.id}`, { title: 'VP' })).body.title).toBe('VP');
    expect((await admin.delete(`/api/contacts/${added.id}`)).status).toBe(204);
  });
});
