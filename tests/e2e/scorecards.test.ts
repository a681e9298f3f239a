import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoLogins, screenshotBothWidths, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
});
afterAll(() => env?.close());

/** No sideways scrolling on a phone, and no serious accessibility problems in light or dark. */
async function checkPage(page: Page, name: string): Promise<void> {
  await screenshotBothWidths(page, name);
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousAccessibilityViolations(page), `${colorScheme} at 360 px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousAccessibilityViolations(page), colorScheme).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const cards = (page: Page) => page.locator('article.scorecard');

describe('scorecards', () => {
  it("an executive sees every manager's scorecard with its figures and a CSV link", async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/program/scorecards');
    await cards(page).first().waitFor();
    expect(await page.getByRole('navigation', { name: 'Key-account program' }).getByRole('link', { name: 'Scorecards' }).getAttribute('aria-current')).toBe('page');
    const names = await cards(page).locator('h2').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['María Santos', 'Tom Lindqvist']));
    expect(names.length).toBeGreaterThanOrEqual(3);
    const maria = cards(page).filter({ has: page.getByRole('heading', { name: 'María Santos' }) });
    // Every figure says how many answers stand behind it, and no margin reads "±0.0".
    await expect(maria.getByRole('row', { name: /^NPS/ }).textContent()).resolves.toMatch(/answer|No answers \(n = 0\)|contacts? asked answered/);
    await expect(maria.getByRole('row', { name: /^Gross margin/ }).textContent()).resolves.toMatch(/%|—/);
    expect(await page.locator('main').textContent()).not.toContain('±0.0');
    await expect(page.locator('main').textContent()).resolves.toMatch(/product lines/);
    const csv = await page.getByRole('link', { name: 'Download scorecards CSV' }).getAttribute('href');
    expect(csv).toMatch(/^\/api\/reports\/scorecards\?period=\d{4}-H[12]&format=csv$/);
    await checkPage(page, 'scorecards-executive');
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('a manager sees only their own scorecard', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.tom, undefined, '/program/scorecards');
    await cards(page).first().waitFor();
    expect(await cards(page).locator('h2').allTextContents()).toEqual(['Tom Lindqvist']);
    await checkPage(page, 'scorecards-manager');
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
