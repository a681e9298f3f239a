import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../../src/server/auth/passwords.js';
import { testConfig } from '../../src/server/config.js';
import { insertUser } from '../../src/server/db/queries/users.js';
import { settings, users } from '../../src/server/db/schema/index.js';
import { formatDemoLogins } from '../../src/server/seed/demo.js';
import { DEMO_PASSWORD, demoUsers } from '../../src/server/seed/demo-data.js';
import { chooseListenHost, isLoopbackHost, networkExposure, secureDemoLogins } from '../../src/server/services/safe-start.js';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../helpers/test-app.js';

describe('where the server listens', () => {
  it('a demo without HOST listens on this machine only; a real installation on every interface; HOST always wins', () => {
    expect(chooseListenHost({ host: null, demo: true })).toBe('127.0.0.1');
    expect(chooseListenHost({ host: null, demo: false })).toBe('0.0.0.0');
    expect(chooseListenHost({ host: '0.0.0.0', demo: true })).toBe('0.0.0.0');
    expect(chooseListenHost({ host: '::1', demo: false })).toBe('::1');
  });

  it('knows which addresses only this machine reaches, and when a proxy or a public address opens it anyway', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1', '[::1]', 'keypulse.localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);

    const local = testConfig({ publicUrl: 'http://localhost:3000', trustProxy: null });
    expect(networkExposure(local, '127.0.0.1')).toBeNull();
    expect(networkExposure(local, '0.0.0.0')).toBe('it listens on 0.0.0.0');
    expect(networkExposure({ ...local, publicUrl: 'https://feedback.example.com' }, '127.0.0.1')).toBe('its public address is https://feedback.example.com');
    expect(networkExposure({ ...local, trustProxy: '1' }, '127.0.0.1')).toMatch(/KEYPULSE_TRUST_PROXY/);
  });
});

describe('the demo users’ published password', () => {
  let ctx: TestContext;
  const originalHash = new Map<string, string>();
  beforeAll(async () => {
    ctx = await createTestContext();
    const published = await hashPassword(DEMO_PASSWORD);
    for (const demo of demoUsers) {
      const row = await insertUser(ctx.database.db, { email: demo.email, name: demo.name, role: demo.role, passwordHash: published });
      originalHash.set(row.email, row.passwordHash);
    }
    // Tom left: his account stays, disabled.
    await ctx.database.db.update(users).set({ disabled: true }).where(eq(users.email, 'tom.manager@keypulse.demo'));
  });
  afterAll(() => ctx.close());

  const demoRows = () => ctx.database.db.select().from(users).where(inArray(users.email, demoUsers.map((d) => d.email)));
  const signIn = (email: string, password: string) => ctx.anonymous().post('/api/auth/login', { email, password });

  it('keeps working on this machine alone (`npm install && npm start`)', async () => {
    const atStart = await secureDemoLogins(ctx.database.db, false, ctx.clock.now());
    expect(atStart.rotated).toBe(false);
    expect(atStart.logins.map((l) => l.email)).toEqual(demoUsers.map((d) => d.email).filter((e) => !e.startsWith('tom.')));
    expect(atStart.logins.every((l) => l.password === DEMO_PASSWORD)).toBe(true);
    expect(formatDemoLogins(atStart.logins)).toContain(`password for all: ${DEMO_PASSWORD}`);
    expect((await demoRows()).every((r) => r.passwordHash === originalHash.get(r.email))).toBe(true);
  });

  it('stops working once the server can be reached from the network: each demo user gets a random password, shown once', async () => {
    const colleague = await ctx.createUser('executive');
    const atStart = await secureDemoLogins(ctx.database.db, true, ctx.clock.now());
    expect(atStart.rotated).toBe(true);
    expect(atStart.logins).toHaveLength(4); // disabled Tom is not offered
    const passwords = atStart.logins.map((l) => l.password);
    expect(new Set(passwords).size).toBe(4);
    for (const password of passwords) expect(password).toMatch(/^[\w-]{16,}$/);

    const table = formatDemoLogins(atStart.logins);
    expect(table).not.toContain(DEMO_PASSWORD);
    for (const login of atStart.logins) expect(table).toMatch(new RegExp(`${login.email.replace(/\./g, '\\.')}.*password: ${login.password}`));

    // Every demo user, disabled Tom too, has a new password hash (scrypt is slow: the API checks two of them).
    const rows = await demoRows();
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.passwordHash !== originalHash.get(r.email))).toBe(true);
    const tom = rows.find((r) => r.email.startsWith('tom.'))!;
    expect(await verifyPassword(DEMO_PASSWORD, tom.passwordHash)).toBe(false);
    const admin = atStart.logins.find((l) => l.role === 'admin')!;
    expect((await signIn(admin.email, DEMO_PASSWORD)).status).toBe(401);
    expect((await signIn(admin.email, admin.password)).status).toBe(200);
    // People who are not demo users keep their passwords.
    expect((await signIn(colleague.email, TEST_PASSWORD)).status).toBe(200);
  }, 60_000);

  it('at the next start has nothing to print and changes nothing again', async () => {
    const before = await demoRows();
    const atStart = await secureDemoLogins(ctx.database.db, true, ctx.clock.now());
    expect(atStart).toMatchObject({ rotated: false, logins: [] });
    expect(atStart.changedEarlier).toHaveLength(5);
    const after = await demoRows();
    expect(after.map((r) => r.passwordHash).sort()).toEqual(before.map((r) => r.passwordHash).sort());
  });

  it('remembers each password hash it has checked (a restart needs no scrypt for them), and checks a new one afresh', async () => {
    // Alex sets the published password again by hand: a new salt, a hash never seen before.
    const alex = (await demoRows()).find((r) => r.role === 'admin')!;
    const again = await hashPassword(DEMO_PASSWORD);
    await ctx.database.db.update(users).set({ passwordHash: again }).where(eq(users.id, alex.id));
    const atStart = await secureDemoLogins(ctx.database.db, false, ctx.clock.now());
    expect(atStart.logins.map((l) => l.email)).toEqual([alex.email]);
    expect(atStart.changedEarlier).toHaveLength(4);

    const [row] = await ctx.database.db.select().from(settings).where(eq(settings.key, 'demo_password_checks'));
    const checks = JSON.parse(row!.value) as Record<string, boolean>;
    const rows = await demoRows();
    // Named by each hash's SHA-256: the settings row holds no copy of a password hash.
    const key = (hash: string) => createHash('sha256').update(hash).digest('base64url');
    expect(Object.keys(checks).sort()).toEqual([...new Set(rows.map((r) => key(r.passwordHash)))].sort());
    expect(row!.value).not.toContain('scrypt$');
    expect(checks[key(again)]).toBe(true);
    expect(Object.values(checks).filter((published) => published)).toHaveLength(1);
    // The same answer at the next start, from memory.
    expect(await secureDemoLogins(ctx.database.db, false, ctx.clock.now())).toEqual(atStart);
  });
});
