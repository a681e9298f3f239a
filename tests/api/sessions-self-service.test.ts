import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestContext, ORIGIN, TEST_PASSWORD, TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { auditLog, sessions } from '../../src/server/db/schema/index.js';
import { describeDevice } from '../../src/server/domain/device.js';

let ctx: TestContext;
beforeAll(async () => {
  // One trusted proxy hop, so each "device" can come from an address of its own (X-Forwarded-For).
  ctx = await createTestContext({ trustProxy: '1' });
});
afterAll(() => ctx.close());

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const DAY = 86_400_000;

/** Signs in from a browser at an address, as a person on that device would. */
async function signInFrom(user: TestUser, userAgent: string, address: string) {
  const client = new TestClient(ctx.app, { origin: ORIGIN, 'user-agent': userAgent, 'x-forwarded-for': address });
  const res = await client.post('/api/auth/login', { email: user.email, password: TEST_PASSWORD });
  expect(res.status).toBe(200);
  return { client, res };
}

const maxAge = (res: { headers: Headers }) => Number(/Max-Age=(\d+)/i.exec(res.headers.get('set-cookie') ?? '')?.[1]);

describe('your sessions', () => {
  it('lists where you are signed in: device, address, when, and which one is this device', async () => {
    const user = await ctx.createUser('account_manager');
    const { client: laptop } = await signInFrom(user, CHROME_LINUX, '203.0.113.7');
    ctx.clock.advance(5 * 60_000);
    await signInFrom(user, FIREFOX_WINDOWS, '198.51.100.20');
    await ctx.signIn('account_manager'); // someone else's session is not in the list

    const res = await laptop.get('/api/me/sessions');
    expect(res.status).toBe(200);
    const list = res.body.data;
    expect(list).toHaveLength(2);
    const byDevice = Object.fromEntries(list.map((s: any) => [s.device, s]));
    expect(byDevice['Chrome on Linux']).toMatchObject({ address: '203.0.113.7', current: true });
    expect(byDevice['Firefox on Windows']).toMatchObject({ address: '198.51.100.20', current: false });
    expect(new Date(byDevice['Firefox on Windows'].createdAt).getTime() - new Date(byDevice['Chrome on Linux'].createdAt).getTime()).toBe(5 * 60_000);
    // No token or hash is ever shown.
    expect(Object.keys(list[0]).sort()).toEqual(['address', 'createdAt', 'current', 'device', 'id', 'lastUsedAt']);
  });

  it('keeps "last used" fresh to the minute', async () => {
    const user = await ctx.createUser('executive');
    const { client: phone } = await signInFrom(user, SAFARI_IPHONE, '192.0.2.44');
    const { client: laptop } = await signInFrom(user, CHROME_LINUX, '192.0.2.45');
    const opened = ctx.clock.now();
    ctx.clock.advance(10 * 60_000);
    expect((await phone.get('/api/me')).status).toBe(200);
    const list = (await laptop.get('/api/me/sessions')).body.data;
    const iphone = list.find((s: any) => s.device === 'Safari on iPhone');
    expect(iphone.lastUsedAt).toBe(ctx.clock.now().toISOString());
    expect(iphone.createdAt).toBe(opened.toISOString());
  });

  it('signs out one of your own sessions', async () => {
    const user = await ctx.createUser('account_manager');
    const { client: laptop } = await signInFrom(user, CHROME_LINUX, '203.0.113.8');
    const { client: lost } = await signInFrom(user, FIREFOX_WINDOWS, '203.0.113.9');
    const lostId = (await laptop.get('/api/me/sessions')).body.data.find((s: any) => !s.current).id;

    expect((await laptop.delete(`/api/me/sessions/${lostId}`)).status).toBe(204);
    expect((await lost.get('/api/me')).status).toBe(401);
    expect((await laptop.get('/api/me')).status).toBe(200);
    expect((await laptop.get('/api/me/sessions')).body.data).toHaveLength(1);
    const [entry] = await ctx.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'auth.session_revoked'), eq(auditLog.targetId, lostId)));
    expect(entry).toMatchObject({ actorId: user.id, targetType: 'session' });
    // Gone is gone.
    expect((await laptop.delete(`/api/me/sessions/${lostId}`)).status).toBe(404);
  });

  it("another person's session is a 404 and stays signed in", async () => {
    const mallory = await ctx.signIn('account_manager');
    const victim = await ctx.createUser('admin');
    const { client: victimLaptop } = await signInFrom(victim, CHROME_LINUX, '203.0.113.10');
    const victimSessionId = (await victimLaptop.get('/api/me/sessions')).body.data[0].id;

    const res = await mallory.delete(`/api/me/sessions/${victimSessionId}`);
    expect(res.status).toBe(404);
    expect((await victimLaptop.get('/api/me')).status).toBe(200);
    expect((await mallory.delete('/api/me/sessions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await mallory.delete('/api/me/sessions/not-a-uuid')).status).toBe(400);
    expect((await ctx.anonymous().get('/api/me/sessions')).status).toBe(401);
    expect((await ctx.anonymous().delete(`/api/me/sessions/${victimSessionId}`)).status).toBe(401);
  });

  it('signing out this device from the list ends it and clears the cookie', async () => {
    const user = await ctx.createUser('account_manager');
    const { client } = await signInFrom(user, CHROME_LINUX, '203.0.113.11');
    const current = (await client.get('/api/me/sessions')).body.data[0];
    const res = await client.delete(`/api/me/sessions/${current.id}`);
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/kp_session=;|Max-Age=0/i);
    expect((await client.get('/api/me')).status).toBe(401);
  });
});

describe('session lifetimes', () => {
  it('a session in daily use still ends 30 days after sign-in, and the cookie never outlives it', async () => {
    const user = await ctx.createUser('account_manager');
    const { client, res } = await signInFrom(user, CHROME_LINUX, '203.0.113.12');
    // A new session's cookie lasts as long as the idle lifetime (7 days), which is shorter than 30 days.
    expect(maxAge(res)).toBe(7 * 24 * 3600);

    const signedInAt = ctx.clock.now().getTime();
    const end = signedInAt + 30 * DAY;
    const cookieLives: number[] = [];
    for (let day = 3; day < 30; day += 3) {
      ctx.clock.set(new Date(signedInAt + day * DAY).toISOString());
      const used = await client.get('/api/me');
      expect(used.status, `day ${day}`).toBe(200);
      if (used.headers.get('set-cookie')) {
        // Each extension hands the browser a cookie that ends with the session, never after its absolute end.
        expect(maxAge(used) * 1000).toBeLessThanOrEqual(end - ctx.clock.now().getTime());
        cookieLives.push(ctx.clock.now().getTime() + maxAge(used) * 1000);
      }
    }
    // Extended about once a week; the last extension (day 24) reaches exactly day 30, not day 31.
    expect(cookieLives.length).toBeGreaterThanOrEqual(3);
    expect(cookieLives.at(-1)).toBe(end);
    ctx.clock.set(new Date(end - 60_000).toISOString());
    expect((await client.get('/api/me')).status).toBe(200);
    ctx.clock.set(new Date(end + 1000).toISOString());
    expect((await client.get('/api/me')).status).toBe(401);
    // A fresh sign-in works as always.
    expect((await signInFrom(user, CHROME_LINUX, '203.0.113.12')).res.status).toBe(200);
  });

  it('a session opened before the absolute lifetime existed (its expiry far off) ends 30 days after sign-in too', async () => {
    const user = await ctx.createUser('executive');
    const { client } = await signInFrom(user, FIREFOX_WINDOWS, '203.0.113.14');
    const [row] = await ctx.database.db.select().from(sessions).where(eq(sessions.userId, user.id));
    await ctx.database.db.update(sessions).set({ expiresAt: new Date(row!.createdAt.getTime() + 365 * DAY) }).where(eq(sessions.id, row!.id));
    ctx.clock.set(new Date(row!.createdAt.getTime() + 30 * DAY - 60_000).toISOString());
    expect((await client.get('/api/me')).status).toBe(200);
    ctx.clock.set(new Date(row!.createdAt.getTime() + 30 * DAY + 1000).toISOString());
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('an unused session ends after the idle lifetime (7 days)', async () => {
    const user = await ctx.createUser('executive');
    const { client } = await signInFrom(user, FIREFOX_WINDOWS, '203.0.113.13');
    ctx.clock.advance(7 * DAY - 60_000);
    expect((await client.get('/api/me')).status).toBe(200);
    ctx.clock.advance(7 * DAY + 1000);
    expect((await client.get('/api/me')).status).toBe(401);
  });
});

describe('device names', () => {
  it('reads common browsers and systems, and says so when it cannot', () => {
    expect(describeDevice(CHROME_LINUX)).toBe('Chrome on Linux');
    expect(describeDevice(FIREFOX_WINDOWS)).toBe('Firefox on Windows');
    expect(describeDevice(SAFARI_IPHONE)).toBe('Safari on iPhone');
    expect(
      describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0'),
    ).toBe('Edge on Windows');
    expect(describeDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15')).toBe('Safari on macOS');
    expect(describeDevice('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36')).toBe('Chrome on Android');
    expect(describeDevice('curl/8.5.0')).toBe('curl');
    expect(describeDevice(null)).toBe('Unknown device');
    expect(describeDevice('')).toBe('Unknown device');
  });
});
