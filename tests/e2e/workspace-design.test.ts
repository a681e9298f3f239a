import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR, demoLogins, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';

/**
 * Every workspace page on a 360 px phone and in both colour schemes: the page never scrolls sideways, no table
 * column is cut off (wide tables become cards), and axe-core finds nothing serious in light or dark mode. The main
 * pages are photographed at 1280 px and 360 px for the README. One browser, one server, one loop.
 */

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
});
afterAll(() => env?.close());

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

/** Waits until the page's heading is there and nothing says "Loading…" any more. */
async function settle(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await expect.poll(() => page.locator('main .state.loading').count()).toBe(0);
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${env.baseUrl}${path}`);
  await settle(page);
}

/**
 * What a phone user cannot reach: the page wider than the screen, or a table cell (with something in it) lying
 * outside the screen, cut off by a sideways-scrolling box. Hidden chart data tables (clipped to 1 px) are skipped.
 */
async function phoneLayoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.scrollingElement!;
    const width = document.documentElement.clientWidth;
    if (root.scrollWidth > root.clientWidth) {
      // Name the widest culprits, innermost first, so a failure says where to look.
      const clipped = (el: Element) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true;
        return false;
      };
      const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el));
      const where = wide.slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
      problems.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth} (${where.join('; ')})`);
    }
    for (const table of document.querySelectorAll('main table')) {
      const box = table.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1 || table.closest('.visually-hidden, [hidden], details:not([open])')) continue;
      for (const cell of table.querySelectorAll('td, th')) {
        const r = cell.getBoundingClientRect();
        if (r.width === 0 || !cell.textContent?.trim()) continue;
        if (r.left < -1 || r.right > width + 1) {
          problems.push(`cut off: "${cell.textContent.trim().slice(0, 40)}" in table.${table.className || '(no class)'} at ${Math.round(r.left)}–${Math.round(r.right)}`);
          break;
        }
      }
    }
    // Chart labels stay readable: a label drawn at 12 px in a 640-wide drawing squeezed into a phone is 6 px.
    for (const text of document.querySelectorAll<SVGTextElement>('main svg[role="img"] text')) {
      const svg = text.ownerSVGElement!;
      const drawn = svg.viewBox.baseVal?.width || svg.getBoundingClientRect().width;
      const size = (parseFloat(getComputedStyle(text).fontSize) * svg.getBoundingClientRect().width) / drawn;
      if (text.getBoundingClientRect().width > 0 && size < 11) {
        problems.push(`chart label "${text.textContent}" is ${size.toFixed(1)} px`);
        break;
      }
    }
    return problems;
  });
}

/**
 * The README's pictures, light: readme-<page>-desktop.jpg and readme-<page>-phone.jpg, the first screen as a person
 * lands on it (1280 and 360 px wide). They go to test-results/screenshots, or to docs/screenshots when run by
 * `npm run docs:screenshots`. The prefix keeps them apart from the other tests' screenshots of the same pages in
 * other states (sorted, filtered, mid-edit).
 */
const README_PICTURES_DIR = process.env.KEYPULSE_README_SCREENSHOTS ?? ARTIFACTS_DIR;

async function photograph(page: Page, name: string): Promise<void> {
  mkdirSync(README_PICTURES_DIR, { recursive: true });
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${README_PICTURES_DIR}/readme-${name}-${size}.jpg`, type: 'jpeg', quality: 80 });
  }
}

/** The href of the first link in main matching `pattern` on `path`. */
async function firstLink(page: Page, path: string, pattern: RegExp): Promise<string> {
  await open(page, path);
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  const href = hrefs.find((h) => pattern.test(h));
  if (!href) throw new Error(`no link like ${pattern} on ${path}`);
  return href;
}

interface Check {
  name: string;
  path: string;
  /** Photographed for the README (desktop and phone, light). */
  photo?: boolean;
}

async function checkPages(page: Page, checks: Check[]): Promise<string[]> {
  const failures: string[] = [];
  for (const check of checks) {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(PHONE);
    await open(page, check.path);
    for (const p of await phoneLayoutProblems(page)) failures.push(`${check.name} (${check.path}) at 360 px: ${p}`);
    for (const v of await seriousAccessibilityViolations(page)) failures.push(`${check.name} light: ${v}`);
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const v of await seriousAccessibilityViolations(page)) failures.push(`${check.name} dark: ${v}`);
    await page.emulateMedia({ colorScheme: 'light' });
    if (check.photo) await photograph(page, check.name);
  }
  return failures;
}

describe('the workspace on a phone and in both colour schemes', () => {
  it("a manager's pages fit a 360 px screen and pass axe in light and dark mode", async () => {
    const page = await env.browser.newPage({ viewport: PHONE });
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/my-day');
    const task = await firstLink(page, '/tasks', /^\/tasks\/[\w-]+$/);
    const failures = await checkPages(page, [
      { name: 'my-day', path: '/my-day', photo: true },
      { name: 'tasks-board', path: '/tasks?view=board', photo: true },
      { name: 'tasks-list', path: '/tasks' },
      { name: 'task', path: task, photo: true },
    ]);
    expect(failures).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the portfolio, account and campaign pages fit a 360 px screen and pass axe in light and dark mode', async () => {
    const page = await env.browser.newPage({ viewport: PHONE });
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.admin, undefined, '/overview');
    const account = await firstLink(page, '/accounts', /^\/accounts\/[\w-]+$/);
    const campaign = await firstLink(page, '/campaigns', /^\/campaigns\/[\w-]+$/);
    const survey = await firstLink(page, '/surveys', /^\/surveys\/[\w-]+$/);
    const failures = await checkPages(page, [
      { name: 'overview', path: '/overview', photo: true },
      { name: 'accounts', path: '/accounts', photo: true },
      { name: 'account', path: account, photo: true },
      { name: 'account-plan', path: `${account}/plan`, photo: true },
      { name: 'partnership', path: `${account}/partnership` },
      { name: 'campaigns', path: '/campaigns' },
      { name: 'campaign', path: campaign, photo: true },
      { name: 'campaign-new', path: '/campaigns/new' },
      { name: 'surveys', path: '/surveys' },
      { name: 'survey', path: survey },
    ]);
    expect(failures).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the program, admin and profile pages fit a 360 px screen and pass axe in light and dark mode', async () => {
    const page = await env.browser.newPage({ viewport: PHONE });
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.admin, undefined, '/overview');
    const failures = await checkPages(page, [
      { name: 'program-selection', path: '/program/selection', photo: true },
      { name: 'program-value', path: '/program/value' },
      { name: 'program-evaluation', path: '/program/evaluation' },
      { name: 'admin-users', path: '/admin/users' },
      { name: 'admin-settings', path: '/admin/settings' },
      { name: 'admin-rules', path: '/admin/rules' },
      { name: 'admin-api-keys', path: '/admin/api-keys' },
      { name: 'admin-audit-log', path: '/admin/audit-log' },
      { name: 'admin-indicators', path: '/admin/indicators' },
      { name: 'profile', path: '/profile' },
    ]);
    expect(failures).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('on a phone the risk report is a stack of cards, each reason under its column name; on a desktop a table', async () => {
    const page = await env.browser.newPage({ viewport: PHONE });
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/overview');
    const row = page.locator('table.risk-table tbody tr').first();
    await row.waitFor();
    const reasons = row.locator('td[data-label="Reasons"]');
    await reasons.waitFor();
    // The column's name is drawn beside the value, and the row is a card as wide as the screen allows.
    expect(await reasons.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"Reasons"');
    expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
    const box = (await row.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    // Sorting re-renders the rows: the new rows are named too.
    await page.setViewportSize(DESKTOP);
    expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe('table-row');
    await page.locator('table.risk-table thead').getByRole('button', { name: /Account/ }).click();
    await page.setViewportSize(PHONE);
    await expect.poll(() => page.locator('table.risk-table tbody td[data-label="Owner"]').count()).toBe(await page.locator('table.risk-table tbody tr').count());
    await page.close();
  });

  it('on a phone the navigation is a menu that opens and closes with the keyboard', async () => {
    const page = await env.browser.newPage({ viewport: PHONE });
    await signInAs(page, env.baseUrl, demoLogins.admin, undefined, '/overview');
    const toggle = page.getByRole('button', { name: 'Menu' });
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    const accounts = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' });
    expect(await accounts.isVisible()).toBe(false);
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await accounts.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await accounts.click();
    await page.waitForURL(`${env.baseUrl}/accounts`);
    // Choosing a page closes the menu.
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    // On a desktop there is no menu button: the links are always there.
    await page.setViewportSize(DESKTOP);
    expect(await toggle.isVisible()).toBe(false);
    expect(await accounts.isVisible()).toBe(true);
    await page.close();
  });
});
