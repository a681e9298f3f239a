import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoLogins,
  screenshotBothWidths,
  seriousAccessibilityViolations,
  signInAs,
  startE2eServer,
  watchPageProblems,
  type E2eServer,
} from '../helpers/browser.js';
import type { Page } from 'playwright-core';

let env: E2eServer;

/** At 360 px the page itself never scrolls sideways (wide content scrolls inside its own box). */
async function fitsPhoneWidth(page: Page): Promise<number> {
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  return width;
}
beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
});
afterAll(() => env?.close());

describe('a manager closes the loop on a detractor, in Chromium', () => {
  it("finds the detractor's words on My day, opens the task, closes it telling the customer, and sees the email in the log", async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.tom, undefined, '/');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('My day');

    // My day: open tasks, accounts with risk, and the new answers, detractors first with their words. A first
    // visit shows the last 30 days (the demo's latest audit answers); its latest NPS wave was answered about three
    // months ago: look further back.
    const answers = page.getByRole('region', { name: /New answers/ });
    await page.getByRole('heading', { name: 'New answers from the last 30 days' }).waitFor();
    await answers.getByRole('button', { name: 'Show the last 12 months' }).click();
    await page.getByRole('heading', { name: 'New answers from the last 12 months' }).waitFor();
    await answers.locator('.answer-card').first().waitFor();
    await page.getByRole('region', { name: 'My accounts' }).locator('table').waitFor();
    await page.getByRole('region', { name: 'My open tasks' }).locator('.task-list').waitFor();
    const first = answers.locator('.answer-card').first();
    expect(await first.locator('.badge').textContent()).toMatch(/^Detractor · \d$/);
    expect(await page.getByText('Overdue', { exact: false }).count()).toBeGreaterThanOrEqual(0);
    // A detractor who wrote something, with the task their answer created, still open (the demo's older
    // answers were followed up and closed long ago).
    const withWords = answers
      .locator('.answer-card.detractor', { has: page.locator('blockquote') })
      .filter({ has: page.locator('.answer-task', { hasText: '(Open)' }) })
      .first();
    const words = (await withWords.locator('blockquote').first().textContent())!.replace(/[“”]/g, '');
    expect(words.length).toBeGreaterThan(5);
    await screenshotBothWidths(page, 'tasks-my-day');
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Looking marks nothing: a reload still shows the same answer.
    await page.reload();
    await answers.getByText(words, { exact: false }).first().waitFor();

    // The task page: the answer in context.
    await withWords.getByRole('link', { name: /^Open the task/ }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    const told = page.getByRole('region', { name: 'What the customer told us' });
    await told.waitFor();
    await told.getByText(words, { exact: false }).waitFor();
    expect(await told.locator('.badge.detractor').count()).toBe(1);
    expect(await told.getByText(/recommend/i).count()).toBeGreaterThan(0);
    await screenshotBothWidths(page, 'tasks-task-page');
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Start working, comment, then close with "tell the customer": preview first, then send.
    await page.getByRole('button', { name: 'Start working' }).click();
    await page.getByText('Marked as in progress.').waitFor();
    await page.getByLabel('Add a comment').fill('Called them; the delivery team is on it.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.locator('.comments').getByText('Called them; the delivery team is on it.').waitFor();

    await page.getByRole('button', { name: 'Close the task' }).click(); // empty: the shared schema says why
    await page.locator('#resolution-error').waitFor();
    expect(await page.locator('#resolution-error').textContent()).toBe('say what was done');

    const resolution = 'We rebooked every late delivery and you now have a named contact in logistics.';
    await page.getByLabel('Resolution').fill(resolution);
    await page.getByLabel('Tell the customer').check();
    await page.getByRole('button', { name: 'Preview the email' }).click();
    const preview = page.getByRole('region', { name: 'The email the customer will get' });
    await preview.waitFor();
    const to = (await preview.locator('dt:text-is("To") + dd').textContent())!.trim();
    expect(to).toMatch(/@/);
    const text = (await preview.locator('.email-text').textContent())!;
    expect(text).toContain(resolution);
    expect(text).toContain(words.trim().split('\n')[0]!);
    await screenshotBothWidths(page, 'tasks-close-preview');
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A double click sends once.
    await preview.getByRole('button', { name: 'Send the email and close' }).dblclick();
    await page.getByRole('region', { name: 'Closed' }).waitFor();
    await page.getByText('was emailed what we did').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Closed'); // the focus follows
    await env.ctx.runJobs();

    // The email log shows it, to the customer.
    await page.getByRole('link', { name: 'See it in the email log' }).click();
    await page.waitForURL(`${env.baseUrl}/emails`);
    const rows = page.locator('tr', { hasText: to }).filter({ hasText: /What we did with your feedback|Lo que hicimos con su opinión/ });
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the task list filters by status, priority and overdue, with the filters in the URL', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.tom, undefined, '/tasks');
    const table = page.locator('table.task-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshotBothWidths(page, 'tasks-list');
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Priority').selectOption('high');
    await page.waitForURL(/priority=high/);
    await page.getByLabel('Status').selectOption('done,dismissed');
    await page.waitForURL(/status=done%2Cdismissed|status=done,dismissed/);
    await page.getByRole('status').filter({ hasText: /tasks found/ }).waitFor();
    await page.reload();
    expect(await page.getByLabel('Status').inputValue()).toBe('done,dismissed');
    expect(await page.getByLabel('Priority').inputValue()).toBe('high');
    await page.getByRole('link', { name: 'Clear filters' }).first().click();
    await page.waitForURL(`${env.baseUrl}/tasks`);
    await table.waitFor();

    // The board: a column per status, the other filters still apply.
    await page.getByRole('navigation', { name: 'View' }).getByRole('link', { name: 'Board by status' }).click();
    await page.waitForURL(/view=board/);
    for (const name of ['Open', 'In progress', 'Done or dismissed']) await page.getByRole('region', { name: new RegExp(`^${name} \\(`) }).waitFor();
    expect(await page.getByRole('region', { name: /^Open \(/ }).locator('li').count()).toBeGreaterThan(0);
    await screenshotBothWidths(page, 'tasks-board');
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an executive reads a task but is offered nothing to change', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/tasks');
    await page.locator('table.task-table tbody tr a').first().click();
    await page.getByRole('region', { name: 'What the customer told us' }).waitFor();
    expect(await page.getByRole('button', { name: /Close the task|Start working|Reassign|Add comment/ }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('My day works from the keyboard alone: tab to an answer\'s task, open it, come back, mark answers as seen', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    // The last 12 months (the demo's latest answers are about three months old), as the page's button links to.
    await signInAs(page, env.baseUrl, demoLogins.tom, undefined, '/my-day?days=365');
    const answers = page.getByRole('region', { name: /New answers/ });
    await answers.locator('.answer-card').first().waitFor();

    // Tab until a task link inside the new answers has the focus.
    let focused = '';
    for (let i = 0; i < 80 && !focused.startsWith('Open the task'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.closest('.answer-list') ? (el.textContent ?? '') : '';
      });
    }
    expect(focused).toMatch(/^Open the task/);
    // The focus is visible.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    // The task's data arrives late, as on a slow connection: the focus must still end on its heading.
    const taskData = /\/api\/tasks\/[0-9a-f-]{36}(\/context)?$/;
    await page.route(taskData, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    // Focus lands on the task's heading (not on My day's, which stays on screen while the task loads).
    const focusedTaskHeading = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el?.tagName === 'H1' && el.nextElementSibling?.classList.contains('task-facts') === true;
      });
    await expect.poll(focusedTaskHeading).toBe(true);
    await page.unroute(taskData);
    await page.goBack();
    await answers.locator('.answer-card').first().waitFor();

    // Reach "Mark as seen" by keyboard and press it.
    let onButton = false;
    for (let i = 0; i < 120 && !onButton; i++) {
      await page.keyboard.press('Tab');
      onButton = await page.evaluate(() => document.activeElement?.textContent === 'Mark as seen');
    }
    expect(onButton).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /as seen/ }).waitFor();
    await page.getByText(/No new answers since/).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
