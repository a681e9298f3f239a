import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  demoLogins,
  screenshot,
  screenshotBothWidths,
  seriousAccessibilityViolations,
  signInAs,
  startE2eServer,
  watchPageProblems,
  type E2eServer,
} from '../helpers/browser.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
});
afterAll(() => env?.close());

/** Screenshots at both widths, no sideways scrolling on a phone, and no serious accessibility problems. */
async function checkPage(page: Page, name: string): Promise<void> {
  await screenshotBothWidths(page, name);
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 800 });
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

const rankingRows = (page: Page) => page.locator('table.ranking tbody tr');

describe('key-account program', () => {
  it('an executive reviews the selection ranking, promotes an account with a reason and sees it in the history', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/program/selection');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Key-account program');
    expect(await page.getByRole('navigation', { name: 'Key-account program' }).getByRole('link', { name: 'Selection' }).getAttribute('aria-current')).toBe('page');

    // The ranking: every customer and key account with a score, a bar and each criterion's share in words.
    await rankingRows(page).first().waitFor();
    const rows = await rankingRows(page).count();
    expect(rows).toBeGreaterThanOrEqual(8);
    const ranks = await rankingRows(page).locator('td:first-child').allTextContents();
    expect(ranks.map(Number)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
    expect(await rankingRows(page).locator('svg.score-bar').count()).toBe(rows);
    expect(await rankingRows(page).first().locator('.contrib-list li').first().textContent()).toMatch(/^.+: (\+[\d.,]+|no value)/);
    // Current key accounts are marked in words, not by colour alone.
    expect(await page.locator('table.ranking .key-badge').count()).toBeGreaterThanOrEqual(4);
    // The suggested portfolio of the default size, and a smaller one on request.
    const portfolio = page.locator('.portfolio-list li');
    const defaultSize = Number(await page.getByLabel('Portfolio size').inputValue());
    expect(await portfolio.count()).toBe(defaultSize);
    await page.getByLabel('Portfolio size').fill('2');
    await page.getByRole('button', { name: 'Suggest' }).click();
    await page.locator('#portfolio-size-error').waitFor();
    expect(await page.getByLabel('Portfolio size').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Portfolio size').fill('3');
    await page.getByRole('button', { name: 'Suggest' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.portfolio-list li').length === 3);
    await page.getByRole('heading', { name: 'Pipeline' }).waitFor();
    await page.locator('table.pipeline tbody tr').first().waitFor();
    // Executives do not edit the criteria.
    expect(await page.getByRole('heading', { name: /Selection criteria/ }).count()).toBe(0);
    await checkPage(page, 'program-selection');

    // Promote the best-ranked account that is not yet a key account.
    const candidate = rankingRows(page).filter({ hasNot: page.locator('.key-badge') }).first();
    const name = (await candidate.locator('th[scope="row"] a').textContent())!;
    await candidate.getByRole('button', { name: `Promote ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Promote ${name}` });
    await dialog.waitFor();
    expect(await dialog.getByLabel('New stage').inputValue()).toBe('key_account');
    // The reason is required: the shared schema says so before anything is sent.
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await dialog.getByText('say why (at least 3 characters)').waitFor();
    await screenshot(page, 'program-selection-promote-dialog');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const reason = 'Strategic door-opener; the board agreed to invest in the relationship';
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await page.getByRole('status').getByText(`${name} is now key account.`).waitFor();
    expect(await dialog.isVisible()).toBe(false);

    // The history says who decided and why; the row is now marked as a key account.
    const history = page.locator('section.stage-history');
    await history.getByRole('heading', { name: `Stage history: ${name}` }).waitFor();
    const latest = history.locator('.history-list > li').first();
    await latest.getByText(/^Promotion: Customer → Key account/).waitFor();
    expect(await latest.textContent()).toContain('decided by Erin Okafor');
    expect(await latest.locator('blockquote').textContent()).toBe(reason);
    await rankingRows(page).filter({ hasText: name }).locator('.key-badge').waitFor();
    await screenshotBothWidths(page, 'program-selection-after-promotion');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an executive prints the program evaluation with the accounts needing a decision first', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/program/evaluation');
    await page.locator('article.eval-account').first().waitFor();
    await expect(page.locator('main h1').textContent()).resolves.toMatch(/^Program evaluation \d{4}-H[12]$/);
    const decisions = await page.locator('.decision-list > li').count();
    const flagged = await page.locator('article.eval-account.needs-decision').count();
    expect(decisions).toBe(flagged);
    // Accounts needing a decision come first, each with its reasons in words.
    const order = await page.locator('article.eval-account').evaluateAll((els) => els.map((e) => e.classList.contains('needs-decision')));
    expect(order).toEqual([...order].sort((a, b) => Number(b) - Number(a)));
    if (decisions > 0) expect((await page.locator('.decision-list > li').first().locator('li').allTextContents()).length).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'What improved' }).waitFor();
    await page.getByRole('heading', { name: 'What needs attention' }).waitFor();
    const first = page.locator('article.eval-account').first();
    for (const measure of ['Sales', 'Gross profit', 'Contribution', 'NPS', 'Audit marks (of 10)', 'Partnership score']) {
      await first.getByRole('rowheader', { name: measure, exact: true }).waitFor();
    }
    for (const fact of ['Closing the loop', 'Account plan', 'Relationship coverage']) await first.getByText(fact, { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Download evaluation CSV' }).getAttribute('href')).toMatch(/^\/api\/reports\/program\?period=\d{4}-H[12]&format=csv$/);
    await checkPage(page, 'program-evaluation');

    // The previous half year from the selector.
    const periods = await page.getByLabel('Half year').locator('option').allTextContents();
    await page.getByLabel('Half year').selectOption(periods[1]!);
    await page.waitForFunction((p) => document.querySelector('main h1')?.textContent === `Program evaluation ${p}`, periods[1]!);
    await page.getByLabel('Half year').selectOption(periods[0]!);
    await page.waitForFunction((p) => document.querySelector('main h1')?.textContent === `Program evaluation ${p}`, periods[0]!);
    await page.locator('article.eval-account').first().waitFor();

    // Print: no navigation, tabs, selector or buttons — just the report.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.locator('.program-tabs').isVisible()).toBe(false);
    expect(await page.getByLabel('Half year').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print / Save as PDF' }).isVisible()).toBe(false);
    expect(await page.locator('article.eval-account').first().isVisible()).toBe(true);
    await screenshot(page, 'program-evaluation-print');
    await page.emulateMedia({ media: 'screen' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager sees only their own accounts on the value page', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/program/value');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Account value');
    await page.locator('table.value-trend tbody tr').first().waitFor();
    const names = await page.locator('table.value-trend tbody th a').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(['Northwind Logistics', 'Iberia Foods', 'Helios Energy', 'Fjord Maritime']).toContain(n);
    expect(await page.locator('main').textContent()).not.toContain('Atlas Health Group');
    await page.getByRole('heading', { name: /^The 80\/20 check/ }).waitFor();
    await page.getByRole('heading', { name: /^Accounts with a negative contribution/ }).waitFor();
    expect(await page.locator('svg.sparkline').count()).toBe(names.length);
    expect(await page.getByRole('link', { name: 'Download value CSV' }).getAttribute('href')).toMatch(/^\/api\/reports\/value\?quarter=\d{4}-Q[1-4]&format=csv$/);
    await checkPage(page, 'program-value');

    // A dry run of an import: per-row results, nothing written; another manager's account is "no such account".
    await page.getByLabel('CSV file').setInputFiles({
      name: 'values.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('account,quarter,revenue,gross profit,team cost,discounts\nNorthwind Logistics,2020-Q1,1000,300,50,0\nAtlas Health Group,2020-Q1,1000,300,50,0\n'),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByText('Checked, nothing written yet: 1 to create, 0 to update, 1 with errors (skipped).').waitFor();
    const results = page.locator('table.import-result tbody tr');
    expect(await results.nth(0).textContent()).toContain('Will be created');
    expect(await results.nth(1).textContent()).toContain('account: no such account');
    await page.getByRole('button', { name: 'Import 1 row' }).waitFor();
    await screenshotBothWidths(page, 'program-value-import-check');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager scores a judgement criterion of her account; the ranking shows the new score', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/program/selection');
    await rankingRows(page).first().waitFor();
    // Only the rows she may change carry a Scores button.
    const row = rankingRows(page).filter({ has: page.getByRole('button', { name: /^Scores of / }) }).first();
    const name = (await row.locator('th[scope="row"] a').textContent())!;
    await row.getByRole('button', { name: `Scores of ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Scores of ${name}` });
    const group = dialog.locator('fieldset.score-group').first();
    await group.waitFor();
    const criterion = (await group.locator('legend').textContent())!;
    const contribution = () =>
      rankingRows(page)
        .filter({ has: page.getByRole('link', { name, exact: true }) })
        .locator('.contrib-list li', { hasText: `${criterion}:` });
    const before = (await contribution().textContent())!;
    const was = await group.locator('input[type="radio"]:checked').inputValue();
    const score = was === '2' ? '4' : '2';
    await group.getByLabel(score, { exact: true }).check();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Save scores' }).click();
    await page.getByText(`Scores of ${name} saved`).waitFor();
    // The criterion's contribution in the ranking follows the new judgement.
    await page.waitForFunction(
      ([account, text]) =>
        [...document.querySelectorAll('table.ranking tbody tr')]
          .find((tr) => tr.querySelector('th[scope="row"] a')?.textContent === account)
          ?.querySelector('.contrib-list')
          ?.textContent?.includes(text) === false,
      [name, before] as const,
    );
    const after = await contribution().textContent();
    expect(after).toMatch(/^.+: \+[\d.,]+/);
    expect(after).not.toBe(before);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an admin edits a criterion weight; the ranking follows', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.admin, undefined, '/program');
    await page.getByRole('heading', { name: 'Selection criteria (admins)' }).waitFor();
    const form = page.locator('form.criterion-form').first();
    await form.locator('input[type="number"]').fill('101');
    await form.getByRole('button', { name: /^Save/ }).click();
    await form.locator('.field-error').waitFor();
    await form.locator('input[type="number"]').fill('40');
    await form.getByRole('button', { name: /^Save/ }).click();
    await page.locator('form.criterion-form').first().getByText('(weight 40)').or(page.locator('.criteria-legend li', { hasText: '(weight 40)' })).first().waitFor();
    await checkPage(page, 'program-selection-admin');
    expect(problems).toEqual([]);
    await page.close();
  });
});
