import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestContext, ORIGIN, TEST_PASSWORD, type TestContext } from '../helpers/test-app.js';
import { CookieBrowser } from '../helpers/cookie-browser.js';
import { freeLoopbackPort, startTestIdp, type TestIdp, type TestPerson } from '../helpers/test-idp.js';
import { createApp, type App } from '../../src/server/app.js';
import type { Config } from '../../src/server/config.js';
import { auditLog, userIdentities, users } from '../../src/server/db/schema/index.js';
import { findUserByEmail, updateUserRow } from '../../src/server/db/queries/users.js';

// Single sign-on against a real OpenID provider (oidc-provider) listening on a loopback port in this process.
// The "browser" follows the redirects by hand and keeps each site's cookies; Keypulse answers in-process.

const CALLBACK = `${ORIGIN}/auth/oidc/callback`;
const APP_HOST = new URL(ORIGIN).host;

const people: TestPerson[] = [
  { sub: 'ana-1', email: 'Ana@Example.com', email_verified: true, name: 'Ana at the IdP' },
  { sub: 'ana-2', email: 'ana@example.com', email_verified: true, name: 'A newcomer given Ana’s address' },
  { sub: 'ben-1', email: 'ben@example.com', email_verified: false },
  { sub: 'cleo-1', email: 'cleo@newco.example', email_verified: true, name: 'Cleo Novak' },
  { sub: 'dan-1', email: 'dan@example.com', email_verified: true },
  { sub: 'eve-1', email: 'eve@elsewhere.example', email_verified: true },
  { sub: 'fay-1', email: 'fay@example.com', xms_edov: true },
  { sub: 'gus-1', email: 'gus@example.com', email_verified: false, xms_edov: true },
  { sub: 'hal-1', email_verified: true },
  { sub: 'ida-1', email: 'ida@example.com', email_verified: true },
  { sub: 'jon-1', email: 'jon@example.com', email_verified: true },
];

let ctx: TestContext;
let idp: TestIdp;

function oidcConfig(provider: { issuer: string; clientId: string; clientSecret: string }): Config['oidc'] {
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    name: 'Example Co',
    allowedDomains: ['newco.example'],
    defaultRole: 'executive',
  };
}

beforeAll(async () => {
  idp = await startTestIdp({ people, redirectUri: CALLBACK });
  ctx = await createTestContext({ oidc: oidcConfig(idp) });
});
afterAll(async () => {
  await ctx?.close();
  await idp?.close();
});

/** The same database and clock with other settings (password sign-in off, another provider). */
function appWith(overrides: Partial<Config>): App {
  return createApp({ ...ctx.deps, config: { ...ctx.deps.config, ...overrides } });
}

function newBrowser(app: App = ctx.app) {
  return new CookieBrowser((url) => (url.origin === ORIGIN ? (u, init) => app.request(u, init) : fetch));
}

/**
 * Starts single sign-on at Keypulse and signs in at the provider as `sub`; returns the callback address the
 * provider sends the browser back to (not yet visited), and the flow cookie Keypulse set for it.
 */
async function signInAtProvider(browser: CookieBrowser, sub: string, returnTo = '/accounts') {
  const start = await browser.request(`${ORIGIN}/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(302);
  let url = new URL(start.headers.get('location')!);
  for (let step = 0; step < 10; step++) {
    if (url.href.startsWith(CALLBACK)) return { callback: url, flowCookie: browser.cookie(APP_HOST, 'kp_oidc')! };
    const res = await browser.request(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
    } else if (res.status === 200 && url.pathname.startsWith('/interaction/')) {
      // oidc-provider's development sign-in form: the login name is the account id.
      const posted = await browser.request(url, { method: 'POST', body: new URLSearchParams({ prompt: 'login', login: sub, password: 'any' }) });
      expect(posted.status).toBeLessThan(400);
      url = new URL(posted.headers.get('location')!, url);
    } else {
      throw new Error(`unexpected ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`);
    }
  }
  throw new Error('the provider never sent the browser back');
}

/** The whole round trip; returns Keypulse's answer to the callback. */
async function ssoSignIn(sub: string, browser = newBrowser(), returnTo?: string) {
  const { callback } = await signInAtProvider(browser, sub, returnTo);
  const res = await browser.request(callback);
  return { res, browser, location: res.headers.get('location') ?? '' };
}

async function me(browser: CookieBrowser) {
  return browser.request(`${ORIGIN}/api/me`);
}

async function auditEntries(action: string) {
  return ctx.database.db.select().from(auditLog).where(eq(auditLog.action, action));
}

async function lastFailure() {
  const rows = await auditEntries('auth.sso_sign_in_failed');
  return rows.sort((a, b) => a.id - b.id).at(-1);
}

describe('signing in with the company identity provider', () => {
  it('signs in a user matched by verified email (any case), links the identity and records it', async () => {
    const ana = await ctx.createUser('account_manager', { email: 'ana@example.com', name: 'Ana' });
    const { res, browser, location } = await ssoSignIn('ana-1', newBrowser(), '/accounts?stage=customer');
    expect(res.status).toBe(303);
    expect(location).toBe('/accounts?stage=customer');
    expect(browser.cookie(APP_HOST, 'kp_oidc')).toBeUndefined(); // single use

    const session = await me(browser);
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { id: ana.id, email: 'ana@example.com', role: 'account_manager' } });

    const links = await ctx.database.db.select().from(userIdentities).where(eq(userIdentities.userId, ana.id));
    expect(links).toEqual([expect.objectContaining({ issuer: idp.issuer, subject: 'ana-1' })]);
    const [entry] = (await auditEntries('auth.sso_sign_in')).filter((e) => e.actorId === ana.id);
    expect(entry).toMatchObject({ via: 'oidc', actorEmail: 'ana@example.com', targetType: 'user', targetId: ana.id, details: { matchedBy: 'email' } });
  });

  it('finds a linked user by their identity even after their email changed in Keypulse', async () => {
    const ana = (await findUserByEmail(ctx.database.db, 'ana@example.com'))!;
    await updateUserRow(ctx.database.db, ana.id, { email: 'ana.renamed@example.com' }, ctx.clock.now());
    try {
      const { res, browser } = await ssoSignIn('ana-1');
      expect(res.status).toBe(303);
      expect(await (await me(browser)).json()).toMatchObject({ user: { id: ana.id } });
      const entries = (await auditEntries('auth.sso_sign_in')).filter((e) => e.actorId === ana.id);
      expect(entries.at(-1)!.details).toEqual({ matchedBy: 'identity' });
    } finally {
      await updateUserRow(ctx.database.db, ana.id, { email: 'ana@example.com' }, ctx.clock.now());
    }
  });

  it('does not hand an account linked to one person at the provider to another with the same address', async () => {
    const { location, browser } = await ssoSignIn('ana-2');
    expect(location).toBe('/signin?error=identity_mismatch&next=%2Faccounts');
    expect((await me(browser)).status).toBe(401);
  });

  it('sends PKCE (S256), state and nonce, and keeps them in a short-lived HttpOnly cookie only the callback receives', async () => {
    const browser = newBrowser();
    const start = await browser.request(`${ORIGIN}/auth/oidc/start?returnTo=%2F`);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin).toBe(idp.issuer);
    expect(start.headers.get('cache-control')).toBe('no-store');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(authorize.searchParams.get('scope')).toBe('openid email profile');
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('kp_oidc='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/auth\/oidc\/callback/);
    expect(cookie).toMatch(/Max-Age=600/);
    // The verifier itself never leaves for the provider.
    expect(authorize.href).not.toContain(JSON.parse(Buffer.from(cookie.split(/[=;]/)[1]!, 'base64url').toString()).codeVerifier);
  });

  it('returns only to paths on this site', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const { location } = await ssoSignIn('ana-1', newBrowser(), returnTo);
      expect(location).toBe('/');
    }
  });
});

describe('refusals go back to the sign-in page with a reason, and open no session', () => {
  it('refuses an answer whose state does not match the one this browser started with', async () => {
    await ctx.createUser('account_manager', { email: 'dan@example.com', name: 'Dan' });
    const browser = newBrowser();
    const { callback } = await signInAtProvider(browser, 'dan-1');
    // A genuine code and this browser's own verifier and nonce: only the state is someone else's.
    callback.searchParams.set('state', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    const res = await browser.request(callback);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/signin?error=state_mismatch&next=%2Faccounts');
    expect(browser.cookie(APP_HOST, 'kp_session')).toBeUndefined();
    expect((await me(browser)).status).toBe(401);
    expect(await lastFailure()).toMatchObject({ via: 'oidc', actorId: null, details: { reason: 'state_mismatch' } });
  });

  it('refuses a replayed callback: the provider redeems a code once', async () => {
    const browser = newBrowser();
    const { callback, flowCookie } = await signInAtProvider(browser, 'dan-1');
    const first = await browser.request(callback);
    expect(first.headers.get('location')).toBe('/accounts');

    // Someone who saw the whole exchange (address and cookie) tries it again from another browser.
    const replayer = newBrowser();
    replayer.restore(flowCookie);
    const again = await replayer.request(callback);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/signin?error=invalid_code&next=%2Faccounts');
    expect(replayer.cookie(APP_HOST, 'kp_session')).toBeUndefined();
    expect(await lastFailure()).toMatchObject({ details: { reason: 'invalid_code', error: 'invalid_grant' } });

    // The same address again in the first browser: its flow cookie is gone.
    const reload = await browser.request(callback);
    expect(reload.headers.get('location')).toBe('/signin?error=expired');
  });

  it('refuses a code redeemed with another verifier (PKCE) or an ID token for another nonce', async () => {
    for (const [field, reason] of [
      ['codeVerifier', 'invalid_code'],
      ['nonce', 'invalid_response'],
    ] as const) {
      const browser = newBrowser();
      const { callback, flowCookie } = await signInAtProvider(browser, 'dan-1');
      const flow = JSON.parse(Buffer.from(flowCookie.value, 'base64url').toString());
      flow[field] = 'b'.repeat(43);
      browser.restore({ ...flowCookie, value: Buffer.from(JSON.stringify(flow)).toString('base64url') });
      const res = await browser.request(callback);
      expect(res.headers.get('location')).toBe(`/signin?error=${reason}&next=%2Faccounts`);
      expect(browser.cookie(APP_HOST, 'kp_session')).toBeUndefined();
    }
  });

  it('goes back to the sign-in page when the person cancels at the provider', async () => {
    const browser = newBrowser();
    const start = await browser.request(`${ORIGIN}/auth/oidc/start`);
    let url = new URL(start.headers.get('location')!);
    while (!url.pathname.startsWith('/interaction/')) url = new URL((await browser.request(url)).headers.get('location')!, url);
    url = new URL(`${url.pathname}/abort`, url);
    while (!url.href.startsWith(CALLBACK)) url = new URL((await browser.request(url)).headers.get('location')!, url);
    expect(url.searchParams.get('error')).toBe('access_denied');
    const res = await browser.request(url);
    expect(res.headers.get('location')).toBe('/signin?error=provider_denied');
    expect(await lastFailure()).toMatchObject({ details: { reason: 'provider_denied', error: 'access_denied' } });
  });

  it('refuses an email the provider does not say is verified', async () => {
    await ctx.createUser('admin', { email: 'ben@example.com', name: 'Ben' });
    const { location, browser } = await ssoSignIn('ben-1');
    expect(location).toBe('/signin?error=email_unverified&next=%2Faccounts');
    expect((await me(browser)).status).toBe(401);
    expect(await lastFailure()).toMatchObject({ actorId: null, details: { reason: 'email_unverified', email: 'ben@example.com' } });
    const ben = (await findUserByEmail(ctx.database.db, 'ben@example.com'))!;
    expect(await ctx.database.db.select().from(userIdentities).where(eq(userIdentities.userId, ben.id))).toEqual([]);
  });

  it('accepts Entra ID’s xms_edov only where email_verified is absent', async () => {
    await ctx.createUser('account_manager', { email: 'fay@example.com', name: 'Fay' });
    await ctx.createUser('account_manager', { email: 'gus@example.com', name: 'Gus' });
    expect((await ssoSignIn('fay-1')).location).toBe('/accounts');
    expect((await ssoSignIn('gus-1')).location).toBe('/signin?error=email_unverified&next=%2Faccounts');
  });

  it('refuses an identity without an email address', async () => {
    expect((await ssoSignIn('hal-1')).location).toBe('/signin?error=email_missing&next=%2Faccounts');
  });

  it('refuses an unknown person outside the allowed domains, creating nobody', async () => {
    const { location } = await ssoSignIn('eve-1');
    expect(location).toBe('/signin?error=domain_not_allowed&next=%2Faccounts');
    expect(await findUserByEmail(ctx.database.db, 'eve@elsewhere.example')).toBeUndefined();
    expect(await lastFailure()).toMatchObject({ details: { reason: 'domain_not_allowed', email: 'eve@elsewhere.example' } });
  });

  it('refuses a disabled user, by email or by linked identity', async () => {
    const ida = await ctx.createUser('account_manager', { email: 'ida@example.com', name: 'Ida' });
    expect((await ssoSignIn('ida-1')).location).toBe('/accounts'); // linked now
    await updateUserRow(ctx.database.db, ida.id, { disabled: true }, ctx.clock.now());
    const { location, browser } = await ssoSignIn('ida-1');
    expect(location).toBe('/signin?error=user_disabled&next=%2Faccounts');
    expect((await me(browser)).status).toBe(401);
    expect(await lastFailure()).toMatchObject({ actorId: ida.id, targetId: ida.id, details: { reason: 'user_disabled' } });

    const jon = await ctx.createUser('admin', { email: 'jon@example.com', name: 'Jon' });
    await updateUserRow(ctx.database.db, jon.id, { disabled: true }, ctx.clock.now());
    expect((await ssoSignIn('jon-1')).location).toBe('/signin?error=user_disabled&next=%2Faccounts');
    expect(await ctx.database.db.select().from(userIdentities).where(eq(userIdentities.userId, jon.id))).toEqual([]);
  });

  it('says why on the sign-in page, and only in its own words', async () => {
    const page = await ctx.anonymous().get('/signin?error=email_unverified');
    expect(page.status).toBe(200);
    expect(page.text).toContain('does not confirm that your email address is verified');
    const forged = await ctx.anonymous().get('/signin?error=%3Cscript%3Ealert(1)%3C/script%3E');
    expect(forged.text).not.toContain('alert(1)');
    expect(forged.text).not.toContain('role="alert"');
  });

  it('sends the browser back with a message when the provider cannot be reached, and tries again later', async () => {
    const port = await freeLoopbackPort();
    const down = { issuer: `http://127.0.0.1:${port}`, clientId: 'keypulse-test', clientSecret: 'x'.repeat(32) };
    const app = appWith({ oidc: oidcConfig(down) });
    const browser = newBrowser(app);
    const res = await browser.request(`${ORIGIN}/auth/oidc/start?returnTo=%2Ftasks`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/signin?error=provider_unreachable&next=%2Ftasks');
    expect(await lastFailure()).toMatchObject({ details: { reason: 'provider_unreachable' } });

    // The provider comes up on that address: discovery is not stuck on its failure.
    const late = await startTestIdp({ people, redirectUri: CALLBACK, port });
    try {
      const retry = await newBrowser(createApp({ ...ctx.deps, config: { ...ctx.deps.config, oidc: oidcConfig(late) } })).request(
        `${ORIGIN}/auth/oidc/start`,
      );
      expect(retry.status).toBe(302);
      expect(retry.headers.get('location')).toMatch(new RegExp(`^${late.issuer}/auth\\?`));
    } finally {
      await late.close();
    }
  });

  it('refuses a callback without the flow cookie', async () => {
    const res = await newBrowser().request(`${CALLBACK}?code=abc&state=def`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/signin?error=expired');
  });
});

describe('accounts made at first sign-in', () => {
  it('creates a user in an allowed domain with the default role and no usable password', async () => {
    const { res, browser, location } = await ssoSignIn('cleo-1');
    expect(res.status).toBe(303);
    expect(location).toBe('/accounts');
    const cleo = (await findUserByEmail(ctx.database.db, 'cleo@newco.example'))!;
    expect(cleo).toMatchObject({ name: 'Cleo Novak', role: 'executive', disabled: false });
    expect(await (await me(browser)).json()).toMatchObject({ user: { id: cleo.id, role: 'executive' } });

    const [created] = (await auditEntries('user.created')).filter((e) => e.targetId === cleo.id);
    expect(created).toMatchObject({ via: 'oidc', actorId: cleo.id, details: { via: 'oidc', role: 'executive' } });
    const linked = await ctx.database.db
      .select()
      .from(userIdentities)
      .where(and(eq(userIdentities.userId, cleo.id), eq(userIdentities.subject, 'cleo-1')));
    expect(linked).toHaveLength(1);

    // No password opens the account: not even the stored marker itself.
    for (const password of [cleo.passwordHash, TEST_PASSWORD]) {
      const res = await ctx.anonymous().post('/api/auth/login', { email: 'cleo@newco.example', password });
      expect(res.status).toBe(401);
    }

    // The second sign-in finds the same user.
    await ssoSignIn('cleo-1');
    expect(await ctx.database.db.select().from(users).where(eq(users.email, 'cleo@newco.example'))).toHaveLength(1);
  });
});

describe('password sign-in turned off', () => {
  it('refuses the API login and the sign-in form with 403, and the page offers only single sign-on', async () => {
    const user = await ctx.createUser('admin');
    const app = appWith({ passwordLogin: false });
    const api = await app.request(`${ORIGIN}/api/auth/login`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
    });
    expect(api.status).toBe(403);
    expect((await api.json()).error.message).toMatch(/password sign-in is turned off/);
    expect(api.headers.get('set-cookie')).toBeNull();

    const form = await app.request(`${ORIGIN}/signin`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: user.email, password: TEST_PASSWORD, next: '/' }),
    });
    expect(form.status).toBe(403);
    expect(await form.text()).toContain('Password sign-in is turned off');
    expect(form.headers.get('set-cookie')).toBeNull();

    const page = await (await app.request(`${ORIGIN}/signin?next=%2Ftasks`)).text();
    expect(page).toContain('href="/auth/oidc/start?returnTo=%2Ftasks"');
    expect(page).toContain('Sign in with Example Co');
    expect(page).not.toContain('type="password"');

    // With it on, both are offered.
    const both = await (await ctx.app.request(`${ORIGIN}/signin`)).text();
    expect(both).toContain('Sign in with Example Co');
    expect(both).toContain('type="password"');
  });

  it('has no SSO pages when no provider is configured', async () => {
    const app = appWith({ oidc: null });
    expect((await app.request(`${ORIGIN}/auth/oidc/start`)).status).toBe(404);
    expect(await (await app.request(`${ORIGIN}/signin`)).text()).not.toContain('/auth/oidc/start');
  });
});
