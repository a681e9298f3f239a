import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLogins, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
});
afterAll(() => env?.close());

describe('the workspace shell in Chromium', () => {
  it('a signed-out visitor is sent to sign-in and comes back to the page they asked for', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${env.baseUrl}/tasks`);
    await page.waitForURL('**/signin?next=%2Ftasks');
    await page.getByLabel('Email').fill(demoLogins.tom);
    await page.getByLabel('Password').fill('keypulse-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${env.baseUrl}/tasks`);
    await page.locator('main h1').first().waitFor();
    // The navigation fits the role: a manager has My day, not Admin.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'My day' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Tasks' }).getAttribute('aria-current')).toBe('page');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('moves between pages without reloading, and a lost session returns to sign-in', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.admin, undefined, '/accounts');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Surveys' }).click();
    await page.waitForURL(`${env.baseUrl}/surveys`);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.context().clearCookies();
    await page.goto(`${env.baseUrl}/accounts`);
    await page.waitForURL('**/signin?next=%2Faccounts');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the server-rendered pages around the app (sign-in, email log, an email) pass the accessibility check', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${env.baseUrl}/signin`);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/my-day');
    await page.goto(`${env.baseUrl}/outbox`);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.locator('main table a').first().click();
    await page.waitForURL(/\/outbox\/[0-9a-f-]{36}$/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
