import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, ne, sql } from 'drizzle-orm';
import { createApp } from '../../src/server/app.js';
import { buildDeps, ensureInitialAdmin, openMigratedDatabase } from '../../src/server/bootstrap.js';
import { loadConfig, testConfig, type Config } from '../../src/server/config.js';
import type { Db } from '../../src/server/db/client.js';
import { migrateDatabase, migrationsFolder } from '../../src/server/db/migrate.js';
import { insertUser } from '../../src/server/db/queries/users.js';
import { accounts, contacts, users } from '../../src/server/db/schema/index.js';
import { formatDemoLogins, seedDemo, type DemoLogin } from '../../src/server/seed/demo.js';
import { DEMO_PASSWORD } from '../../src/server/seed/demo-data.js';
import { openTestDatabase, testDatabaseKind } from '../helpers/database.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { createTestContext, noQueue, TestClient, type TestContext } from '../helpers/test-app.js';

async function rowCounts(db: Db) {
  const [u] = await db.select({ n: count() }).from(users);
  const [a] = await db.select({ n: count() }).from(accounts);
  const [c] = await db.select({ n: count() }).from(contacts);
  return { users: u!.n, accounts: a!.n, contacts: c!.n };
}

/** A brand-new installation with the given settings: an empty database and the app on top. */
async function freshInstall(config: Partial<Config> = {}) {
  const database = await openTestDatabase();
  const deps = await buildDeps(database, testConfig(config), { clock: new FakeClock(), jobs: noQueue });
  const app = createApp(deps);
  const login = (email: string, password: string) => new TestClient(app).post('/api/auth/login', { email, password });
  return { database, deps, login, close: () => database.close() };
}

describe('the first admin (KEYPULSE_ADMIN_EMAIL / KEYPULSE_ADMIN_PASSWORD)', () => {
  it('is created on an empty installation, once, and can sign in', async () => {
    const install = await freshInstall({ initialAdmin: { email: ' Founder@Example.COM ', password: 'founder-passphrase' } });
    try {
      expect(await ensureInitialAdmin(install.deps)).toBe('founder@example.com');
      const [founder] = await install.database.db.select().from(users);
      expect(founder).toMatchObject({ email: 'founder@example.com', role: 'admin', disabled: false });
      expect(founder!.passwordHash).not.toContain('founder-passphrase');

      const signIn = await install.login('founder@example.com', 'founder-passphrase');
      expect(signIn.status).toBe(200);
      expect(signIn.body.user.role).toBe('admin');

      // The next start finds a user and leaves everything alone.
      expect(await ensureInitialAdmin(install.deps)).toBeNull();
      expect((await rowCounts(install.database.db)).users).toBe(1);
    } finally {
      await install.close();
    }
  });

  it('is not created when the installation already has a user, even one who is not an admin', async () => {
    const install = await freshInstall();
    try {
      await insertUser(install.database.db, { email: 'manager@example.com', name: 'First Manager', role: 'account_manager', passwordHash: 'unused' });
      const before = await rowCounts(install.database.db);
      const withAdmin = await buildDeps(install.database, testConfig({ initialAdmin: { email: 'late@example.com', password: 'late-admin-pass' } }), { jobs: noQueue });
      expect(await ensureInitialAdmin(withAdmin)).toBeNull();
      expect(await rowCounts(install.database.db)).toEqual(before);
      expect((await install.login('late@example.com', 'late-admin-pass')).status).toBe(401);
    } finally {
      await install.close();
    }
  });

  it('is not created when no credentials are configured', async () => {
    const install = await freshInstall({ initialAdmin: null });
    try {
      expect(await ensureInitialAdmin(install.deps)).toBeNull();
      expect((await rowCounts(install.database.db)).users).toBe(0);
    } finally {
      await install.close();
    }
  });

  it('refuses a short password or a bad email with a message naming the setting, creating nobody', async () => {
    const install = await freshInstall({ initialAdmin: { email: 'founder@example.com', password: 'short' } });
    try {
      await expect(ensureInitialAdmin(install.deps)).rejects.toThrow(/KEYPULSE_ADMIN_PASSWORD must be at least 12 characters/);
      const common = await buildDeps(install.database, testConfig({ initialAdmin: { email: 'founder@example.com', password: 'password1234' } }), { jobs: noQueue });
      await expect(ensureInitialAdmin(common)).rejects.toThrow(/KEYPULSE_ADMIN_PASSWORD is on a list of common passwords/);
      const badEmail = await buildDeps(install.database, testConfig({ initialAdmin: { email: 'founder', password: 'long-enough-pass' } }), { jobs: noQueue });
      await expect(ensureInitialAdmin(badEmail)).rejects.toThrow(/^KEYPULSE_ADMIN_EMAIL must be a valid email address$/);
      expect((await rowCounts(install.database.db)).users).toBe(0);
    } finally {
      await install.close();
    }
  });
});

describe('the demo portfolio', () => {
  let ctx: TestContext;
  let logins: DemoLogin[];
  const printed: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    logins = await seedDemo(ctx.deps.db, ctx.clock, (line) => printed.push(line));
  });
  afterAll(() => ctx.close());

  const loginAs = async (role: string) => {
    const login = logins.find((l) => l.role === role)!;
    const client = ctx.anonymous();
    expect((await client.post('/api/auth/login', { email: login.email, password: login.password })).status).toBe(200);
    return client;
  };

  it('loads about a dozen accounts across all four stages, with contacts at all three levels', async () => {
    const rows = await ctx.database.db.select().from(accounts);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.length).toBeLessThanOrEqual(15);
    expect(new Set(rows.map((a) => a.stage))).toEqual(new Set(['suspect', 'prospect', 'customer', 'key_account']));

    const people = await ctx.database.db.select().from(contacts);
    expect(new Set(people.map((c) => c.level))).toEqual(new Set(['instigator', 'influencer', 'implementer']));
    // Every account has somebody to ask, and every contact belongs to a seeded account.
    const accountIds = new Set(rows.map((a) => a.id));
    expect(new Set(people.map((c) => c.accountId))).toEqual(accountIds);

    // Key accounts look like key accounts: revenue in minor units and a renewal ahead of "today".
    const today = ctx.clock.now().toISOString().slice(0, 10);
    for (const key of rows.filter((a) => a.stage === 'key_account')) {
      expect(key.annualRevenue, key.name).toBeGreaterThan(100_000_00);
      expect(key.renewalDate! > today, key.name).toBe(true);
    }
  });

  it('creates an admin, an executive and three account managers, each owning accounts', async () => {
    const people = await ctx.database.db.select().from(users);
    const byRole = (role: string) => people.filter((u) => u.role === role);
    expect(byRole('admin')).toHaveLength(1);
    expect(byRole('executive')).toHaveLength(1);
    expect(byRole('account_manager')).toHaveLength(3);

    const owners = (await ctx.database.db.select({ ownerId: accounts.ownerId }).from(accounts)).map((a) => a.ownerId);
    expect(new Set(owners)).toEqual(new Set(byRole('account_manager').map((u) => u.id)));
  });

  it('returns and prints the demo logins', () => {
    expect(logins).toHaveLength(5);
    expect(logins.map((l) => l.role).sort()).toEqual(['account_manager', 'account_manager', 'account_manager', 'admin', 'executive']);
    expect(logins.every((l) => l.password === DEMO_PASSWORD)).toBe(true);
    expect(printed).toEqual([expect.stringMatching(/^Demo data: \d+ records added\.$/)]);

    const text = formatDemoLogins(logins);
    expect(text).toContain(DEMO_PASSWORD);
    for (const login of logins) expect(text).toMatch(new RegExp(`${login.email.replace(/\./g, '\\.')}\\s+${login.role}\\s+${login.name}`));
  });

  it('every demo login signs in through the API with its role', async () => {
    for (const login of logins) {
      const res = await ctx.anonymous().post('/api/auth/login', { email: login.email, password: login.password });
      expect(res.status, login.email).toBe(200);
      expect(res.body.user).toMatchObject({ email: login.email, role: login.role, name: login.name });
    }
  });

  it('running it again adds nothing', async () => {
    const before = await rowCounts(ctx.database.db);
    const again: string[] = [];
    expect(await seedDemo(ctx.deps.db, ctx.clock, (line) => again.push(line))).toEqual(logins);
    expect(await rowCounts(ctx.database.db)).toEqual(before);
    expect(again).toEqual(['Demo data: already present.']);
  });

  it('an account manager from the demo sees only their own accounts', async () => {
    const manager = logins.find((l) => l.role === 'account_manager')!;
    const client = ctx.anonymous();
    const me = await client.post('/api/auth/login', { email: manager.email, password: manager.password });
    const managerId: string = me.body.user.id;

    const own = await client.get('/api/accounts?pageSize=100&includeArchived=true');
    expect(own.status).toBe(200);
    const [mine] = await ctx.database.db.select({ n: count() }).from(accounts).where(eq(accounts.ownerId, managerId));
    expect(own.body.total).toBe(mine!.n);
    expect(own.body.total).toBeGreaterThan(0);
    expect(own.body.data.every((a: { ownerId: string }) => a.ownerId === managerId)).toBe(true);

    const [someoneElses] = await ctx.database.db.select().from(accounts).where(ne(accounts.ownerId, managerId)).limit(1);
    expect((await client.get(`/api/accounts/${someoneElses!.id}`)).status).toBe(404);
    expect((await client.get(`/api/accounts/${someoneElses!.id}/contacts`)).status).toBe(404);

    // The executive, by contrast, sees the whole portfolio.
    const exec = await loginAs('executive');
    expect((await exec.get('/api/accounts?pageSize=100')).body.total).toBe((await rowCounts(ctx.database.db)).accounts);
  });
});

describe('the database', () => {
  it('applies migrations idempotently: running them again changes nothing', async () => {
    const ctx = await createTestContext();
    try {
      const user = await ctx.createUser('executive');
      await migrateDatabase(ctx.database);
      await migrateDatabase(ctx.database);

      const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      const result: any = await ctx.database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const rows = Array.isArray(result) ? result : result.rows;
      expect(rows[0].n).toBe(journal.entries.length);
      expect((await ctx.database.db.select().from(users).where(eq(users.id, user.id))).length).toBe(1);
      expect((await (await ctx.signIn(user)).get('/api/me')).status).toBe(200);
    } finally {
      await ctx.close();
    }
  });

  it.skipIf(testDatabaseKind === 'postgres')('keeps its data across a restart (embedded PGlite on disk)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keypulse-restart-'));
    try {
      const secretFile = join(dataDir, 'keypulse.secret'); // not the working directory's
      const config = loadConfig({ KEYPULSE_DATA_DIR: dataDir, KEYPULSE_SECRET_FILE: secretFile, KEYPULSE_LOG_LEVEL: 'silent' });
      expect(config.database).toEqual({ kind: 'pglite', dataDir });

      const first = await openMigratedDatabase(config);
      const logins = await seedDemo(first.db, new FakeClock());
      const before = await rowCounts(first.db);
      await first.close();

      // The server starts again on the same directory: migrations run again, the data is there.
      const second = await openMigratedDatabase(config);
      try {
        expect(await rowCounts(second.db)).toEqual(before);
        const app = createApp(await buildDeps(second, config, { clock: new FakeClock(), jobs: noQueue }));
        const client = new TestClient(app, { origin: config.publicUrl });
        const manager = logins.find((l) => l.role === 'account_manager')!;
        expect((await client.post('/api/auth/login', { email: manager.email, password: manager.password })).status).toBe(200);
        expect((await client.get('/api/accounts')).body.total).toBeGreaterThan(0);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    // A database on disk starts with PostgreSQL's initdb (seconds of WebAssembly), not from the suite's template.
  }, 90_000);
});

describe('loadConfig', () => {
  it('defaults to port 3000 and an embedded database in ./data, with demo data', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.database.kind).toBe('pglite');
    const dataDir = (config.database as { dataDir: string }).dataDir;
    expect(isAbsolute(dataDir)).toBe(true);
    expect(dataDir).toBe(resolve('./data'));
    expect(config.demo).toBe(true);
    expect(config.initialAdmin).toBeNull();
    expect(config.cookieSecure).toBe(false);
  });

  it('switches to PostgreSQL with DATABASE_URL, and then loads no demo data unless asked', () => {
    const url = 'postgres://keypulse:secret@db.internal:5432/keypulse';
    const config = loadConfig({ DATABASE_URL: url });
    expect(config.database).toEqual({ kind: 'postgres', url });
    expect(config.demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: url, KEYPULSE_DEMO: '1' }).demo).toBe(true);
  });

  it('KEYPULSE_DEMO=0 turns the demo off on the embedded database', () => {
    expect(loadConfig({ KEYPULSE_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ KEYPULSE_DEMO: 'false' }).demo).toBe(false);
    expect(loadConfig({ KEYPULSE_DEMO: 'yes' }).demo).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', KEYPULSE_DEMO: '', KEYPULSE_PUBLIC_URL: '' });
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.database.kind).toBe('pglite');
    expect(config.demo).toBe(true);
  });

  it('follows PORT and KEYPULSE_PUBLIC_URL; an https URL makes cookies Secure', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    const config = loadConfig({ KEYPULSE_PUBLIC_URL: 'https://feedback.example.com/' });
    expect(config.publicUrl).toBe('https://feedback.example.com');
    expect(config.cookieSecure).toBe(true);
  });

  it('needs both admin variables to create a first admin', () => {
    expect(loadConfig({ KEYPULSE_ADMIN_EMAIL: 'a@example.com' }).initialAdmin).toBeNull();
    expect(loadConfig({ KEYPULSE_ADMIN_EMAIL: 'a@example.com', KEYPULSE_ADMIN_PASSWORD: 'long-enough-pw' }).initialAdmin).toEqual({
      email: 'a@example.com',
      password: 'long-enough-pw',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ KEYPULSE_DEMO: 'maybe' }, 'KEYPULSE_DEMO'],
    [{ KEYPULSE_LOG_LEVEL: 'chatty' }, 'KEYPULSE_LOG_LEVEL'],
  ])('refuses %j with a readable message naming %s', (env, name) => {
    let message = '';
    try {
      loadConfig(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^Invalid environment:\\n  ${name}: \\S`));
    expect(message).not.toMatch(/[{}[\]]/); // a sentence per variable, not a dump of zod issues
  });
});
