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

describe('touchpoints from My day, the past list and the CSV import in Chromium', () => {
  it('a manager logs a call from My day, picking the account first', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/my-day');
    const box = page.locator('section.my-day-touchpoint');
    await box.getByRole('button', { name: 'Log a touchpoint' }).click();
    await box.getByLabel('Account').selectOption({ label: 'Tuna Tankers' });
    const form = page.getByRole('form', { name: 'Log a touchpoint' });
    await form.getByLabel('Date').fill('2026-03-01');
    await form.getByLabel('Kind').selectOption('call');
    await form.getByRole('checkbox', { name: 'Ivo Ops' }).check();
    expect(await form.getByRole('checkbox', { name: 'Maya Manager' }).isChecked()).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Log touchpoint' }).click();
    await expect.poll(() => box.getByRole('status').textContent()).toBe('Touchpoint logged with Tuna Tankers.');
    expect(await form.count()).toBe(0);
    // It is there on the account.
    const client = await env.ctx.signIn(manager);
    const latest = (await client.get(`/api/accounts/${accountId}/touchpoints?pageSize=1`)).body.data[0];
    expect(latest).toMatchObject({ occurredOn: '2026-03-01', kind: 'call', users: [{ id: manager.id, name: 'Maya Manager' }], contacts: [{ name: 'Ivo Ops' }] });
    expect(problems).toEqual([]);
  });

  it('the account page lists past touchpoints newest first, with people on both sides, and corrects and deletes them', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, `/accounts/${accountId}`);
    const history = page.locator('section.touchpoint-history');
    const heads = () => history.locator('.touchpoint-item h3').allTextContents();
    await expect.poll(heads).toHaveLength(3);
    expect((await heads()).map((h) => h.split(' ·')[0])).toEqual(['Call', 'Visit', 'Call']);
    const visit = history.locator('.touchpoint-item').nth(1);
    expect(await visit.textContent()).toContain('Their peopleOlga Owner');
    expect(await visit.textContent()).toContain('Our peopleMaya Manager');
    expect(await visit.textContent()).toContain('Site visit at the terminal.');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await visit.getByRole('button', { name: /^Edit the Visit/ }).click();
    const form = history.getByRole('form', { name: /^Correct the visit/ });
    await form.getByLabel('Kind').selectOption('qbr');
    await form.getByRole('checkbox', { name: 'Ivo Ops' }).check();
    await form.getByLabel('Notes').fill('Quarterly review at the terminal.');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => history.getByRole('status').textContent()).toContain('was corrected');
    await expect.poll(heads).toEqual([expect.stringMatching(/^Call/), expect.stringMatching(/^QBR/), expect.stringMatching(/^Call/)]);
    expect(await history.locator('.touchpoint-item').nth(1).textContent()).toContain('Their peopleOlga Owner, Ivo Ops');

    const oldest = history.locator('.touchpoint-item').nth(2);
    await oldest.getByRole('button', { name: /^Delete the Call/ }).click();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await oldest.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => history.getByRole('status').textContent()).toContain('was deleted');
    await expect.poll(heads).toHaveLength(2);
    expect(problems).toEqual([]);
  });

  it('imports touchpoints from a CSV file on the accounts page: check, import, and again adds nothing', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/accounts');
    const box = page.locator('details.touchpoint-import');
    await box.locator('summary').click();
    const csv = `account,date,kind,their people,our people,notes\nTuna Tankers,2026-01-20,Social event,olga@tuna.example,${manager.email},New year dinner\nTuna Tankers,2026-01-21,lunch,,,\n`;
    await box.getByLabel('CSV file').setInputFiles({ name: 'touchpoints.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await box.getByRole('button', { name: 'Check the file' }).click();
    await box.getByText('Checked, nothing written yet: 1 to create, 0 already there (to skip), 1 with errors (not written).').waitFor();
    expect(await box.locator('table.import-result tbody tr').nth(1).textContent()).toContain('kind: must be one of meeting');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await box.getByRole('button', { name: 'Import 1 touchpoint' }).click();
    await box.getByText('Imported: 1 created, 0 already there (skipped), 1 with errors (not written).').waitFor();
    await box.getByRole('button', { name: 'Check the file' }).click();
    await box.getByText('Checked, nothing written yet: 0 to create, 1 already there (to skip), 1 with errors (not written).').waitFor();
    expect(await box.getByRole('button', { name: /^Import/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('the program evaluation counts executive-level touches and the social event', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/program/evaluation');
    const section = page.locator('section.program-touches');
    await section.waitFor();
    // Tuna Tankers: the QBR with Olga (an instigator) and the imported dinner with her; the call with Ivo is not executive-level.
    expect(await section.textContent()).toContain('Executive-level touch in 2026-H1');
    expect(await section.locator('.card').first().textContent()).toContain('1 of 1 key account');
    expect(await section.textContent()).toContain('at least one instigator-level contact present');
    const facts = page.locator('article.eval-account dl.eval-facts');
    expect(await facts.textContent()).toContain('3 touchpoints this half, 2 at executive level');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
