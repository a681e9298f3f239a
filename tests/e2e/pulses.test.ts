import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo } from '../helpers/survey-fixtures.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';

let env: E2eServer;
let admin: TestUser;
let manager: TestUser;
let accountId: string;

// The server's clock stands at Monday 2 March 2026, 09:00 UTC.
beforeAll(async () => {
  env = await startE2eServer();
  admin = await env.ctx.createUser('admin', { name: 'Ada Admin' });
  manager = await env.ctx.createUser('account_manager', { name: 'Maya Manager' });
  const client = await env.ctx.signIn(manager);
  const made = await createAccountWithContacts(client, [{ name: 'Olga Owner' }, { name: 'Ivo Ops' }]);
  accountId = made.accountId;
  // Two deliveries last week: Olga's pulse is answered with a low mark, Ivo's not yet.
  for (const [i, reference] of [[0, 'D-501'], [1, 'D-502']] as const) {
    const res = await client.post('/api/pulses', { email: made.emails[i], event: 'delivery', reference, occurredAt: '2026-02-24T10:00:00Z' });
    expect(res.status, res.text).toBe(201);
  }
  await schedulerTick(env.ctx.deps);
  await env.ctx.runJobs();
  const mail = await emailTo(env.ctx, made.emails[0]!);
  const answered = await env.ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { pulse_rating: 4, pulse_comment: 'The pallets arrived damaged.' }, complete: true });
  expect(answered.status, answered.text).toBe(200);
}, 180_000);
afterAll(() => env?.close());

describe('pulses after events in Chromium', () => {
  it('the account page shows the pulses with their mark and comment, and the mean per event type', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, `/accounts/${accountId}`);
    const section = page.locator('section.event-pulses');
    await expect.poll(() => section.textContent()).toContain('Delivery D-501');
    expect(await section.textContent()).toContain('4/10');
    expect(await section.textContent()).toContain('The pallets arrived damaged.');
    expect(await section.textContent()).toContain('Sent, no answer yet');
    const row = section.locator('tr', { has: page.locator('th', { hasText: 'Delivery' }) });
    expect((await row.locator('td').allTextContents()).map((t) => t.trim())).toEqual(['2', '1', '4 (few answers)']);
    expect(await page.getByRole('link', { name: 'Pulses after events' }).count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('an admin adds an event type, changes its delay and switches it off', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, admin.email, TEST_PASSWORD, '/admin/event-types');
    await expect.poll(() => page.locator('.rule-list').textContent()).toContain('Support ticket closed');
    expect(await page.getByRole('link', { name: 'Event types' }).getAttribute('aria-current')).toBe('page');

    const form = page.getByRole('form', { name: 'Add an event type' });
    await form.getByLabel('Key').fill('Bad key');
    await form.getByLabel('Name').fill('Installation done');
    await form.getByRole('button', { name: 'Add event type' }).click();
    await expect.poll(() => form.locator('.field-error').first().textContent()).toContain('lower-case');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await form.getByLabel('Key').fill('installation_done');
    await form.getByLabel('Delay (business days)').fill('2');
    await form.getByRole('button', { name: 'Add event type' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Added “Installation done”: post it as event “installation_done”.');
    const card = page.locator('li.rule', { has: page.locator('h3', { hasText: 'Installation done' }) });
    expect(await card.textContent()).toContain('2 business days after the event');

    await card.getByRole('button', { name: 'Edit Installation done' }).click();
    const edit = page.getByRole('form', { name: 'Edit Installation done' });
    await edit.getByLabel('Delay (business days)').fill('3');
    await edit.getByRole('button', { name: 'Save event type' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved “Installation done”: 3 business days after the event.');

    await card.getByRole('button', { name: 'Switch off Installation done' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('is off');
    expect(await card.locator('.badge').textContent()).toBe('Off');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // On a phone the page fits the screen.
    await page.setViewportSize({ width: 360, height: 780 });
    await page.reload();
    await page.locator('.rule-list').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('a manager cannot open the event types page', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/admin/event-types');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Admins only');
    expect(await page.locator('main form').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
