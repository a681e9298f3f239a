import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createTestContext, TEST_PASSWORD, TestClient, type TestContext } from '../helpers/test-app.js';
import { users } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const NEW_PASSWORD = 'a brand new passphrase';
const paths = (res: { body: any }) => (res.body.error.issues ?? []).map((i: { path: string }) => i.path);

async function userCount() {
  const [row] = await ctx.database.db.select({ n: count() }).from(users);
  return row!.n;
}
async function storedUser(id: string) {
  const [row] = await ctx.database.db.select().from(users).where(eq(users.id, id));
  return row!;
}
/** Same cookie, fresh client: what an attacker or a second tab holding the old cookie would send. */
function replay(cookie: string | null) {
  const client = new TestClient(ctx.app);
  client.cookie = cookie;
  return client;
}
const login = (email: string, password: string) => ctx.anonymous().post('/api/auth/login', { email, password });

describe('an admin creating users', () => {
  it('creates a user who can then sign in; the response carries no password or hash', async () => {
    const admin = await ctx.signIn('admin');
    const res = await admin.post('/api/users', {
      email: '  Bea.Newhire@Example.COM ',
      name: 'Bea Newhire',
      role: 'account_manager',
      password: 'bea-first-password',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: 'bea.newhire@example.com',
      name: 'Bea Newhire',
      role: 'account_manager',
      disabled: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.text).not.toMatch(/password|scrypt/i);

    const stored = await storedUser(res.body.id);
    expect(stored.email).toBe('bea.newhire@example.com');
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain('bea-first-password');

    const signIn = await login('BEA.NEWHIRE@example.com', 'bea-first-password');
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toMatchObject({ id: res.body.id, role: 'account_manager' });
  });

  it('refuses a second user with the same email in any letter case (409 on email)', async () => {
    const admin = await ctx.signIn('admin');
    const first = await admin.post('/api/users', {
      email: 'dup.person@example.com',
      name: 'First',
      role: 'executive',
      password: 'first-password-1',
    });
    expect(first.status).toBe(201);
    const before = await userCount();

    const second = await admin.post('/api/users', {
      email: 'DUP.Person@Example.com',
      name: 'Second',
      role: 'admin',
      password: 'second-password-2',
    });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('conflict');
    expect(second.body.error.issues).toEqual([{ path: 'email', message: expect.any(String) }]);
    expect(await userCount()).toBe(before);
    // The original account still answers to its own password only.
    expect((await login('dup.person@example.com', 'second-password-2')).status).toBe(401);
  });

  it('validates the new user and names every bad field', async () => {
    const admin = await ctx.signIn('admin');
    const before = await userCount();
    const good = { email: 'valid.user@example.com', name: 'Valid User', role: 'executive', password: 'long-enough-pass' };

    const shortPassword = await admin.post('/api/users', { ...good, password: 'short' });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.error.code).toBe('validation_failed');
    expect(shortPassword.body.error.issues).toEqual([{ path: 'password', message: 'must be at least 12 characters' }]);

    const badRole = await admin.post('/api/users', { ...good, role: 'superuser' });
    expect(badRole.status).toBe(400);
    expect(paths(badRole)).toEqual(['role']);

    const badEmail = await admin.post('/api/users', { ...good, email: 'not-an-email' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.issues).toEqual([{ path: 'email', message: 'must be a valid email address' }]);

    const blankName = await admin.post('/api/users', { ...good, name: '   ' });
    expect(paths(blankName)).toEqual(['name']);

    // Unknown fields are refused rather than silently dropped: a typo must not pass for success.
    const unknownField = await admin.post('/api/users', { ...good, isAdmin: true });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toContain('isAdmin');

    // The password may be left out (the new user gets a link to set it), nothing else.
    const missing = await admin.post('/api/users', {});
    expect(paths(missing).sort()).toEqual(['email', 'name', 'role']);

    expect(await userCount()).toBe(before);
  });
});

describe('listing and reading users', () => {
  it('filters by role', async () => {
    const admin = await ctx.signIn('admin');
    await ctx.createUser('executive');
    const res = await admin.get('/api/users?role=executive&pageSize=100');
    expect(res.status).toBe(200);
    const [executives] = await ctx.database.db.select({ n: count() }).from(users).where(eq(users.role, 'executive'));
    expect(res.body.total).toBe(executives!.n);
    expect(res.body.data.length).toBe(executives!.n);
    expect(res.body.data.every((u: { role: string }) => u.role === 'executive')).toBe(true);
    expect(res.text).not.toMatch(/passwordHash|scrypt/);
  });

  it('searches name and email case-insensitively, treating % and _ literally', async () => {
    const admin = await ctx.signIn('admin');
    const byName = await ctx.createUser('executive', { name: 'Quillon Marsh' });
    const byEmail = await ctx.createUser('account_manager', { email: 'quillon.desk@example.org', name: 'Desk Owner' });
    const percent = await ctx.createUser('executive', { name: '100% Quillon' });

    const found = await admin.get('/api/users?q=QUILLON');
    expect(found.status).toBe(200);
    expect(found.body.data.map((u: { id: string }) => u.id).sort()).toEqual([byName.id, byEmail.id, percent.id].sort());
    expect(found.body.total).toBe(3);

    const literal = await admin.get(`/api/users?q=${encodeURIComponent('%')}`);
    expect(literal.body.data.map((u: { id: string }) => u.id)).toEqual([percent.id]);
    expect((await admin.get('/api/users?q=_')).body.total).toBe(0);
  });

  it('pages through results in name order without repeats', async () => {
    const admin = await ctx.signIn('admin');
    for (const name of ['Pagetest Carol', 'Pagetest Alice', 'Pagetest Bob']) await ctx.createUser('executive', { name });

    const first = await admin.get('/api/users?q=pagetest&pageSize=2');
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(first.body.data.map((u: { name: string }) => u.name)).toEqual(['Pagetest Alice', 'Pagetest Bob']);
    const second = await admin.get('/api/users?q=pagetest&pageSize=2&page=2');
    expect(second.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(second.body.data.map((u: { name: string }) => u.name)).toEqual(['Pagetest Carol']);
    const beyond = await admin.get('/api/users?q=pagetest&pageSize=2&page=3');
    expect(beyond.body).toMatchObject({ data: [], total: 3 });

    const tooBig = await admin.get('/api/users?pageSize=101');
    expect(tooBig.status).toBe(400);
    expect(paths(tooBig)).toEqual(['pageSize']);
    const badRole = await admin.get('/api/users?role=boss');
    expect(badRole.status).toBe(400);
    expect(paths(badRole)).toEqual(['role']);
  });

  it('gets one user; an unknown id is 404 and a malformed id is 400', async () => {
    const admin = await ctx.signIn('admin');
    const someone = await ctx.createUser('executive', { name: 'Gettable Person' });
    const res = await admin.get(`/api/users/${someone.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: someone.id, name: 'Gettable Person', role: 'executive', disabled: false });
    expect(res.body.passwordHash).toBeUndefined();

    const unknownId = '00000000-0000-4000-8000-000000000000';
    const missing = await admin.get(`/api/users/${unknownId}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const patchMissing = await admin.patch(`/api/users/${unknownId}`, { name: 'Ghost' });
    expect(patchMissing.status).toBe(404);

    for (const bad of ['42', 'not-a-uuid', `${someone.id}x`]) {
      const malformed = await admin.get(`/api/users/${bad}`);
      expect(malformed.status, bad).toBe(400);
      expect(paths(malformed)).toEqual(['id']);
      expect((await admin.patch(`/api/users/${bad}`, { name: 'X' })).status, bad).toBe(400);
    }
  });
});

describe('who may manage users', () => {
  it('an executive can list and read users but not create or change them', async () => {
    const exec = await ctx.signIn('executive');
    const target = await ctx.createUser('account_manager', { name: 'Target Of Exec' });
    expect((await exec.get('/api/users')).status).toBe(200);
    expect((await exec.get(`/api/users/${target.id}`)).body.name).toBe('Target Of Exec');

    const before = await userCount();
    const create = await exec.post('/api/users', { email: 'by.exec@example.com', name: 'By Exec', role: 'admin', password: 'exec-made-password' });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('forbidden');
    expect(await userCount()).toBe(before);

    const patch = await exec.patch(`/api/users/${target.id}`, { role: 'admin' });
    expect(patch.status).toBe(403);
    expect((await storedUser(target.id)).role).toBe('account_manager');
    // Nor can they promote themselves.
    expect((await exec.patch(`/api/users/${exec.user.id}`, { role: 'admin' })).status).toBe(403);
    expect((await storedUser(exec.user.id)).role).toBe('executive');
  });

  it('an account manager gets 403 on every user route, including changing themselves', async () => {
    const manager = await ctx.signIn('account_manager');
    const other = await ctx.createUser('executive');
    const before = await userCount();
    const attempts = [
      await manager.get('/api/users'),
      await manager.get(`/api/users/${other.id}`),
      await manager.get(`/api/users/${manager.user.id}`),
      await manager.post('/api/users', { email: 'by.manager@example.com', name: 'By Manager', role: 'account_manager', password: 'manager-made-pw' }),
      await manager.patch(`/api/users/${other.id}`, { disabled: true }),
      await manager.patch(`/api/users/${manager.user.id}`, { role: 'admin' }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect(await userCount()).toBe(before);
    expect((await storedUser(manager.user.id)).role).toBe('account_manager');
    expect((await storedUser(other.id)).disabled).toBe(false);
  });

  it('anonymous callers get 401', async () => {
    const someone = await ctx.createUser('executive');
    const anon = ctx.anonymous();
    expect((await anon.get('/api/users')).status).toBe(401);
    expect((await anon.get(`/api/users/${someone.id}`)).status).toBe(401);
    expect((await anon.post('/api/users', { email: 'a@example.com', name: 'A', role: 'admin', password: 'anonymous-pw' })).status).toBe(401);
    expect((await anon.patch(`/api/users/${someone.id}`, { role: 'admin' })).status).toBe(401);
    expect((await storedUser(someone.id)).role).toBe('executive');
  });
});

describe('an admin changing a user', () => {
  it('renames a user without signing them out, and stores a changed email in lower case', async () => {
    const admin = await ctx.signIn('admin');
    const manager = await ctx.signIn('account_manager');
    const res = await admin.patch(`/api/users/${manager.user.id}`, { name: 'Renamed Manager', email: 'Renamed.Manager@Example.com' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed Manager', email: 'renamed.manager@example.com', role: 'account_manager' });
    expect((await manager.get('/api/me')).body.user.name).toBe('Renamed Manager');
    expect((await login('renamed.manager@example.com', TEST_PASSWORD)).status).toBe(200);
  });

  it("refuses to take another user's email, in any case", async () => {
    const admin = await ctx.signIn('admin');
    const taken = await ctx.createUser('executive', { email: 'taken.address@example.com' });
    const other = await ctx.createUser('executive');
    const res = await admin.patch(`/api/users/${other.id}`, { email: 'Taken.Address@example.com' });
    expect(res.status).toBe(409);
    expect(res.body.error.issues).toEqual([{ path: 'email', message: expect.any(String) }]);
    expect((await storedUser(other.id)).email).toBe(other.email);
    expect((await storedUser(taken.id)).email).toBe('taken.address@example.com');
  });

  it('a role change signs the user out; they sign in again with the new role', async () => {
    const admin = await ctx.signIn('admin');
    const manager = await ctx.signIn('account_manager');
    const oldCookie = manager.cookie;
    const res = await admin.patch(`/api/users/${manager.user.id}`, { role: 'executive' });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('executive');

    const stale = await replay(oldCookie).get('/api/me');
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('unauthorized');
    const again = await login(manager.user.email, TEST_PASSWORD);
    expect(again.status).toBe(200);
    expect(again.body.user.role).toBe('executive');
    // The admin who made the change stays signed in.
    expect((await admin.get('/api/me')).status).toBe(200);
  });

  it("cannot set someone's password: admins send a reset link instead (tests/api/password-self-service.test.ts)", async () => {
    const admin = await ctx.signIn('admin');
    const exec = await ctx.createUser('executive');
    const laptop = await ctx.signIn(exec);
    const res = await admin.patch(`/api/users/${exec.id}`, { password: NEW_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('password');

    expect((await replay(laptop.cookie).get('/api/me')).status).toBe(200);
    expect((await login(exec.email, NEW_PASSWORD)).status).toBe(401);
    expect((await login(exec.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('rejects an empty change, a password and an unknown field, changing nothing', async () => {
    const admin = await ctx.signIn('admin');
    const exec = await ctx.signIn('executive');
    const before = await storedUser(exec.user.id);

    const empty = await admin.patch(`/api/users/${exec.user.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('nothing to update');
    const password = await admin.patch(`/api/users/${exec.user.id}`, { password: 'tiny' });
    expect(password.status).toBe(400);
    expect(password.body.error.message).toContain('password');
    const unknown = await admin.patch(`/api/users/${exec.user.id}`, { role: 'admin', superpowers: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('superpowers');

    expect(await storedUser(exec.user.id)).toEqual(before);
    expect((await exec.get('/api/me')).status).toBe(200);
  });
});

describe('the last active admin', () => {
  it('cannot be demoted or disabled; once a second admin exists, they can', async () => {
    // A separate installation: here the admin really is the only one.
    const solo = await createTestContext();
    try {
      const admin = await solo.signIn('admin');
      // A disabled admin does not count as a way back in.
      const dormant = await solo.createUser('admin');
      const dormantAdmin = await solo.signIn(dormant);
      expect((await admin.patch(`/api/users/${dormant.id}`, { disabled: true })).status).toBe(200);
      expect((await dormantAdmin.get('/api/me')).status).toBe(401);

      const demote = await admin.patch(`/api/users/${admin.user.id}`, { role: 'executive' });
      expect(demote.status).toBe(409);
      expect(demote.body.error.code).toBe('conflict');
      expect(demote.body.error.message).toMatch(/last active admin/);
      const disable = await admin.patch(`/api/users/${admin.user.id}`, { disabled: true });
      expect(disable.status).toBe(409);
      const both = await admin.patch(`/api/users/${admin.user.id}`, { role: 'admin', disabled: true });
      expect(both.status).toBe(409);

      // Nothing changed and the admin is still signed in.
      const me = await admin.get('/api/me');
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ role: 'admin', disabled: false });
      // Harmless edits to the last admin still work.
      expect((await admin.patch(`/api/users/${admin.user.id}`, { name: 'Only Admin' })).status).toBe(200);

      expect((await admin.patch(`/api/users/${dormant.id}`, { disabled: false })).status).toBe(200);
      const stepDown = await admin.patch(`/api/users/${admin.user.id}`, { role: 'executive' });
      expect(stepDown.status).toBe(200);
      expect(stepDown.body.role).toBe('executive');
      // Stepping down signed the former admin out, like any role change.
      expect((await admin.get('/api/me')).status).toBe(401);
    } finally {
      await solo.close();
    }
  });

  it('survives two admins demoting each other at the same moment', async () => {
    const solo = await createTestContext();
    try {
      const [a, b] = [await solo.signIn('admin'), await solo.signIn('admin')];
      const results = await Promise.all([
        a.patch(`/api/users/${b.user.id}`, { role: 'executive' }),
        b.patch(`/api/users/${a.user.id}`, { role: 'executive' }),
      ]);
      // One wins; the other is refused (409), or finds itself already signed out by the winner (401).
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.map((r) => r.status).every((s) => [200, 401, 409].includes(s))).toBe(true);
      const [admins] = await solo.database.db.select({ n: count() }).from(users).where(eq(users.role, 'admin'));
      expect(admins!.n).toBe(1);
    } finally {
      await solo.close();
    }
  });
});

describe('colleagues, for pickers', () => {
  it('every signed-in user lists active colleagues by name with their role, and nothing more', async () => {
    const manager = await ctx.signIn('account_manager');
    const colleague = await ctx.createUser('account_manager', { name: 'Colleague Zebedee Picker' });
    const gone = await ctx.createUser('account_manager', { name: 'Colleague Zebedee Gone' });
    const admin = await ctx.signIn('admin');
    expect((await admin.patch(`/api/users/${gone.id}`, { disabled: true })).status).toBe(200);

    const res = await manager.get('/api/users/colleagues?q=zebedee');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ id: colleague.id, name: 'Colleague Zebedee Picker', role: 'account_manager' }]);
    expect(res.body.total).toBe(1);
    // No email, no disabled flag, no dates: a picker needs a name.
    const everyone = await manager.get('/api/users/colleagues?pageSize=100');
    expect(everyone.body.data.every((u: object) => Object.keys(u).sort().join() === 'id,name,role')).toBe(true);
    expect(everyone.body.data.some((u: { id: string }) => u.id === gone.id)).toBe(false);
    // The search is on names: an email fragment finds nobody.
    expect((await manager.get(`/api/users/colleagues?q=${encodeURIComponent(colleague.email.split('@')[0]!)}`)).body.total).toBe(0);
    expect((await (await ctx.signIn('executive')).get('/api/users/colleagues?role=account_manager')).body.data.every((u: { role: string }) => u.role === 'account_manager')).toBe(true);
  });

  it('refuses a bad query with 400 and anonymous callers with 401', async () => {
    const manager = await ctx.signIn('account_manager');
    for (const query of ['role=boss', 'pageSize=1000', 'page=0']) {
      const res = await manager.get(`/api/users/colleagues?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('validation_failed');
    }
    expect((await ctx.anonymous().get('/api/users/colleagues')).status).toBe(401);
  });
});
