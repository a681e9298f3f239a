import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, TEST_PASSWORD, TestClient, type TestContext } from '../helpers/test-app.js';
import { apiKeys, sessions } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('signing in', () => {
  it('sets an HttpOnly SameSite session cookie and /api/me answers who I am', async () => {
    const user = await ctx.createUser('account_manager', { email: 'Ana.Manager@Example.com', name: 'Ana' });
    const client = ctx.anonymous();
    // Email is case-insensitive.
    const res = await client.post('/api/auth/login', { email: 'ana.manager@example.COM', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^kp_session=[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(res.body.user).toMatchObject({ id: user.id, role: 'account_manager', name: 'Ana' });
    expect(res.body.user.passwordHash).toBeUndefined();

    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: user.id }, authenticatedBy: 'session' });
  });

  it('stores only a hash of the session token', async () => {
    const client = await ctx.signIn('executive');
    const token = client.cookie!.split('=')[1]!;
    const rows = await ctx.database.db.select().from(sessions);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });

  it('rejects a wrong password and an unknown email with the same message', async () => {
    const user = await ctx.createUser('executive');
    const wrong = await ctx.anonymous().post('/api/auth/login', { email: user.email, password: 'not the password' });
    const unknown = await ctx.anonymous().post('/api/auth/login', { email: 'nobody@example.com', password: 'whatever123' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('validates the login body', async () => {
    const res = await ctx.anonymous().post('/api/auth/login', { email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'password']);
  });

  it('rate-limits failed sign-ins per email and address, then lets the right password in after the window', async () => {
    const user = await ctx.createUser('account_manager');
    const client = ctx.anonymous();
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/auth/login', { email: user.email, password: 'wrong password' })).status).toBe(401);
    }
    const limited = await client.post('/api/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // Another email from the same address is not affected.
    const other = await ctx.createUser('account_manager');
    expect((await ctx.anonymous().post('/api/auth/login', { email: other.email, password: TEST_PASSWORD })).status).toBe(200);

    ctx.clock.advance(16 * 60_000);
    expect((await client.post('/api/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('blocks a sign-in posted from another site', async () => {
    const user = await ctx.createUser('executive');
    const res = await ctx
      .anonymous()
      .post('/api/auth/login', { email: user.email, password: TEST_PASSWORD }, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });
});

describe('sessions', () => {
  it('logout revokes the session on the server', async () => {
    const client = await ctx.signIn('executive');
    const stolenCookie = client.cookie!;
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect(client.cookie).toBeNull();
    const replay = new TestClient(ctx.app);
    replay.cookie = stolenCookie;
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('expires after the configured lifetime, and is extended while in use', async () => {
    const client = await ctx.signIn('executive');
    const ttl = ctx.deps.config.sessionTtlMs;
    ctx.clock.advance(ttl * 0.75);
    expect((await client.get('/api/me')).status).toBe(200); // used after half its life: extended
    ctx.clock.advance(ttl * 0.75);
    expect((await client.get('/api/me')).status).toBe(200);
    ctx.clock.advance(ttl + 1000);
    const expired = await client.get('/api/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('unauthorized');
  });

  it('is ended when an admin disables the user', async () => {
    const admin = await ctx.signIn('admin');
    const manager = await ctx.signIn('account_manager');
    expect((await admin.patch(`/api/users/${manager.user.id}`, { disabled: true })).status).toBe(200);
    expect((await manager.get('/api/me')).status).toBe(401);
    const again = await ctx.anonymous().post('/api/auth/login', { email: manager.user.email, password: TEST_PASSWORD });
    expect(again.status).toBe(401);
  });

  it('refuses cookie-authenticated changes without a same-site Origin (CSRF)', async () => {
    const admin = await ctx.signIn('admin');
    const body = { name: 'Acme', stage: 'customer' };
    const crossSite = await admin.post('/api/accounts', body, { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    const noOrigin = new TestClient(ctx.app, {});
    noOrigin.cookie = admin.cookie;
    expect((await noOrigin.post('/api/accounts', body)).status).toBe(403);
    // Reads need no Origin.
    expect((await noOrigin.get('/api/accounts')).status).toBe(200);
    expect((await admin.post('/api/accounts', body)).status).toBe(201);
  });

  it('answers 401 to anonymous API calls', async () => {
    for (const path of ['/api/me', '/api/accounts', '/api/users', '/api/api-keys']) {
      const res = await ctx.anonymous().get(path);
      expect(res.status, path).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });
});

describe('API keys', () => {
  it('an admin creates a key that is shown once, stored hashed, works as Bearer, and can be revoked', async () => {
    const admin = await ctx.signIn('admin');
    const created = await admin.post('/api/api-keys', { name: 'CRM sync', scope: 'write' });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^kp_live_[\w-]{43}$/);

    const listed = await admin.get('/api/api-keys');
    expect(listed.body.data[0]).toMatchObject({ id: created.body.id, name: 'CRM sync', revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const stored = await ctx.database.db.select().from(apiKeys);
    expect(stored.some((r) => r.keyHash === key || r.keyHash.includes(key))).toBe(false);

    const script = new TestClient(ctx.app, { authorization: `Bearer ${key}` });
    const me = await script.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: admin.user.id }, authenticatedBy: 'api_key' });
    // Scripts need no Origin header: a Bearer key is not an ambient credential.
    expect((await script.post('/api/accounts', { name: 'From script' })).status).toBe(201);

    expect((await admin.delete(`/api/api-keys/${created.body.id}`)).body.revokedAt).not.toBeNull();
    expect((await script.get('/api/me')).status).toBe(401);
  });

  it('rejects a malformed or unknown key with 401', async () => {
    for (const header of ['Bearer nope', 'Bearer', 'Basic abc']) {
      const res = await new TestClient(ctx.app, { authorization: header }).get('/api/me');
      expect(res.status, header).toBe(401);
    }
  });

  it('only admins manage keys', async () => {
    for (const role of ['executive', 'account_manager'] as const) {
      const client = await ctx.signIn(role);
      const [before] = await ctx.database.db.select({ n: count() }).from(apiKeys);
      expect((await client.post('/api/api-keys', { name: 'x' })).status).toBe(403);
      expect((await client.get('/api/api-keys')).status).toBe(403);
      const [after] = await ctx.database.db.select({ n: count() }).from(apiKeys);
      expect(after!.n).toBe(before!.n);
    }
  });
});
