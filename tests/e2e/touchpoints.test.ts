import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD, type TestUser } from '../helpers/test-app.js';

let env: E2eServer;
let manager: TestUser;
let accountId: string;

beforeAll(async () => {
  env = await startE2eServer();
  manager = await env.ctx.createUser('account_manager', { name: 'Maya Manager' });
  const client = await env.ctx.signIn(manager);
  const account = await client.post('/api/accounts', { name: 'Tuna Tankers', stage: 'key_account' });
  expect(account.status, account.text).toBe(201);
  accountId = account.body.id;
  for (const [name, level] of [
    ['Olga Owner', 'instigator'],
    ['Ivo Ops', 'implementer'],
  ] as const) {
    const res = await client.post(`/api/accounts/${accountId}/contacts`, { name, email: `${name.split(' ')[0]!.toLowerCase()}@tuna.example`, level, buyingRole: 'decision_maker' });
    expect(res.status, res.text).toBe(201);
  }
  // Ivo was met in the autumn (the server's clock stands at 2026-03-02): amber.
  const ivo = (await client.get(`/api/accounts/${accountId}/contacts`)).body.data.find((c: { name: string }) => c.name === 'Ivo Ops');
  expect((await client.post(`/api/accounts/${accountId}/touchpoints`, { occurredOn: '2025-11-10', kind: 'call', contactIds: [ivo.id], userIds: [manager.id] })).status).toBe(201);
}, 180_000);
afterAll(() => env?.close());

describe('touchpoint quick add in Chromium', () => {
  it('a manager logs a visit from the people map and sees the contact turn fresh', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, `/accounts/${accountId}`);
    const map = page.locator('section.people-map');
    const rowOf = (name: string) => map.locator('tr', { has: page.locator('th', { hasText: name }) });
    await expect.poll(() => rowOf('Olga Owner').textContent()).toContain('Never touched');
    expect(await rowOf('Olga Owner').textContent()).toContain('Stale');
    expect(await rowOf('Ivo Ops').textContent()).toContain('Cooling');
    expect(await rowOf('Ivo Ops').textContent()).toContain('Held by Maya Manager');

    await map.getByRole('button', { name: 'Log a touchpoint' }).click();
    const form = page.getByRole('form', { name: 'Log a touchpoint' });
    await form.getByLabel('Date').fill('2026-02-27');
    await form.getByLabel('Kind').selectOption('visit');
    await form.getByRole('checkbox', { name: 'Olga Owner' }).check();
    expect(await form.getByRole('checkbox', { name: 'Maya Manager' }).isChecked()).toBe(true);
    await form.getByLabel('Notes').fill('Site visit at the terminal.');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Log touchpoint' }).click();

    await expect.poll(() => map.getByRole('status').textContent()).toBe('Touchpoint logged.');
    await expect.poll(() => rowOf('Olga Owner').textContent()).toContain('Fresh');
    expect(await rowOf('Olga Owner').textContent()).toContain('Held by Maya Manager');
    expect(await rowOf('Ivo Ops').textContent()).toContain('Cooling');
    expect(await form.count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
