import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { createTestContext, TestClient, type TestContext } from '../helpers/test-app.js';
import { accounts, apiKeys, auditLog, users } from '../../src/server/db/schema/index.js';
import { generateToken, hashToken } from '../../src/server/auth/tokens.js';

let ctx: TestContext;
let admin: Awaited<ReturnType<TestContext['signIn']>>;
beforeAll(async () => {
  ctx = await createTestContext();
  admin = await ctx.signIn('admin');
});
afterAll(() => ctx.close());

/** A key made by the signed-in admin on the admin page, and a script that sends it. */
async function keyWith(body: Record<string, unknown>) {
  const res = await admin.post('/api/api-keys', { name: `Script ${Date.now()}`, ...body });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id as string, key: res.body.key as string, script: new TestClient(ctx.app, { authorization: `Bearer ${res.body.key}` }) };
}

/** The key as the admin page lists it. */
const listed = async (id: string) => (await admin.get('/api/api-keys')).body.data.find((k: { id: string }) => k.id === id);

let n = 0;
const newUser = () => ({ email: `made.by.key.${++n}@example.com`, name: 'Made by a key', role: 'executive', password: 'a long enough password 42' });
const rowCount = async (table: typeof accounts | typeof users | typeof apiKeys) =>
  (await ctx.database.db.select({ n: count() }).from(table))[0]!.n;

describe('API key scopes', () => {
  it('a key made without a scope only reads: GET works, any change is refused with 403 and writes nothing', async () => {
    const { id, script } = await keyWith({});
    expect(await listed(id)).toMatchObject({ scope: 'read', expiresAt: null });
    expect((await script.get('/api/accounts')).status).toBe(200);

    const accountsBefore = await rowCount(accounts);
    const refused = await script.post('/api/accounts', { name: 'Read key account' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/this API key can only read/);
    const account = await admin.post('/api/accounts', { name: 'Owned by admin' });
    expect((await script.patch(`/api/accounts/${account.body.id}`, { industry: 'Shipping' })).status).toBe(403);
    expect((await script.delete(`/api/accounts/${account.body.id}`)).status).toBe(403);
    expect(await rowCount(accounts)).toBe(accountsBefore + 1);
  });

  it('a write key changes data but nothing only an admin may do', async () => {
    const { script } = await keyWith({ scope: 'write' });
    const created = await script.post('/api/accounts', { name: 'Write key account' });
    expect(created.status, created.text).toBe(201);
    expect((await script.patch(`/api/accounts/${created.body.id}`, { industry: 'Retail' })).status).toBe(200);

    const usersBefore = await rowCount(users);
    const user = await script.post('/api/users', newUser());
    expect(user.status).toBe(403);
    expect(user.body.error.message).toMatch(/admin scope/);
    expect(await rowCount(users)).toBe(usersBefore);
    expect((await script.patch('/api/settings', { minDaysBetweenSurveys: 3 })).status).toBe(403);
    expect((await admin.get('/api/settings')).body.values.minDaysBetweenSurveys).not.toBe(3);
    // Handing an account to someone else is an admin's decision (an inline check, not requireRole).
    const manager = await ctx.createUser('account_manager');
    expect((await script.patch(`/api/accounts/${created.body.id}`, { ownerId: manager.id })).status).toBe(403);
    expect((await script.post('/api/accounts', { name: 'For someone else', ownerId: manager.id })).status).toBe(403);
    expect((await admin.get(`/api/accounts/${created.body.id}`)).body.ownerId).toBe(admin.user.id);
    // Admin-only reads are admin-only too.
    expect((await script.get('/api/api-keys')).status).toBe(403);
  });

  it('an admin key does what its admin could', async () => {
    const { script } = await keyWith({ scope: 'admin' });
    expect((await script.post('/api/users', newUser())).status).toBe(201);
    expect((await script.patch('/api/settings', { minDaysBetweenSurveys: 3 })).status).toBe(200);
    await script.patch('/api/settings', { minDaysBetweenSurveys: null });
    const account = await script.post('/api/accounts', { name: 'Admin key account' });
    const manager = await ctx.createUser('account_manager');
    expect((await script.patch(`/api/accounts/${account.body.id}`, { ownerId: manager.id })).status).toBe(200);
    expect((await script.get('/api/api-keys')).status).toBe(200);
  });

  it('no key, whatever its scope, creates or revokes keys: only a signed-in admin does', async () => {
    const target = await keyWith({ scope: 'read' });
    for (const scope of ['read', 'write', 'admin'] as const) {
      const { script } = await keyWith({ scope });
      const before = await rowCount(apiKeys);
      const minted = await script.post('/api/api-keys', { name: 'Minted by a key', scope: 'admin' });
      expect(minted.status, scope).toBe(403);
      expect(minted.body.key).toBeUndefined();
      expect((await script.delete(`/api/api-keys/${target.id}`)).status, scope).toBe(403);
      expect(await rowCount(apiKeys)).toBe(before);
    }
    expect((await target.script.get('/api/me')).status).toBe(200);
  });

  it('a key made before scopes existed (no scope in its row) keeps working as admin', async () => {
    const key = generateToken('kp_live_');
    // The row as the previous version wrote it: the column's default decides its scope.
    await ctx.database.db.execute(
      sql`insert into api_keys (name, prefix, key_hash, user_id) values ('Old script', ${key.slice(0, 14)}, ${hashToken(key)}, ${admin.user.id})`,
    );
    const script = new TestClient(ctx.app, { authorization: `Bearer ${key}` });
    expect((await script.post('/api/users', newUser())).status).toBe(201);
    const old = (await admin.get('/api/api-keys')).body.data.find((k: { name: string }) => k.name === 'Old script');
    expect(old).toMatchObject({ scope: 'admin', expiresAt: null });
  });
});

describe('API key expiry and use', () => {
  it('an expiry must be in the future', async () => {
    const before = await rowCount(apiKeys);
    const past = new Date(ctx.clock.now().getTime() - 60_000).toISOString();
    const res = await admin.post('/api/api-keys', { name: 'Already over', expiresAt: past });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'expiresAt', message: 'must be in the future' }]);
    expect((await admin.post('/api/api-keys', { name: 'Not a date', expiresAt: 'tomorrow' })).status).toBe(400);
    expect(await rowCount(apiKeys)).toBe(before);
  });

  it('a key works until it expires, then answers 401 saying it expired', async () => {
    const expiresAt = new Date(ctx.clock.now().getTime() + 3600_000).toISOString();
    const { id, script } = await keyWith({ scope: 'write', expiresAt });
    expect((await listed(id)).expiresAt).toBe(expiresAt);
    expect((await script.get('/api/me')).status).toBe(200);
    ctx.clock.advance(3600_000);
    const res = await script.get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
    expect((await script.post('/api/accounts', { name: 'After expiry' })).status).toBe(401);
  });

  it('records when a key was last used', async () => {
    const { id, script } = await keyWith({});
    const lastUsed = async () => (await ctx.database.db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0]!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    ctx.clock.advance(5 * 60_000);
    await script.get('/api/accounts');
    expect(await lastUsed()).toEqual(ctx.clock.now());
    expect((await listed(id)).lastUsedAt).toBe(ctx.clock.now().toISOString());
  });

  it('creating and revoking a key are in the audit log, without the key', async () => {
    const { id, key } = await keyWith({ name: 'Audited', scope: 'write' });
    await admin.delete(`/api/api-keys/${id}`);
    await admin.delete(`/api/api-keys/${id}`); // revoking twice is one revocation
    const entries = await ctx.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(entries.map((e) => e.action).sort()).toEqual(['api_key.created', 'api_key.revoked']);
    expect(entries.every((e) => e.actorId === admin.user.id && e.via === 'session')).toBe(true);
    expect(entries.find((e) => e.action === 'api_key.created')!.details).toMatchObject({ name: 'Audited', scope: 'write' });
    expect(JSON.stringify(entries)).not.toContain(key);
    expect(JSON.stringify(entries)).not.toContain(hashToken(key));
  });
});
