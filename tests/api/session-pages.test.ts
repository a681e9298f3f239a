import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, ORIGIN, TEST_PASSWORD, TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

async function signInByForm(client: TestClient, email: string, password: string, next = '/outbox') {
  return client.request('POST', '/signin', form({ email, password, next }));
}

describe('the sign-in page and the email log (outbox)', () => {
  it('sends a visitor to sign in first, then back to the outbox', async () => {
    const visitor = ctx.anonymous();
    const res = await visitor.get('/outbox');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/signin?next=%2Foutbox');
    const page = await visitor.get('/signin?next=%2Foutbox');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="password"');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('says clearly when the password is wrong, and signs in when it is right', async () => {
    const user = await ctx.createUser('account_manager');
    const client = ctx.anonymous();
    const wrong = await signInByForm(client, user.email, 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('The email or password is incorrect.');
    expect(client.cookie).toBeNull();

    const right = await signInByForm(client, user.email, TEST_PASSWORD);
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/outbox');
    expect(right.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect((await client.get('/outbox')).status).toBe(200);
  });

  it('never redirects off-site after sign-in, and refuses a sign-in posted from another site', async () => {
    const user = await ctx.createUser('executive');
    const client = ctx.anonymous();
    const res = await signInByForm(client, user.email, TEST_PASSWORD, 'https://evil.example/steal');
    expect(res.headers.get('location')).toBe('/');
    const crossSite = new TestClient(ctx.app, { origin: 'https://evil.example' });
    expect((await signInByForm(crossSite, user.email, TEST_PASSWORD)).status).toBe(403);
  });

  it('explains the rate limit on the page', async () => {
    const user = await ctx.createUser('executive');
    const client = ctx.anonymous();
    for (let i = 0; i < 5; i++) await signInByForm(client, user.email, 'wrong password');
    const limited = await signInByForm(client, user.email, TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.text).toMatch(/Too many failed attempts for this email\. Try again in \d+ minute/i);
  });

  it('lists the emails of my accounts only, and opens one with working survey links', async () => {
    const manager = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const mine = await createAccountWithContacts(manager, [{ name: 'Eve' }]);
    await createAccountWithContacts(other, [{ name: 'Finn' }]).then((a) => sendCampaign(ctx, other, { accountIds: [a.accountId] }));
    await sendCampaign(ctx, manager, { accountIds: [mine.accountId] });

    const list = await manager.get('/outbox');
    expect(list.status).toBe(200);
    expect(list.text).toContain(mine.emails[0]);
    expect(list.text).not.toContain('Finn');
    const href = /href="(\/outbox\/[0-9a-f-]{36})"/.exec(list.text)![1]!;

    const message = await manager.get(href);
    expect(message.status).toBe(200);
    const link = new RegExp(`href="(${ORIGIN}/s/[\\w-]{43})"`).exec(message.text)![1]!;
    const survey = await ctx.anonymous().get(link.replace(ORIGIN, ''));
    expect(survey.status).toBe(200);

    const html = await manager.get(`${href}/html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(html.headers.get('content-security-policy')).not.toMatch(/script-src/);

    // Another manager cannot open it.
    expect((await other.get(href)).status).toBe(404);
  });

  it('signs out', async () => {
    const client = await ctx.signIn('executive');
    const res = await client.request('POST', '/signout', form({}));
    expect(res.status).toBe(303);
    expect((await client.get('/api/me')).status).toBe(401);
  });
});
