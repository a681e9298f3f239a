import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
  demoLogins,
  screenshotBothWidths,
  seriousAccessibilityViolations,
  signInAs,
  startE2eServer,
  watchPageProblems,
  type E2eServer,
} from '../helpers/browser.js';
import { accounts } from '../../src/server/db/schema/index.js';
import type { Page } from 'playwright-core';

let env: E2eServer;

/** At 360 px the page itself never scrolls sideways (wide tables scroll inside their own box): the elements that stick out. */
async function overflowAt360(page: Page): Promise<string[]> {
  await page.setViewportSize({ width: 360, height: 740 });
  const wide = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-wrap, .visually-hidden'))
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)
      .slice(0, 10);
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  return wide;
}
const idOf = async (name: string) => {
  const [row] = await env.ctx.database.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, name));
  return row!.id;
};

beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
}, 180_000);
afterAll(() => env?.close());

describe('accounts in Chromium', () => {
  it('a manager finds an account, reads its people map and NPS, edits the renewal date and imports contacts', { timeout: 240_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/accounts');
    const table = page.locator('table.accounts-table');
    await table.waitFor();
    const rowNames = () => table.locator('tbody th[scope=row] a').allTextContents();
    expect(await rowNames()).toEqual(['Fjord Maritime', 'Helios Energy', 'Iberia Foods', 'Northwind Logistics']);
    expect(await page.getByLabel('Owner').count()).toBe(0); // a manager sees only theirs: no owner filter

    // Search by industry: the query goes in the URL.
    await page.getByLabel('Search').fill('logistics');
    await page.getByLabel('Search').press('Enter');
    await page.waitForURL(/q=logistics/);
    await expect.poll(rowNames).toEqual(['Fjord Maritime', 'Northwind Logistics']);

    // Sort by NPS, highest first: a header button with aria-sort; accounts without an NPS go last.
    await page.goto(`${env.baseUrl}/accounts`);
    await table.waitFor();
    await page.getByRole('button', { name: /^NPS/ }).click();
    await page.waitForURL(/sort=-nps/);
    await expect.poll(() => page.locator('th[aria-sort=descending]').textContent()).toMatch(/NPS/);
    await expect.poll(async () => (await rowNames()).at(-1)).toBe('Fjord Maritime');
    const scores = (await table.locator('tbody .nps-value').allTextContents()).map((t) => Number(t.replace('−', '-').replace('+', '')));
    expect(scores.length).toBe(3);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // Risk with its reasons, not by color alone.
    expect(await table.locator('.risk').first().textContent()).toMatch(/On track|Watch|At risk/);
    // Back undoes the sort.
    await page.goBack();
    await page.waitForURL((url) => !url.search.includes('sort='));
    await page.goForward();
    await page.waitForURL(/sort=-nps/);
    await table.waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await overflowAt360(page)).toEqual([]);
    await screenshotBothWidths(page, 'accounts-list');

    // Open Helios Energy: no instigator, no decision maker.
    await page.getByRole('link', { name: 'Helios Energy' }).click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Helios Energy' }).waitFor();
    const gaps = page.getByRole('note', { name: 'Gaps in the people map' });
    await gaps.waitFor();
    expect(await gaps.textContent()).toContain('No instigator-level contact');
    expect(await gaps.textContent()).toContain('No decision maker');
    expect(await page.locator('.people-map').textContent()).toContain('Marcus Webb');
    await page.locator('figure.chart svg').waitFor();
    expect(await page.locator('figure.chart figcaption').textContent()).toContain('NPS per quarter');

    // Inline edit: a bad value is stopped in the browser, next to its field; then the renewal date is saved.
    await page.getByRole('button', { name: 'Edit profile' }).click();
    await page.getByLabel('Annual revenue').fill('-5');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.locator('#profile-annualRevenue-error').waitFor();
    await page.getByLabel('Annual revenue').fill('640000');
    await page.getByLabel('Renewal date').fill('2027-06-30');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    const renewal = await page.locator('.renewal-date').textContent();
    expect(renewal).toMatch(/2027/);
    expect(renewal).toMatch(/30/);
    const [saved] = await env.ctx.database.db.select().from(accounts).where(eq(accounts.name, 'Helios Energy'));
    expect(saved!.renewalDate).toBe('2027-06-30');
    expect(saved!.annualRevenue).toBe(64_000_000);

    // CSV import: checked first (nothing written), then imported; the bad row is reported with its line.
    const csv = [
      'Name,Email,Job Title,Level,Role',
      'Nadia Petrov,nadia.petrov@helios.example,Chief Executive,instigator,Decision Maker',
      'Omar Haddad,omar.haddad@helios.example,Finance Director,influencer,economic buyer',
      'Broken Row,not-an-email,Intern,boss,user',
    ].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'helios.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Check the file' }).click();
    const result = page.locator('table.import-result');
    await result.waitFor();
    expect(await page.locator('.import-summary').textContent()).toContain('nothing written yet');
    expect(await result.locator('tbody tr').count()).toBe(3);
    expect(await result.locator('tbody tr').nth(2).textContent()).toMatch(/4.*Error/);
    expect(await page.locator('.people-map').textContent()).not.toContain('Nadia Petrov');
    await page.getByRole('button', { name: 'Import 2 rows' }).click();
    await page.locator('.import-summary', { hasText: 'Imported: 2 created' }).waitFor();
    const rows = await result.locator('tbody tr').allTextContents();
    expect(rows[0]).toMatch(/^2.*nadia\.petrov@helios\.example.*Created/);
    expect(rows[2]).toMatch(/^4.*Error.*email/);
    // The people map now has an instigator and a decision maker: no gap is left to call out.
    await page.locator('.level-group', { hasText: 'Nadia Petrov' }).waitFor();
    await gaps.waitFor({ state: 'detached' });

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await overflowAt360(page)).toEqual([]);
    await screenshotBothWidths(page, 'account-page');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a manager cannot reach another manager's account by URL, nor find it in their list", async () => {
    const atlas = await idOf('Atlas Health Group'); // Tom's
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, `/accounts/${atlas}`);
    await page.getByRole('heading', { level: 1, name: 'Account not found' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Not found');
    expect(await page.locator('main').textContent()).not.toContain('Atlas');

    await page.goto(`${env.baseUrl}/accounts?q=atlas`);
    await page.locator('.state.empty').waitFor();
    expect(await page.locator('.state.empty').textContent()).toContain('No accounts match');
    await page.goto(`${env.baseUrl}/accounts?sort=-nps&pageSize=100`);
    await page.locator('table.accounts-table').waitFor();
    expect(await page.locator('table.accounts-table').textContent()).not.toContain('Atlas');
    // The only problem the browser reports is the API's 404 for that account.
    expect(problems.filter((p) => !/404/.test(p))).toEqual([]);
    await page.close();
  });

  it('an executive sees any account, read-only', async () => {
    const helios = await idOf('Helios Energy');
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/accounts');
    await page.locator('table.accounts-table').waitFor();
    expect(await page.getByLabel('Owner').count()).toBe(1);
    expect(await page.locator('table.accounts-table').textContent()).toContain('Atlas Health Group');

    await page.goto(`${env.baseUrl}/accounts/${helios}`);
    await page.getByRole('heading', { level: 1, name: 'Helios Energy' }).waitFor();
    await page.locator('.people-map table').first().waitFor();
    await page.locator('figure.chart svg').waitFor();
    expect(await page.locator('.profile-list').textContent()).toContain('María Santos');
    for (const name of ['Edit profile', 'Add a contact', 'Check the file', /^Edit /]) {
      expect(await page.getByRole('button', { name }).count(), String(name)).toBe(0);
    }
    expect(await page.getByLabel('CSV file').count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await overflowAt360(page)).toEqual([]);
    await screenshotBothWidths(page, 'account-page-executive');
    expect(problems).toEqual([]);
    await page.close();
  });
});
