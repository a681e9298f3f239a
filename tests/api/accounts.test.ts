import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { accounts, users } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

type Client = TestClient & { user: TestUser };
type Res = Awaited<ReturnType<TestClient['request']>>;

const paths = (res: Res) => (res.body.error.issues ?? []).map((i: { path: string }) => i.path);
const names = (res: Res) => res.body.data.map((a: { name: string }) => a.name);

async function storedAccount(id: string) {
  const [row] = await ctx.database.db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}
async function accountCount() {
  const [row] = await ctx.database.db.select({ n: count() }).from(accounts);
  return row!.n;
}

async function createAccount(client: Client, body: Record<string, unknown>) {
  const res = await client.post('/api/accounts', body);
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; name: string; ownerId: string; [key: string]: unknown };
}

/**
 * Sends a request that must be refused and checks the stored account did not change. The clock moves first,
 * so even a write of identical values would show in updatedAt.
 */
async function refusedWithoutWrite(accountId: string, send: () => Promise<Res>): Promise<Res> {
  const before = await storedAccount(accountId);
  ctx.clock.advance(60_000);
  const res = await send();
  expect(await storedAccount(accountId)).toEqual(before);
  return res;
}

/** A request that must be refused without adding any account. */
async function refusedWithoutInsert(send: () => Promise<Res>): Promise<Res> {
  const before = await accountCount();
  const res = await send();
  expect(await accountCount()).toBe(before);
  return res;
}

describe('creating an account', () => {
  it('an admin creates an account for a manager, who then finds it in their list', async () => {
    const admin = await ctx.signIn('admin');
    const manager = await ctx.signIn('account_manager');
    const res = await admin.post('/api/accounts', {
      name: '  Acme Industrial  ',
      industry: 'Manufacturing',
      ownerId: manager.user.id,
      annualRevenue: 120_000_00,
      grossProfit: -5_000_00,
      costToServe: 8_000_00,
      contractStart: '2025-01-01',
      renewalDate: '2026-12-31',
      serviceNotes: 'Quarterly business review in March',
    });
    expect(res.status).toBe(201);
    const now = ctx.clock.now().toISOString();
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Acme Industrial',
      industry: 'Manufacturing',
      domain: null,
      ownerId: manager.user.id,
      stage: 'customer',
      annualRevenue: 120_000_00,
      grossProfit: -5_000_00,
      costToServe: 8_000_00,
      contractStart: '2025-01-01',
      renewalDate: '2026-12-31',
      serviceNotes: 'Quarterly business review in March',
      archived: false,
      createdAt: now,
      updatedAt: now,
    });

    const list = await manager.get('/api/accounts');
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([res.body.id]);
    expect((await manager.get(`/api/accounts/${res.body.id}`)).body).toEqual(res.body);
  });

  it('an account without an owner belongs to whoever created it, admin or manager', async () => {
    const admin = await ctx.signIn('admin');
    const manager = await ctx.signIn('account_manager');
    expect((await createAccount(admin, { name: 'Admin Owned' })).ownerId).toBe(admin.user.id);
    expect((await createAccount(manager, { name: 'Manager Owned', stage: 'prospect' })).ownerId).toBe(manager.user.id);
    expect((await createAccount(manager, { name: 'Explicitly Mine', ownerId: manager.user.id })).ownerId).toBe(manager.user.id);
  });

  it('a manager cannot create an account for someone else', async () => {
    const manager = await ctx.signIn('account_manager');
    const colleague = await ctx.createUser('account_manager');
    const res = await refusedWithoutInsert(() => manager.post('/api/accounts', { name: 'Gift', ownerId: colleague.id }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('an executive cannot create accounts at all', async () => {
    const executive = await ctx.signIn('executive');
    const res = await refusedWithoutInsert(() => executive.post('/api/accounts', { name: 'Board Pet Project' }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('the owner must be an active manager or admin', async () => {
    const admin = await ctx.signIn('admin');
    const executive = await ctx.createUser('executive');
    const departed = await ctx.createUser('account_manager');
    await ctx.database.db.update(users).set({ disabled: true }).where(eq(users.id, departed.id));

    for (const ownerId of [executive.id, randomUUID(), departed.id]) {
      const res = await refusedWithoutInsert(() => admin.post('/api/accounts', { name: 'Orphan', ownerId }));
      expect(res.status, ownerId).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(paths(res)).toEqual(['ownerId']);
    }
  });
});

describe('validation', () => {
  it('rejects a bad new account, naming each field, and stores nothing', async () => {
    const admin = await ctx.signIn('admin');
    const cases: [Record<string, unknown>, string[]][] = [
      [{ industry: 'Retail' }, ['name']],
      [{ name: '   ' }, ['name']],
      [{ name: 'A', stage: 'vip' }, ['stage']],
      [{ name: 'A', annualRevenue: -1 }, ['annualRevenue']],
      [{ name: 'A', costToServe: 10.5 }, ['costToServe']],
      [{ name: 'A', renewalDate: '2026-13-01' }, ['renewalDate']],
      [{ name: 'A', contractStart: '2026-02-30' }, ['contractStart']],
      [{ name: 'A', ownerId: 'bob' }, ['ownerId']],
      [{ name: 'x'.repeat(201) }, ['name']],
      [{ name: 'A', stage: 'vip', annualRevenue: -1 }, ['stage', 'annualRevenue']],
    ];
    for (const [body, expected] of cases) {
      const res = await refusedWithoutInsert(() => admin.post('/api/accounts', body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(paths(res).sort(), JSON.stringify(body)).toEqual(expected.sort());
    }
  });

  it('rejects fields it does not know instead of ignoring them', async () => {
    const admin = await ctx.signIn('admin');
    const res = await refusedWithoutInsert(() => admin.post('/api/accounts', { name: 'A', archived: true }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/archived/);
  });

  it('rejects a bad change and leaves the account as it was', async () => {
    const admin = await ctx.signIn('admin');
    const account = await createAccount(admin, { name: 'Stable Co', annualRevenue: 500 });
    const cases: [Record<string, unknown>, string][] = [
      [{}, '(body)'],
      [{ stage: 'gold' }, 'stage'],
      [{ annualRevenue: -500 }, 'annualRevenue'],
      [{ renewalDate: '2026-13-01' }, 'renewalDate'],
      [{ name: '' }, 'name'],
      // Unknown fields are refused even next to a valid change, which must not be applied either.
      [{ id: randomUUID(), name: 'Renamed' }, '(body)'],
      [{ createdAt: '2020-01-01T00:00:00Z', name: 'Renamed' }, '(body)'],
    ];
    for (const [body, path] of cases) {
      const res = await refusedWithoutWrite(account.id, () => admin.patch(`/api/accounts/${account.id}`, body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(paths(res), JSON.stringify(body)).toEqual([path]);
    }
  });

  it('answers 400 for an id that is not a UUID and 404 for one that does not exist', async () => {
    const admin = await ctx.signIn('admin');
    const bad = await admin.get('/api/accounts/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['id']);
    const missing = await admin.get(`/api/accounts/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});

describe('changing an account', () => {
  it('a manager updates their own account; updatedAt moves, createdAt stays', async () => {
    const manager = await ctx.signIn('account_manager');
    const account = await createAccount(manager, { name: 'Initech', industry: 'Software', renewalDate: '2026-06-30' });
    ctx.clock.advance(3_600_000);
    const res = await manager.patch(`/api/accounts/${account.id}`, {
      stage: 'key_account',
      annualRevenue: 990_000,
      industry: null,
      renewalDate: null,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Initech', stage: 'key_account', annualRevenue: 990_000, industry: null, renewalDate: null });
    expect(res.body.createdAt).toBe(account.createdAt);
    expect(res.body.updatedAt).toBe(ctx.clock.now().toISOString());
    expect(await storedAccount(account.id)).toMatchObject({ stage: 'key_account', annualRevenue: 990_000, industry: null });
  });

  it('a manager cannot hand their account to someone else, but may name themselves', async () => {
    const manager = await ctx.signIn('account_manager');
    const colleague = await ctx.createUser('account_manager');
    const account = await createAccount(manager, { name: 'Keep Me' });
    const res = await refusedWithoutWrite(account.id, () =>
      manager.patch(`/api/accounts/${account.id}`, { ownerId: colleague.id, name: 'Sneaky Rename' }),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');

    const same = await manager.patch(`/api/accounts/${account.id}`, { ownerId: manager.user.id, stage: 'prospect' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ ownerId: manager.user.id, stage: 'prospect' });
  });

  it('an admin reassigns an account: the old owner loses it, the new owner gets it', async () => {
    const admin = await ctx.signIn('admin');
    const ana = await ctx.signIn('account_manager');
    const bo = await ctx.signIn('account_manager');
    const account = await createAccount(ana, { name: 'Handover Ltd' });

    const res = await admin.patch(`/api/accounts/${account.id}`, { ownerId: bo.user.id });
    expect(res.status).toBe(200);
    expect(res.body.ownerId).toBe(bo.user.id);

    expect((await ana.get(`/api/accounts/${account.id}`)).status).toBe(404);
    expect((await ana.get('/api/accounts')).body.total).toBe(0);
    expect((await bo.get(`/api/accounts/${account.id}`)).status).toBe(200);
    expect(names(await bo.get('/api/accounts'))).toEqual(['Handover Ltd']);
  });

  it('an admin cannot reassign to an executive or an unknown user', async () => {
    const admin = await ctx.signIn('admin');
    const manager = await ctx.signIn('account_manager');
    const executive = await ctx.createUser('executive');
    const account = await createAccount(manager, { name: 'Stays Put' });
    for (const ownerId of [executive.id, randomUUID()]) {
      const res = await refusedWithoutWrite(account.id, () => admin.patch(`/api/accounts/${account.id}`, { ownerId }));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(paths(res)).toEqual(['ownerId']);
    }
  });
});

describe('archiving an account', () => {
  it('DELETE archives: the account leaves the default list but stays readable and listable on request', async () => {
    const manager = await ctx.signIn('account_manager');
    const kept = await createAccount(manager, { name: 'Active One' });
    const account = await createAccount(manager, { name: 'Old Customer' });
    ctx.clock.advance(60_000);

    const res = await manager.delete(`/api/accounts/${account.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: account.id, archived: true, updatedAt: ctx.clock.now().toISOString() });

    expect(names(await manager.get('/api/accounts'))).toEqual([kept.name]);
    const all = await manager.get('/api/accounts?includeArchived=true');
    expect(names(all)).toEqual(['Active One', 'Old Customer']);
    expect(all.body.total).toBe(2);

    const got = await manager.get(`/api/accounts/${account.id}`);
    expect(got.status).toBe(200);
    expect(got.body.archived).toBe(true);
    expect(await storedAccount(account.id)).toMatchObject({ name: 'Old Customer', archived: true });
  });

  it('an archived account can be brought back', async () => {
    const manager = await ctx.signIn('account_manager');
    const account = await createAccount(manager, { name: 'Comeback Inc' });
    await manager.delete(`/api/accounts/${account.id}`);
    const res = await manager.patch(`/api/accounts/${account.id}`, { archived: false });
    expect(res.status).toBe(200);
    expect(names(await manager.get('/api/accounts'))).toEqual(['Comeback Inc']);
  });
});

describe('listing accounts', () => {
  it('searches name and industry, ignoring case', async () => {
    const manager = await ctx.signIn('account_manager');
    await createAccount(manager, { name: 'Acme Robotics', industry: 'Manufacturing' });
    await createAccount(manager, { name: 'Globex', industry: 'Industrial ROBOTICS' });
    await createAccount(manager, { name: 'Initech', industry: 'Software' });
    await createAccount(manager, { name: 'Umbrella', industry: null });

    expect(names(await manager.get('/api/accounts?q=robotics'))).toEqual(['Acme Robotics', 'Globex']);
    expect(names(await manager.get('/api/accounts?q=ROBOT'))).toEqual(['Acme Robotics', 'Globex']);
    expect(names(await manager.get('/api/accounts?q=soft'))).toEqual(['Initech']);
    expect(names(await manager.get('/api/accounts?q=%20%20umbrella%20'))).toEqual(['Umbrella']);
    const none = await manager.get('/api/accounts?q=nothing-matches');
    expect(none.body).toMatchObject({ data: [], total: 0 });
  });

  it('takes % and _ in a search literally', async () => {
    const manager = await ctx.signIn('account_manager');
    await createAccount(manager, { name: '100% Organic' });
    await createAccount(manager, { name: '1000 Organic' });
    await createAccount(manager, { name: 'Snake_Case Ltd' });
    await createAccount(manager, { name: 'SnakeXCase Ltd' });
    await createAccount(manager, { name: 'Back\\slash' });

    expect(names(await manager.get(`/api/accounts?q=${encodeURIComponent('%')}`))).toEqual(['100% Organic']);
    expect(names(await manager.get(`/api/accounts?q=${encodeURIComponent('0% o')}`))).toEqual(['100% Organic']);
    expect(names(await manager.get(`/api/accounts?q=${encodeURIComponent('e_c')}`))).toEqual(['Snake_Case Ltd']);
    expect(names(await manager.get(`/api/accounts?q=${encodeURIComponent('_')}`))).toEqual(['Snake_Case Ltd']);
    expect(names(await manager.get(`/api/accounts?q=${encodeURIComponent('\\')}`))).toEqual(['Back\\slash']);
  });

  it('filters by owner, stage and industry (whole industry, any case)', async () => {
    const admin = await ctx.signIn('admin');
    const ana = await ctx.signIn('account_manager');
    const bo = await ctx.signIn('account_manager');
    await createAccount(ana, { name: 'Ana Steel', industry: 'Manufacturing', stage: 'key_account' });
    await createAccount(ana, { name: 'Ana Soft', industry: 'Software', stage: 'prospect' });
    await createAccount(ana, { name: 'Ana Services', industry: 'Manufacturing Services', stage: 'key_account' });
    await createAccount(bo, { name: 'Bo Steel', industry: 'manufacturing', stage: 'customer' });

    const byOwner = await admin.get(`/api/accounts?ownerId=${ana.user.id}`);
    expect(names(byOwner)).toEqual(['Ana Services', 'Ana Soft', 'Ana Steel']);
    expect(byOwner.body.total).toBe(3);
    expect(names(await admin.get(`/api/accounts?ownerId=${ana.user.id}&stage=key_account`))).toEqual(['Ana Services', 'Ana Steel']);
    expect(names(await ana.get('/api/accounts?industry=MANUFACTURING'))).toEqual(['Ana Steel']);
    expect(names(await bo.get('/api/accounts?industry=Manufacturing'))).toEqual(['Bo Steel']);
    expect(names(await ana.get('/api/accounts?stage=prospect'))).toEqual(['Ana Soft']);

    for (const query of ['stage=gold', 'ownerId=ana', 'includeArchived=yes', 'sort=owner']) {
      const res = await admin.get(`/api/accounts?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('sorts by name (any case), by revenue descending and by renewal date, empty values last', async () => {
    const manager = await ctx.signIn('account_manager');
    await createAccount(manager, { name: 'bravo', annualRevenue: 300, renewalDate: '2026-09-01' });
    await createAccount(manager, { name: 'Alpha', annualRevenue: null, renewalDate: '2026-04-15' });
    await createAccount(manager, { name: 'Charlie', annualRevenue: 900, renewalDate: null });
    await createAccount(manager, { name: 'delta', annualRevenue: 50, renewalDate: '2027-01-31' });

    expect(names(await manager.get('/api/accounts'))).toEqual(['Alpha', 'bravo', 'Charlie', 'delta']);
    expect(names(await manager.get('/api/accounts?sort=name'))).toEqual(['Alpha', 'bravo', 'Charlie', 'delta']);
    expect(names(await manager.get('/api/accounts?sort=-name'))).toEqual(['delta', 'Charlie', 'bravo', 'Alpha']);
    expect(names(await manager.get('/api/accounts?sort=-annualRevenue'))).toEqual(['Charlie', 'bravo', 'delta', 'Alpha']);
    expect(names(await manager.get('/api/accounts?sort=annualRevenue'))).toEqual(['delta', 'bravo', 'Charlie', 'Alpha']);
    expect(names(await manager.get('/api/accounts?sort=renewalDate'))).toEqual(['Alpha', 'bravo', 'delta', 'Charlie']);
    expect(names(await manager.get('/api/accounts?sort=-renewalDate'))).toEqual(['delta', 'bravo', 'Alpha', 'Charlie']);
  });

  it('pages through the list without overlap, reporting the total', async () => {
    const manager = await ctx.signIn('account_manager');
    // Same name everywhere: only the tie-breaker keeps pages apart.
    for (let i = 0; i < 5; i++) await createAccount(manager, { name: 'Twin' });

    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const res = await manager.get(`/api/accounts?page=${page}&pageSize=2`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page, pageSize: 2, total: 5 });
      expect(res.body.data).toHaveLength(page === 3 ? 1 : 2);
      seen.push(...res.body.data.map((a: { id: string }) => a.id));
    }
    expect(new Set(seen).size).toBe(5);

    const beyond = await manager.get('/api/accounts?page=4&pageSize=2');
    expect(beyond.body).toMatchObject({ data: [], page: 4, total: 5 });
    expect((await manager.get('/api/accounts')).body).toMatchObject({ page: 1, pageSize: 25, total: 5 });
    expect((await manager.get('/api/accounts?pageSize=100')).status).toBe(200);
  });

  it('refuses a page size over 100 and pages below 1', async () => {
    const manager = await ctx.signIn('account_manager');
    for (const [query, path] of [
      ['pageSize=101', 'pageSize'],
      ['pageSize=0', 'pageSize'],
      ['page=0', 'page'],
      ['page=two', 'page'],
    ]) {
      const res = await manager.get(`/api/accounts?${query}`);
      expect(res.status, query).toBe(400);
      expect(paths(res)).toEqual([path]);
    }
  });
});

describe('who may see and change which account', () => {
  let ana: Client;
  let bo: Client;
  let executive: Client;
  let anasAccount: { id: string; name: string };
  beforeAll(async () => {
    ana = await ctx.signIn('account_manager');
    bo = await ctx.signIn('account_manager');
    executive = await ctx.signIn('executive');
    anasAccount = await createAccount(ana, { name: 'Ana Confidential', industry: 'Secret Sauce' });
    await createAccount(bo, { name: 'Bo Public', industry: 'Secret Sauce' });
  });

  it("another manager's account does not exist for me: GET, PATCH and DELETE answer 404, as for an unknown id", async () => {
    const unknown = await bo.get(`/api/accounts/${randomUUID()}`);
    const attempts = [
      () => bo.get(`/api/accounts/${anasAccount.id}`),
      () => bo.patch(`/api/accounts/${anasAccount.id}`, { name: 'Mine Now' }),
      () => bo.patch(`/api/accounts/${anasAccount.id}`, { ownerId: bo.user.id }),
      () => bo.delete(`/api/accounts/${anasAccount.id}`),
    ];
    for (const send of attempts) {
      const res = await refusedWithoutWrite(anasAccount.id, send);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(unknown.body);
    }
  });

  it("another manager's account never shows in my lists, whatever I filter or search", async () => {
    for (const query of ['', '?includeArchived=true', `?ownerId=${ana.user.id}`, '?q=confidential', '?industry=secret%20sauce']) {
      const res = await bo.get(`/api/accounts${query}`);
      expect(res.status, query).toBe(200);
      expect(JSON.stringify(res.body), query).not.toContain(anasAccount.id);
    }
    expect((await bo.get(`/api/accounts?ownerId=${ana.user.id}`)).body).toMatchObject({ data: [], total: 0 });
    expect(names(await bo.get('/api/accounts?industry=secret%20sauce'))).toEqual(['Bo Public']);
  });

  it('an executive reads every account but cannot change or archive any', async () => {
    const listed = await executive.get('/api/accounts?industry=secret%20sauce');
    expect(names(listed)).toEqual(['Ana Confidential', 'Bo Public']);
    expect((await executive.get(`/api/accounts/${anasAccount.id}`)).body.name).toBe('Ana Confidential');

    for (const send of [
      () => executive.patch(`/api/accounts/${anasAccount.id}`, { stage: 'suspect' }),
      () => executive.delete(`/api/accounts/${anasAccount.id}`),
    ]) {
      const res = await refusedWithoutWrite(anasAccount.id, send);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('an admin reads and changes any account', async () => {
    const admin = await ctx.signIn('admin');
    expect(names(await admin.get('/api/accounts?industry=secret%20sauce'))).toEqual(['Ana Confidential', 'Bo Public']);
    const res = await admin.patch(`/api/accounts/${anasAccount.id}`, { serviceNotes: 'Reviewed by admin' });
    expect(res.status).toBe(200);
    expect((await ana.get(`/api/accounts/${anasAccount.id}`)).body.serviceNotes).toBe('Reviewed by admin');
  });

  it('nobody signed in sees nothing', async () => {
    const res = await ctx.anonymous().get(`/api/accounts/${anasAccount.id}`);
    expect(res.status).toBe(401);
  });
});
