import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoLogins, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';

/**
 * One number, one rounding: the same account's NPS for the same quarter — score, margin (or "all N contacts
 * answered") and number of answers — reads the same on My day, the accounts list, the account page and the
 * overview, and no page ever prints a margin of "±0.0".
 */

let env: E2eServer;

beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
}, 180_000);
afterAll(() => env?.close());

interface Seen {
  text: string;
  period: string | null;
}

/** The NPS figure inside `scope`, as the reader sees it, with the quarter it belongs to. */
async function figureIn(page: Page, selector: string): Promise<Seen> {
  const figure = page.locator(selector).first();
  await figure.waitFor({ state: 'attached' });
  return { text: (await figure.innerText()).replace(/\s+/g, ' ').trim(), period: await figure.getAttribute('data-period') };
}

const noZeroMargin = async (page: Page) => expect(await page.locator('main').innerText()).not.toMatch(/±\s*0([.,]0)?(?!\d)/);

describe('the same NPS on every page', () => {
  it('My day, the accounts list, the account page and the overview agree on score, margin and answers', { timeout: 240_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);

    // My day (Maria's own accounts): the first account with an NPS.
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/my-day');
    const myAccounts = page.locator('table.my-accounts');
    await myAccounts.locator('tbody tr').first().waitFor();
    const row = myAccounts.locator('tbody tr').filter({ has: page.locator('.nps-figure[data-period]') }).first();
    await row.waitFor();
    const name = (await row.locator('th a').innerText()).trim();
    const href = (await row.locator('th a').getAttribute('href'))!;
    const myDay = await figureIn(page, `table.my-accounts tbody tr:has(th a[href="${href}"]) .nps-figure`);
    // Whole points with a sign (a real minus), then the margin to one decimal or "all N contacts answered", then n.
    expect(myDay.text).toMatch(/^([+−]\d+|0)( ±\d+\.\d · \d+ answers?| · all \d+ contacts answered| · the 1 contact asked answered)$/);
    expect(myDay.period).toMatch(/^\d{4}-Q[1-4]$/);
    await noZeroMargin(page);

    // The accounts list.
    await page.goto(`${env.baseUrl}/accounts`);
    const listFigure = `table.accounts-table tbody tr:has(th a[href="${href}"]) .nps-figure`;
    expect(await figureIn(page, listFigure)).toEqual(myDay);
    await noZeroMargin(page);

    // The account page: the health line and the quarter's row of the NPS trend (computed by the NPS report itself).
    await page.goto(`${env.baseUrl}${href}`);
    expect(await figureIn(page, '.account-health .nps-figure')).toEqual(myDay);
    expect(await figureIn(page, `table.nps-quarters .nps-figure[data-period="${myDay.period}"]`)).toEqual(myDay);
    await noZeroMargin(page);

    // The overview's risk table, as an executive sees it.
    const executive = await env.browser.newPage();
    const executiveProblems = watchPageProblems(executive);
    executive.setDefaultTimeout(30_000);
    await signInAs(executive, env.baseUrl, demoLogins.executive, undefined, '/overview');
    const overviewFigure = `table.risk-table tbody tr:has(a[href="${href}"]) .nps-figure`;
    expect(await figureIn(executive, overviewFigure)).toEqual(myDay);
    await noZeroMargin(executive);

    expect(name.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    expect(executiveProblems).toEqual([]);
    await page.close();
    await executive.close();
  });
});
