import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotBothWidths, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer();
});
afterAll(() => env?.close());

describe('public pages in Chromium', () => {
  it('the start page asks a visitor to sign in and links to the API reference, which lists every resource', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await page.goto(env.baseUrl + '/');
    await page.waitForURL('**/signin?next=%2F');
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    await screenshotBothWidths(page, 'signin');

    await page.getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL('**/api/docs');
    const headings = await page.locator('h2').allTextContents();
    expect(headings).toEqual(expect.arrayContaining(['Auth', 'Users', 'API keys', 'Accounts', 'Contacts']));
    expect(await page.locator('article.operation').count()).toBeGreaterThanOrEqual(20);
    // The stylesheet loaded under the strict CSP (no inline styles allowed): the method labels are bold.
    const weight = await page.locator('.method').first().evaluate((el) => getComputedStyle(el).fontWeight);
    expect(weight).toBe('700');
    await screenshotBothWidths(page, 'api-reference');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a keyboard user reaches the skip link first and it moves focus to the content', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.baseUrl + '/api/docs');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(page.url()).toMatch(/#main$/);
    await page.close();
  });

  it('an unknown page is a friendly 404', async () => {
    const page = await env.browser.newPage();
    const res = await page.goto(env.baseUrl + '/no/such/page');
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await page.close();
  });
});
