import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createApp, type App } from '../../src/server/app.js';
import { buildDeps } from '../../src/server/bootstrap.js';
import { auditLog, rateLimitEvents, sessions, users } from '../../src/server/db/schema/index.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { createTestContext, noQueue, TEST_PASSWORD, TestClient, type TestContext } from '../helpers/test-app.js';

const WINDOW = 15 * 60_000;
let ctx: TestContext;
/** The same database with small limits (2 per account, 3 per address): each password check takes a while. */
let tight: App;
const tightLimits = { maxAttempts: 2, maxPerAddress: 3, windowMs: WINDOW, maxConcurrent: 4 };
const buildTight = async () =>
  createApp(await buildDeps(ctx.database, { ...ctx.deps.config, loginThrottle: tightLimits }, { clock: ctx.clock, jobs: noQueue }));
beforeAll(async () => {
  // Behind one proxy: in-process requests have no socket, so the proxy's hop is the last X-Forwarded-For entry.
  ctx = await createTestContext({ trustProxy: '1' });
  tight = await buildTight();
});
afterAll(() => ctx.close());

let addresses = 0;
/** A client address of its own for each test, so the per-address limit of one test does not touch another. */
const newAddress = () => `198.51.100.${++addresses}`;

function login(email: string, password: string, forwardedFor: string, app: App = ctx.app) {
  return new TestClient(app).post('/api/auth/login', { email, password }, { headers: { 'x-forwarded-for': forwardedFor } });
}

function auditFor(email: string) {
  return ctx.database.db.select().from(auditLog).where(eq(auditLog.actorEmail, email)).orderBy(auditLog.id);
}

describe('failed sign-ins per account', () => {
  it('refuses the 6th attempt with 429 and Retry-After, even with the right password, until the window has passed', async () => {
    const user = await ctx.createUser('account_manager');
    const from = newAddress();
    for (let i = 0; i < 5; i++) expect((await login(user.email, `wrong password ${i}`, from)).status).toBe(401);

    const limited = await login(user.email, TEST_PASSWORD, from);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', message: 'too many failed sign-ins for this email; try again in 15 minute(s)' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(limited.headers.get('set-cookie')).toBeNull();
    // Another address, the email in capitals: it is the account that is limited.
    expect((await login(user.email.toUpperCase(), TEST_PASSWORD, newAddress())).status).toBe(429);

    ctx.clock.advance(retryAfter * 1000);
    const later = await login(user.email, TEST_PASSWORD, from);
    expect(later.status).toBe(200);
    const [session] = await ctx.database.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(session!.ip).toBe(from);

    const entries = await auditFor(user.email);
    expect(entries.map((e) => [e.action, e.details?.reason ?? null])).toEqual([
      ...Array(5).fill(['auth.sign_in_failed', 'wrong_password']),
      ['auth.sign_in_failed', 'rate_limited'],
      ['auth.sign_in_failed', 'rate_limited'],
      ['auth.sign_in', null],
    ]);
    expect(entries.every((e) => e.actorId === user.id && e.targetId === user.id)).toBe(true);
    expect(entries[0]).toMatchObject({ via: 'anonymous', ip: from });
    expect(entries.at(-1)).toMatchObject({ via: 'session', ip: from });
    expect(JSON.stringify(entries)).not.toMatch(/wrong password|correct horse/);
  });

  it('a successful sign-in forgives the account its failures', async () => {
    const user = await ctx.createUser('executive');
    expect((await login(user.email, 'wrong password', newAddress(), tight)).status).toBe(401);
    expect((await login(user.email, TEST_PASSWORD, newAddress(), tight)).status).toBe(200);
    // Without the forgiving, this second failure would be the third of the window: refused.
    expect((await login(user.email, 'wrong password', newAddress(), tight)).status).toBe(401);
  });

  it('limits an unknown email the same way (no difference that tells which accounts exist), and audits it without an actor', async () => {
    const from = newAddress();
    const email = `nobody.${addresses}@example.com`;
    for (let i = 0; i < 2; i++) expect((await login(email, 'whatever-guess', from, tight)).status).toBe(401);
    expect((await login(email, 'whatever-guess', from, tight)).status).toBe(429);
    const entries = await ctx.database.db.select().from(auditLog).where(eq(auditLog.ip, from));
    expect(entries.map((e) => e.details?.reason)).toEqual(['unknown_email', 'unknown_email', 'rate_limited']);
    expect(entries.every((e) => e.actorId === null && e.via === 'anonymous' && e.action === 'auth.sign_in_failed')).toBe(true);
  });
});

describe('failed sign-ins per address', () => {
  it('refuses an address that failed on many emails, for every email, on the API and on the sign-in page', async () => {
    const from = newAddress();
    for (let i = 0; i < 3; i++) {
      expect((await login(`spray.${i}.${addresses}@example.com`, 'Summer2026!', from, tight)).status).toBe(401);
    }
    const someone = await ctx.createUser('admin');
    const limited = await login(someone.email, TEST_PASSWORD, from, tight);
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toBe('too many failed sign-ins from this address; try again in 15 minute(s)');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const page = await new TestClient(tight).request('POST', '/signin', {
      body: new URLSearchParams({ email: someone.email, password: TEST_PASSWORD, next: '/outbox' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
    });
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(page.text).toContain('Too many failed attempts from your network. Try again in 15 minutes.');

    // The same person from elsewhere is not held back by that address.
    expect((await login(someone.email, TEST_PASSWORD, newAddress(), tight)).status).toBe(200);
  });

  it('a forged first X-Forwarded-For hop does not make a new address', async () => {
    const real = newAddress();
    for (let i = 0; i < 3; i++) {
      // The client writes any first hop it likes; our proxy appends the address it really came from.
      const res = await login(`forged.${i}.${addresses}@example.com`, 'Summer2026!', `203.0.113.${i}, ${real}`, tight);
      expect(res.status).toBe(401);
    }
    const res = await login(`forged.last.${addresses}@example.com`, 'Summer2026!', `203.0.113.99, ${real}`, tight);
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/from this address/);
    const entries = await ctx.database.db.select().from(auditLog).where(eq(auditLog.ip, real));
    expect(entries).toHaveLength(4);
  });

  it('signing in to an account of your own does not wipe your address’s failures', async () => {
    const from = newAddress();
    const mine = await ctx.createUser('account_manager');
    expect((await login(`victim.0.${addresses}@example.com`, 'guess', from, tight)).status).toBe(401);
    expect((await login(mine.email, TEST_PASSWORD, from, tight)).status).toBe(200);
    for (let i = 1; i < 3; i++) expect((await login(`victim.${i}.${addresses}@example.com`, 'guess', from, tight)).status).toBe(401);
    expect((await login(`victim.3.${addresses}@example.com`, 'guess', from, tight)).status).toBe(429);
  });
});

describe('password checks running at once', () => {
  it('refuses at once with 429 beyond the cap instead of queueing hashing, unknown emails included', async () => {
    const attempts = Array.from({ length: 12 }, (_, i) => {
      const started = login(`flood.${i}.${addresses}@example.com`, 'guess', newAddress());
      return started.then((res) => ({ res, at: performance.now() }));
    });
    const results = await Promise.all(attempts);
    const refused = results.filter((r) => r.res.status === 429);
    const checked = results.filter((r) => r.res.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.length).toBeLessThanOrEqual(4);
    for (const { res } of refused) {
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body.error.message).toBe('too many sign-ins at once; try again in a moment');
    }
    // Not queued: every refusal was answered before the first password check finished.
    expect(Math.max(...refused.map((r) => r.at))).toBeLessThan(Math.min(...checked.map((r) => r.at)));
    expect(ctx.deps.signInLimits.running()).toBe(0);
    // Refused before any check, so they count against nobody: the same emails may try again.
    const again = await login(`flood.0.${addresses - 11}@example.com`, 'guess', newAddress());
    expect(again.status).toBe(401);
  });
});

describe('counted in the database', () => {
  it('survives a restart: a new app on the same database still refuses the account and the address', async () => {
    const user = await ctx.createUser('account_manager');
    const from = newAddress();
    for (let i = 0; i < 2; i++) expect((await login(user.email, 'wrong password', from, tight)).status).toBe(401);
    expect((await login(`other.${addresses}@example.com`, 'guess', from, tight)).status).toBe(401);

    const restarted = await buildTight();
    expect((await login(user.email, TEST_PASSWORD, newAddress(), restarted)).status).toBe(429);
    const byAddress = await login(`other.new.${addresses}@example.com`, 'guess', from, restarted);
    expect(byAddress.status).toBe(429);
    expect(byAddress.body.error.message).toMatch(/from this address/);
  });

  it('old events leave by age in the scheduler tick, and nothing younger than a day does', async () => {
    const { db } = ctx.database;
    const now = ctx.clock.now().getTime();
    const at = (msAgo: number) => new Date(now - msAgo);
    await db.insert(rateLimitEvents).values([
      { bucket: 'sign_in_account', key: 'old@example.com', at: at(25 * 3600_000) },
      { bucket: 'sign_in_account', key: 'recent@example.com', at: at(23 * 3600_000) },
      { bucket: 'bad_link_token', key: '192.0.2.1', at: at(10 * 60_000) },
    ]);
    await schedulerTick(ctx.deps);
    const left = await db.select().from(rateLimitEvents).where(and(eq(rateLimitEvents.bucket, 'sign_in_account'), eq(rateLimitEvents.key, 'old@example.com')));
    expect(left).toHaveLength(0);
    const kept = await db.select({ key: rateLimitEvents.key }).from(rateLimitEvents);
    expect(kept.map((r) => r.key)).toEqual(expect.arrayContaining(['recent@example.com', '192.0.2.1']));
  });
});

describe('the audit log', () => {
  it('records signing in and out, through the API and through the sign-in page', async () => {
    const user = await ctx.createUser('account_manager');
    const from = newAddress();
    const api = new TestClient(ctx.app, { origin: 'http://localhost:3000', 'x-forwarded-for': from });
    expect((await api.post('/api/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(200);
    expect((await api.post('/api/auth/logout')).status).toBe(204);

    const browser = new TestClient(ctx.app, { origin: 'http://localhost:3000', 'x-forwarded-for': from });
    const form = (fields: Record<string, string>) => ({
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((await browser.request('POST', '/signin', form({ email: user.email, password: 'not it', next: '/' }))).status).toBe(401);
    expect((await browser.request('POST', '/signin', form({ email: user.email, password: TEST_PASSWORD, next: '/' }))).status).toBe(303);
    expect((await browser.request('POST', '/signout', form({}))).status).toBe(303);

    const entries = await auditFor(user.email);
    expect(entries.map((e) => [e.action, e.via, e.ip])).toEqual([
      ['auth.sign_in', 'session', from],
      ['auth.sign_out', 'session', from],
      ['auth.sign_in_failed', 'anonymous', from],
      ['auth.sign_in', 'session', from],
      ['auth.sign_out', 'session', from],
    ]);
    expect(entries.every((e) => e.actorId === user.id)).toBe(true);
    expect(entries[2]!.details).toEqual({ reason: 'wrong_password' });
    expect(entries[1]!.targetType).toBe('session');

    // A disabled account answers like a wrong password; the log says why.
    await ctx.database.db.update(users).set({ disabled: true }).where(eq(users.id, user.id));
    expect((await login(user.email, TEST_PASSWORD, from)).status).toBe(401);
    expect((await auditFor(user.email)).at(-1)!.details).toEqual({ reason: 'disabled' });
  });
});
