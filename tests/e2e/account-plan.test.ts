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
import { findAccountByName } from '../../src/server/db/queries/accounts.js';

let env: E2eServer;
let northwind: string;

/** At 360 px the page itself never scrolls sideways (wide content scrolls inside its own box). */
async function fitsPhoneWidth(page: Page): Promise<number> {
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  return width;
}

/** A calendar date `days` from today, as the date input takes it. */
function dateIn(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
  northwind = (await findAccountByName(env.ctx.deps.db, 'Northwind Logistics'))!.id; // María's key account, with a demo plan
});
afterAll(() => env?.close());

describe('the account plan, in Chromium', () => {
  it('a manager updates the SWOT, adds an action that appears on their task list, and prints the plan', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, `/accounts/${northwind}`);
    await page.getByRole('link', { name: 'Account plan' }).click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}\/plan$/);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Account plan: Northwind Logistics');

    // The demo plan: the four parts, the team, the history.
    const intelligence = page.getByRole('region', { name: 'Intelligence' });
    await intelligence.getByText('Trusted by their COO').waitFor();
    await page.getByRole('region', { name: 'Account team and counterparts' }).getByText('Executive sponsor').first().waitFor();
    await page.getByRole('region', { name: 'History of changes' }).locator('.history-list li').first().waitFor();
    await screenshotBothWidths(page, 'account-plan');
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Edit the SWOT in place: the shared schema refuses a share over 100 next to the field, nothing is sent.
    await page.getByRole('button', { name: 'Edit intelligence' }).click();
    const strengths = page.getByLabel('Strengths');
    await strengths.fill(`${await strengths.inputValue()}\nOur drivers know their hubs by name`);
    await page.getByLabel('Threats').fill('A rival offers bundled customs brokerage');
    await page.getByLabel('Our share of their spend (%)').fill('150');
    await page.getByRole('button', { name: 'Save intelligence' }).click();
    await page.locator('#plan-share-error').waitFor();
    expect(await page.locator('#plan-share-error').textContent()).toMatch(/100/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Our share of their spend (%)').fill('55');
    await page.getByRole('button', { name: 'Save intelligence' }).click();
    await page.getByText('Intelligence saved.').waitFor();
    await intelligence.getByText('Our drivers know their hubs by name').waitFor();
    expect(await intelligence.getByText('Procurement pushes for a tender next year').count()).toBe(0);
    await intelligence.getByText('55%').waitFor();
    await page.getByRole('region', { name: 'History of changes' }).getByText(/^Intelligence: /).first().waitFor();

    // Add an action: it becomes a task on María's own task list.
    const title = 'Present the cold-chain offer to their hub managers';
    await page.getByRole('button', { name: 'Add an action' }).click();
    await page.getByRole('button', { name: 'Add action' }).click(); // empty: the shared schema says why
    await page.locator('#action-title-error').waitFor();
    await page.locator('#action-due-error').waitFor();
    await page.getByLabel('What').fill(title);
    await page.getByLabel('By when').fill(dateIn(1));
    await page.getByLabel('Goal it serves').selectOption('sales');
    await page.getByRole('button', { name: 'Add action' }).click();
    await page.getByText(`Action added: “${title}”`).waitFor();
    const implementation = page.getByRole('region', { name: 'Implementation' });
    const row = implementation.getByRole('row', { name: new RegExp(title) });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/María Santos/);
    expect(await row.textContent()).toMatch(/due tomorrow/);
    expect(await implementation.locator('.plan-progress').textContent()).toMatch(/1 of 3 actions done/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Print: a clean plan without edit controls, navigation or forms.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add an action' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Print / Save as PDF' }).count()).toBe(0);
    expect(await intelligence.getByText('Our drivers know their hubs by name').isVisible()).toBe(true);
    await screenshot(page, 'account-plan-print');
    await page.emulateMedia({ media: 'screen' });

    // The task list: the action is there, and opens the task.
    await page.getByRole('link', { name: title }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('main h1').textContent()).toBe(title);
    await page.goto(`${env.baseUrl}/tasks`);
    await page.getByRole('link', { name: title }).first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a manager enters a quarter's figures by hand and sees a negative contribution", async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, `/accounts/${northwind}/plan`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Account plan: Northwind Logistics');
    const profile = page.getByRole('region', { name: 'Profile' });
    await profile.getByRole('button', { name: "Enter a quarter's figures" }).click();
    const form = page.getByRole('form', { name: "Enter a quarter's figures" });
    const quarter = await form.getByLabel('Quarter').inputValue();
    expect(quarter).toMatch(/^\d{4}-Q[1-4]$/);

    // A negative revenue is refused next to its field by the shared schema; nothing is sent.
    await form.getByLabel('Revenue').fill('-5');
    await form.getByLabel('Gross profit').fill('1000');
    await form.getByRole('button', { name: 'Save figures' }).click();
    await page.locator('#qv-revenue-error').waitFor();
    await screenshotBothWidths(page, 'account-plan-quarter-figures');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);

    // Gross profit 1,000 − team cost 1,500 − discounts 200 = −700.
    await form.getByLabel('Revenue').fill('12000');
    await form.getByLabel('Account-team cost').fill('1500');
    await form.getByLabel('Discounts').fill('200');
    await form.getByRole('button', { name: 'Save figures' }).click();
    await page.getByText(new RegExp(`Figures for ${quarter} saved: contribution .*700.* \\(negative\\)`)).waitFor();
    const row = profile.getByRole('row', { name: new RegExp(`^${quarter}`) });
    await expect.poll(() => row.textContent()).toMatch(/700.*\(negative\)/);
    expect(await row.locator('td.overdue').count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager adds a colleague from another team to the account team', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, `/accounts/${northwind}/plan`);
    const team = page.getByRole('region', { name: 'Account team and counterparts' });
    await team.getByText('Executive sponsor').first().waitFor();
    await team.getByRole('button', { name: 'Add to the team' }).click();
    const form = page.getByRole('form', { name: 'Add to the account team' });
    // Every active colleague is offered by name, not only María and the people already on the team.
    const person = form.getByLabel('Person');
    await expect.poll(async () => (await person.locator('option').allTextContents()).includes('Priya Raman')).toBe(true);
    await person.selectOption({ label: 'Priya Raman' });
    await form.getByLabel('Role on the account').fill('Telecom know-how');
    await form.getByRole('button', { name: 'Add to the team' }).click();
    await page.getByText('Priya Raman added to the account team.').waitFor();
    await team.getByText('Telecom know-how').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager records a partnership assessment and sees the score', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, `/accounts/${northwind}`);
    await page.getByRole('link', { name: 'Partnership' }).click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}\/partnership$/);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Partnership: Northwind Logistics');
    const form = page.getByRole('form', { name: 'Assess the partnership' });
    const groups = form.locator('fieldset.indicator');
    await groups.first().waitFor();
    expect(await groups.count()).toBeGreaterThanOrEqual(10);
    await screenshotBothWidths(page, 'account-partnership');
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Answer every signal: four yes, two partly, the rest no → a score we can compute here.
    const n = await groups.count();
    for (let i = 0; i < n; i++) {
      const answer = i < 4 ? 'Yes' : i < 6 ? 'Partly' : 'No';
      await groups.nth(i).getByRole('radio', { name: answer, exact: true }).check();
    }
    await groups.first().getByRole('textbox').fill('Their COO said so at the last review');
    await form.getByLabel('Notes on this assessment (optional)').fill('Annual review, December');
    await form.getByRole('button', { name: /^Save assessment/ }).click();
    const expected = `${Math.round(((4 + 1) / n) * 100)}%`;
    await page.getByText(`Assessment saved: partnership score ${expected}`).waitFor();
    await expect.poll(() => page.locator('.partnership-score').textContent()).toBe(expected);
    await page.getByRole('region', { name: 'Score over time' }).getByRole('row', { name: new RegExp(expected) }).first().waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an executive reads the plan and the partnership without edit controls', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, `/accounts/${northwind}/plan`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Account plan: Northwind Logistics');
    await page.getByRole('region', { name: 'Intelligence' }).getByText('Trusted by their COO').waitFor();
    expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Add / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove', exact: false }).count()).toBe(0);
    await page.getByRole('button', { name: 'Print / Save as PDF' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Partnership' }).click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Partnership: Northwind Logistics');
    await page.locator('.partnership-score').waitFor();
    expect(await page.getByRole('form', { name: 'Assess the partnership' }).count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("another manager's plan by URL reads as not found", async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.on('console', () => undefined);
    await signInAs(page, env.baseUrl, demoLogins.tom, undefined, `/accounts/${northwind}/plan`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Account plan not found');
    await page.getByText(/Not found/).waitFor();
    await page.goto(`${env.baseUrl}/accounts/${northwind}/partnership`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Account not found');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // The browser logs the 404 answers themselves; nothing else may go wrong.
    expect(problems.filter((p) => !/404/.test(p))).toEqual([]);
    await page.close();
  });
});
