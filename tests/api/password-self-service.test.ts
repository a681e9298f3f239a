import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { createTestContext, ORIGIN, TEST_PASSWORD, TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { auditLog, messages, passwordResets } from '../../src/server/db/schema/index.js';
import { handlePasswordResetRequest } from '../../src/server/jobs/password-reset-request.js';
import { hashToken } from '../../src/server/auth/tokens.js';
import { openSession } from '../../src/server/services/open-session.js';
import { SESSION_COOKIE } from '../../src/server/http/auth.js';
import { issuePasswordReset } from '../../src/server/services/password-reset.js';
import { sendEmails } from '../../src/server/jobs/send-emails.js';
import type { EmailTransport } from '../../src/server/email/transport.js';

let ctx: TestContext;
beforeAll(async () => {
  // One trusted proxy hop, so each test can come from an address of its own (X-Forwarded-For).
  ctx = await createTestContext({ trustProxy: '1' });
});
afterAll(() => ctx.close());

const NEW_PASSWORD = 'otters juggle quietly at dawn';
const paths = (res: { body: any }) => (res.body.error?.issues ?? []).map((i: { path: string }) => i.path);
const login = (email: string, password: string) => ctx.anonymous().post('/api/auth/login', { email, password });

let addressCounter = 0;
/** A visitor from an address no other test uses (the reset limits count per address). */
function visitor(context: TestContext = ctx) {
  addressCounter++;
  return new TestClient(context.app, { origin: ORIGIN, 'x-forwarded-for': `198.51.100.${addressCounter}` });
}

/** Same cookie, fresh client: what a second device holding that session would send. */
function replay(cookie: string | null, context: TestContext = ctx) {
  const client = new TestClient(context.app);
  client.cookie = cookie;
  return client;
}

/** The password emails sent to this address, oldest first. */
async function resetEmails(to: string, context: TestContext = ctx) {
  return context.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.toAddress, to), eq(messages.purpose, 'password_reset')))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/** The token in an email's link, as the person clicking it would take it. */
function tokenIn(email: { text: string | null; html: string | null }): string {
  const match = /\/reset-password\?token=([\w-]+)/.exec(email.text ?? '');
  if (!match) throw new Error(`no reset link in: ${email.text}`);
  expect(email.html).toContain(`/reset-password?token=${match[1]}`);
  return match[1]!;
}

async function auditActions(targetId: string, context: TestContext = ctx) {
  const rows = await context.database.db.select().from(auditLog).where(eq(auditLog.targetId, targetId)).orderBy(asc(auditLog.id));
  return rows.map((r) => r.action);
}

/** Asks for a link as a signed-out visitor would, lets the queue send it, and returns its token. */
async function requestLink(user: TestUser, context: TestContext = ctx): Promise<string> {
  const before = (await resetEmails(user.email, context)).length;
  expect((await visitor(context).post('/api/auth/password-reset', { email: user.email })).status).toBe(202);
  await context.runJobs();
  const emails = await resetEmails(user.email, context);
  expect(emails).toHaveLength(before + 1);
  return tokenIn(emails.at(-1)!);
}

const confirm = (token: string, password = NEW_PASSWORD) => visitor().post('/api/auth/password-reset/confirm', { token, password });

describe('changing your own password', () => {
  it('refuses a wrong current password with a clear message, changing nothing', async () => {
    const me = await ctx.signIn('account_manager');
    const res = await me.post('/api/me/password', { currentPassword: 'not my password at all', newPassword: NEW_PASSWORD });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['currentPassword']);
    expect(res.body.error.message).toContain('is not your current password');
    expect((await login(me.user.email, TEST_PASSWORD)).status).toBe(200);
    expect((await login(me.user.email, NEW_PASSWORD)).status).toBe(401);
  });

  it('cannot be used to guess the current password: after 5 wrong ones even the right one waits', async () => {
    const me = await ctx.signIn('account_manager');
    for (let i = 0; i < 5; i++) {
      expect((await me.post('/api/me/password', { currentPassword: `guess number ${i}`, newPassword: NEW_PASSWORD })).status).toBe(400);
    }
    const limited = await me.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login(me.user.email, NEW_PASSWORD)).status).toBe(401);
    // The window passes; the right password works again.
    ctx.clock.advance(ctx.deps.config.loginThrottle.windowMs + 1000);
    expect((await me.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(204);
  });

  it('signs out the other sessions, keeps this one, and only the new password works', async () => {
    const user = await ctx.createUser('executive');
    const laptop = await ctx.signIn(user);
    const phone = await ctx.signIn(user);
    const tablet = await ctx.signIn(user);
    const res = await laptop.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(204);

    expect((await laptop.get('/api/me')).status).toBe(200);
    expect((await replay(phone.cookie).get('/api/me')).status).toBe(401);
    expect((await replay(tablet.cookie).get('/api/me')).status).toBe(401);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);

    const [entry] = (await ctx.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, user.id), eq(auditLog.action, 'auth.password_changed'))));
    expect(entry).toMatchObject({ actorId: user.id, via: 'session', details: { otherSessionsEnded: 2 } });
    expect(JSON.stringify(entry)).not.toContain(NEW_PASSWORD);
  });

  it('follows NIST 800-63B: 12 characters at least, no common passwords, any long passphrase', async () => {
    const me = await ctx.signIn('account_manager');
    const attempt = (newPassword: string) => me.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword });

    const eleven = await attempt('abcdefghijk');
    expect(eleven.status).toBe(400);
    expect(eleven.body.error.issues).toEqual([{ path: 'newPassword', message: 'must be at least 12 characters' }]);

    const common = await attempt('password1234');
    expect(common.status).toBe(400);
    expect(common.body.error.issues).toEqual([{ path: 'newPassword', message: 'is on a list of common passwords: choose another' }]);
    expect(common.body.error.message).toBe('newPassword is on a list of common passwords: choose another');
    // Case does not make a common password rare.
    expect((await attempt('QWERTY123456')).status).toBe(400);
    // Nor do digits and symbols stuck on a common word.
    expect(paths(await attempt('sunshine2024!!'))).toEqual(['newPassword']);
    // A password made of the email is the first guess there is.
    expect((await attempt(me.user.email)).body.error.issues[0].message).toBe('is made from your email address: choose another');

    // No composition rules: lower-case words and spaces are fine when long and uncommon.
    expect((await attempt('purple elephants read newspapers')).status).toBe(204);
  });

  it('is for browser sessions: signed out it is 401', async () => {
    const res = await ctx.anonymous().post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(401);
  });
});

describe('forgot password', () => {
  it('answers 202 with the same body for a known and an unknown email; only the known one gets one email', async () => {
    const user = await ctx.createUser('account_manager');
    const known = await visitor().post('/api/auth/password-reset', { email: user.email.toUpperCase() });
    const unknown = await visitor().post('/api/auth/password-reset', { email: 'nobody.here@example.com' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.text).toBe(unknown.text);
    expect(known.body.message).toMatch(/^If an account exists for this email/);

    // Nothing is decided before the answer: the queue does it.
    expect(await resetEmails(user.email)).toHaveLength(0);
    await ctx.runJobs();
    const emails = await resetEmails(user.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ status: 'sent', subject: 'Reset your Keypulse password' });
    expect(await resetEmails('nobody.here@example.com')).toHaveLength(0);

    // Only the token's hash is stored, and the link lasts 60 minutes.
    const token = tokenIn(emails[0]!);
    const [reset] = await ctx.database.db.select().from(passwordResets).where(eq(passwordResets.userId, user.id));
    expect(reset!.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(reset)).not.toContain(token);
    expect(reset!.expiresAt.getTime() - reset!.createdAt.getTime()).toBe(60 * 60_000);
    expect(await auditActions(user.id)).toContain('auth.password_reset_requested');
  });

  it('sends the email once even when the job runs twice', async () => {
    const user = await ctx.createUser('account_manager');
    const data = { resetId: crypto.randomUUID(), email: user.email, ip: '192.0.2.1' };
    await handlePasswordResetRequest(ctx.deps, data);
    await handlePasswordResetRequest(ctx.deps, data);
    await ctx.runJobs();
    expect(await resetEmails(user.email)).toHaveLength(1);
    expect(await ctx.database.db.select().from(passwordResets).where(eq(passwordResets.userId, user.id))).toHaveLength(1);
  });

  it('the link sets a new password once, ends every session and voids the other links', async () => {
    const user = await ctx.createUser('executive');
    const laptop = await ctx.signIn(user);
    const phone = await ctx.signIn(user);
    const older = await requestLink(user);
    const token = await requestLink(user);

    expect((await confirm(token)).status).toBe(204);
    expect((await replay(laptop.cookie).get('/api/me')).status).toBe(401);
    expect((await replay(phone.cookie).get('/api/me')).status).toBe(401);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);

    const twice = await confirm(token, 'another fine passphrase here');
    expect(twice.status).toBe(400);
    expect(twice.body.error.issues).toEqual([{ path: 'token', message: 'is invalid, expired or already used: ask for a new link' }]);
    expect((await confirm(older, 'another fine passphrase here')).status).toBe(400);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    expect(await auditActions(user.id)).toContain('auth.password_reset');
  });

  it('two submissions of one link at once: exactly one succeeds', async () => {
    const user = await ctx.createUser('account_manager');
    const token = await requestLink(user);
    const results = await Promise.all([confirm(token, 'first tab passphrase wins'), confirm(token, 'second tab passphrase loses')]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
  });

  it('refuses a common new password without using the link up', async () => {
    const user = await ctx.createUser('account_manager');
    const token = await requestLink(user);
    const weak = await confirm(token, 'iloveyou1234');
    expect(weak.status).toBe(400);
    expect(paths(weak)).toEqual(['password']);
    expect((await confirm(token)).status).toBe(204);
  });

  it('a link expires after 60 minutes', async () => {
    const user = await ctx.createUser('account_manager');
    const fresh = await requestLink(user);
    const stale = await requestLink(user);
    ctx.clock.advance(59 * 60_000);
    expect((await confirm(fresh)).status).toBe(204);
    const other = await ctx.createUser('account_manager');
    const late = await requestLink(other);
    ctx.clock.advance(60 * 60_000 + 1000);
    expect((await confirm(late)).status).toBe(400);
    expect((await confirm(stale)).status).toBe(400);
    expect((await login(other.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('refuses unknown and malformed tokens clearly', async () => {
    const unknown = await confirm('x'.repeat(43));
    expect(unknown.status).toBe(400);
    expect(paths(unknown)).toEqual(['token']);
    expect((await visitor().post('/api/auth/password-reset/confirm', { password: NEW_PASSWORD })).status).toBe(400);
  });

  it('limits requests per address and per account silently: still 202, no more email', async () => {
    const user = await ctx.createUser('account_manager');
    // Per account: three links an hour, from any addresses.
    for (let i = 0; i < 5; i++) expect((await visitor().post('/api/auth/password-reset', { email: user.email })).status).toBe(202);
    await ctx.runJobs();
    expect(await resetEmails(user.email)).toHaveLength(3);

    // Per address: ten requests an hour, whatever the emails.
    const spray = visitor();
    const targets = await Promise.all(Array.from({ length: 12 }, () => ctx.createUser('executive')));
    for (const target of targets) {
      const res = await spray.post('/api/auth/password-reset', { email: target.email });
      expect(res.status).toBe(202);
    }
    await ctx.runJobs();
    const sent = await Promise.all(targets.map(async (t) => (await resetEmails(t.email)).length));
    expect(sent).toEqual([...Array(10).fill(1), 0, 0]);
  });

  it('sends nothing to a disabled user', async () => {
    const admin = await ctx.signIn('admin');
    const user = await ctx.createUser('account_manager');
    expect((await admin.patch(`/api/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await visitor().post('/api/auth/password-reset', { email: user.email })).status).toBe(202);
    await ctx.runJobs();
    expect(await resetEmails(user.email)).toHaveLength(0);
  });

  it('through an email provider, the stored email keeps no link once the provider has it', async () => {
    const user = await ctx.createUser('account_manager');
    const provider: EmailTransport = {
      name: 'resend',
      sendBatch: async (emails) => emails.map((e) => ({ messageId: e.messageId, ok: true as const, providerId: `re_${e.messageId}` })),
    };
    const batchKey = await ctx.deps.db.transaction((tx) => issuePasswordReset(ctx.deps, tx, user, { kind: 'reset', sentBy: null }));
    await sendEmails({ ...ctx.deps, transport: provider }, { batchKey: batchKey! });
    const [email] = await resetEmails(user.email);
    expect(email).toMatchObject({ status: 'sent', transport: 'resend', subject: 'Reset your Keypulse password', html: null, text: null });
  });
});

describe('with password sign-in turned off (SSO only)', () => {
  let ssoOnly: TestContext;
  beforeAll(async () => {
    ssoOnly = await createTestContext({ passwordLogin: false });
  });
  afterAll(() => ssoOnly.close());

  it('still answers 202 and sends nothing; admins cannot send links and new users get none', async () => {
    const user = await ssoOnly.createUser('account_manager');
    const res = await visitor(ssoOnly).post('/api/auth/password-reset', { email: user.email });
    expect(res.status).toBe(202);
    await ssoOnly.runJobs();
    expect(await resetEmails(user.email, ssoOnly)).toHaveLength(0);

    const admin = await ssoOnly.createUser('admin');
    const { token } = await openSession(ssoOnly.deps, admin.id, { ip: null, userAgent: null });
    const adminClient = replay(`${SESSION_COOKIE}=${token}`, ssoOnly);
    const refused = await adminClient.post(`/api/users/${user.id}/password-reset`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('password sign-in is turned off');
    expect((await adminClient.post('/api/users', { email: 'sso.person@example.com', name: 'SSO Person', role: 'executive' })).status).toBe(201);
    await ssoOnly.runJobs();
    expect(await resetEmails('sso.person@example.com', ssoOnly)).toHaveLength(0);
  });
});

describe('admins and passwords', () => {
  it('an admin sends a reset link; the person sets their own password with it', async () => {
    const admin = await ctx.signIn('admin');
    const user = await ctx.createUser('account_manager');
    const session = await ctx.signIn(user);
    const res = await admin.post(`/api/users/${user.id}/password-reset`);
    expect(res.status).toBe(202);
    expect(res.body.message).toContain(user.name);
    await ctx.runJobs();
    const [email] = await resetEmails(user.email);
    expect(email!.text).toContain(admin.user.name);
    expect((await confirm(tokenIn(email!))).status).toBe(204);
    expect((await replay(session.cookie).get('/api/me')).status).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);

    const [entry] = await ctx.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, user.id), eq(auditLog.action, 'auth.password_reset_sent')));
    expect(entry).toMatchObject({ actorId: admin.user.id });
  });

  it('only admins send reset links; an unknown user is a 404', async () => {
    const user = await ctx.createUser('account_manager');
    for (const role of ['executive', 'account_manager'] as const) {
      expect((await (await ctx.signIn(role)).post(`/api/users/${user.id}/password-reset`)).status).toBe(403);
    }
    expect((await ctx.anonymous().post(`/api/users/${user.id}/password-reset`)).status).toBe(401);
    const admin = await ctx.signIn('admin');
    expect((await admin.post('/api/users/00000000-0000-4000-8000-000000000000/password-reset')).status).toBe(404);
    await ctx.runJobs();
    expect(await resetEmails(user.email)).toHaveLength(0);
  });

  it('an admin cannot set another person\'s password', async () => {
    const admin = await ctx.signIn('admin');
    const user = await ctx.createUser('executive');
    const res = await admin.patch(`/api/users/${user.id}`, { password: 'chosen by the admin today' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('password');
    expect((await login(user.email, 'chosen by the admin today')).status).toBe(401);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('a user created without a password gets a "set your password" link', async () => {
    const admin = await ctx.signIn('admin');
    const res = await admin.post('/api/users', { email: 'new.hire@example.com', name: 'New Hire', role: 'account_manager' });
    expect(res.status).toBe(201);
    await ctx.runJobs();
    const [email] = await resetEmails('new.hire@example.com');
    expect(email!.subject).toMatch(/^Set your Keypulse password/);
    expect((await confirm(tokenIn(email!), 'my very own first passphrase')).status).toBe(204);
    expect((await login('new.hire@example.com', 'my very own first passphrase')).status).toBe(200);
  });

  it('a password an admin gives at creation follows the same rules', async () => {
    const admin = await ctx.signIn('admin');
    const common = await admin.post('/api/users', { email: 'weak.one@example.com', name: 'Weak', role: 'executive', password: 'qwertyuiop123' });
    expect(common.status).toBe(400);
    expect(paths(common)).toEqual(['password']);
    expect((await login('weak.one@example.com', 'qwertyuiop123')).status).toBe(401);
  });

  it('reset emails are in the email log for admins only', async () => {
    const user = await ctx.createUser('account_manager');
    await requestLink(user);
    const [email] = await resetEmails(user.email);
    const admin = await ctx.signIn('admin');
    const executive = await ctx.signIn('executive');
    const inLog = async (client: TestClient) => ((await client.get(`/api/messages?to=${encodeURIComponent(user.email)}`)).body.data as unknown[]).length;
    expect(await inLog(admin)).toBe(1);
    expect(await inLog(executive)).toBe(0);
    expect((await executive.get(`/api/messages/${email!.id}`)).status).toBe(404);
    expect((await executive.get(`/outbox/${email!.id}`)).status).toBe(404);
    expect((await executive.get('/outbox')).text).not.toContain(user.email);
    expect((await admin.get(`/outbox/${email!.id}`)).status).toBe(200);
  });
});

describe('the pages, without JavaScript', () => {
  const form = (fields: Record<string, string>) => ({
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

  it('sign-in links to "Forgot your password?", which emails a link whose page sets the password', async () => {
    const user = await ctx.createUser('account_manager');
    const browser = visitor();
    expect((await browser.get('/signin')).text).toContain('href="/forgot-password"');
    const forgot = await browser.get('/forgot-password');
    expect(forgot.status).toBe(200);
    expect(forgot.headers.get('content-security-policy')).toContain("default-src 'none'");

    const sent = await browser.request('POST', '/forgot-password', form({ email: user.email }));
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('If an account exists for this email');
    const nobody = await visitor().request('POST', '/forgot-password', form({ email: 'no.such.person@example.com' }));
    expect(nobody.text).toBe(sent.text);
    await ctx.runJobs();
    const [email] = await resetEmails(user.email);
    const token = tokenIn(email!);

    const page = await browser.get(`/reset-password?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain(`name="token" value="${token}"`);

    const mismatch = await browser.request('POST', '/reset-password', form({ token, password: NEW_PASSWORD, confirm: 'something else entirely' }));
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toContain('The two passwords are not the same');
    const weak = await browser.request('POST', '/reset-password', form({ token, password: 'password1234', confirm: 'password1234' }));
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('This password is on a list of common passwords');
    const done = await browser.request('POST', '/reset-password', form({ token, password: NEW_PASSWORD, confirm: NEW_PASSWORD }));
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your password is changed');
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);

    const used = await browser.get(`/reset-password?token=${token}`);
    expect(used.status).toBe(400);
    expect(used.text).toContain('This link does not work any more');
  });

  it('refuses a form posted from another site', async () => {
    const evil = new TestClient(ctx.app, { origin: 'https://evil.example' });
    expect((await evil.request('POST', '/forgot-password', form({ email: 'someone@example.com' }))).status).toBe(403);
    expect((await evil.request('POST', '/reset-password', form({ token: 'x', password: NEW_PASSWORD, confirm: NEW_PASSWORD }))).status).toBe(403);
  });
});
