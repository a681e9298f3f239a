import { readFileSync } from 'node:fs';
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
import { parseCsv } from '../../src/server/domain/csv.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
});
afterAll(() => env?.close());

const riskRows = (page: Page) => page.locator('table.risk-table tbody tr');
const levelOrder = { red: 0, amber: 1, green: 2 } as const;

async function rowLevels(page: Page): Promise<(keyof typeof levelOrder)[]> {
  return riskRows(page).evaluateAll((rows) => rows.map((r) => r.className.replace('risk-row-', '') as 'red' | 'amber' | 'green'));
}

describe('executive overview', () => {
  it('an executive reads the portfolio, sorts the Monday Morning Report and downloads it as CSV', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/overview');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Portfolio overview');
    // The trend with its band, the split by industry, the distribution and the loop metrics are all there.
    await page.locator('figure.chart polygon.band').first().waitFor();
    await page.getByRole('heading', { name: 'NPS by industry' }).waitFor();
    await page.locator('section[aria-labelledby="split-heading"] tbody tr').first().waitFor();
    expect(await page.locator('.distribution-legend li').allTextContents()).toEqual([
      expect.stringMatching(/^Promoters \(9–10\) \d+ \(\d+%\)$/),
      expect.stringMatching(/^Passives \(7–8\) \d+ \(\d+%\)$/),
      expect.stringMatching(/^Detractors \(0–6\) \d+ \(\d+%\)$/),
    ]);
    await page.locator('section[aria-labelledby="loop-heading"] tbody tr').first().waitFor();
    await riskRows(page).first().waitFor();
    const total = await riskRows(page).count();
    expect(total).toBeGreaterThanOrEqual(5);
    // Risk is never colour alone: each row says it in words.
    expect(await riskRows(page).locator('td:first-child').allTextContents()).toEqual(
      Array.from({ length: total }, () => expect.stringMatching(/^[●▲■] (At risk|Watch|On track)$/)),
    );

    // The split by owner: one row per manager.
    await page.getByLabel('Split the portfolio by').selectOption('owner');
    await page.getByRole('heading', { name: 'NPS by owner' }).waitFor();
    await page.locator('section[aria-labelledby="split-heading"] tbody tr').first().waitFor();
    expect(await page.locator('section[aria-labelledby="split-heading"] tbody th').allTextContents()).toEqual(
      expect.arrayContaining(['María Santos', 'Tom Lindqvist', 'Priya Raman']),
    );

    // Sort by level: most at risk first.
    const levelHeader = page.getByRole('columnheader', { name: /Level/ });
    await levelHeader.getByRole('button').click();
    expect(await levelHeader.getAttribute('aria-sort')).toBe('ascending');
    const levels = await rowLevels(page);
    expect(levels.map((l) => levelOrder[l])).toEqual([...levels.map((l) => levelOrder[l])].sort((a, b) => a - b));
    expect(levels[0]).toBe('red');
    await levelHeader.getByRole('button').click();
    expect(await levelHeader.getAttribute('aria-sort')).toBe('descending');
    expect((await rowLevels(page))[0]).toBe('green');

    // Then by account name, A to Z; the other headers say they are not sorted.
    const accountHeader = page.getByRole('columnheader', { name: /Account/ });
    await accountHeader.getByRole('button').click();
    expect(await accountHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await levelHeader.getAttribute('aria-sort')).toBe('none');
    const names = await riskRows(page).locator('td:nth-child(2) a').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    // Each row links to its account.
    expect(await riskRows(page).first().locator('a').getAttribute('href')).toMatch(/^\/accounts\/[0-9a-f-]{36}$/);

    // The CSV holds the same accounts as the table.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download risk CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('keypulse-account-risk.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = parseCsv(csv).map((r) => r.fields);
    expect(lines[0]!.join(',')).toBe('accountId,name,ownerId,ownerName,stage,level,score,nps,npsMargin,npsPeriod,renewalDate,reasons,link,npsResponses,npsEveryoneAnswered');
    expect(lines.length - 1).toBe(total);
    for (const name of names) expect(csv).toContain(name);

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'overview');
    // "Print / Save as PDF": no navigation, buttons or CSV links; the report itself stays.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: 'Download risk CSV' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print / Save as PDF' }).isVisible()).toBe(false);
    expect(await riskRows(page).first().isVisible()).toBe(true);
    await screenshot(page, 'overview-print');
    await page.emulateMedia({ media: 'screen' });
    // Executives have no Admin in the navigation and get "Admins only" at the address.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('loads everything it shows in at most three API requests, and switching the split asks for nothing', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/overview');
    // Counted from a fresh load of the page (signing in is not the page's doing). The page signing in
    // landed on may still be asking for its data after its heading shows, so only requests made after
    // the reload's new document commits count.
    const apiRequests: string[] = [];
    let reloaded = false;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) reloaded = true;
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (reloaded && url.pathname.startsWith('/api/')) apiRequests.push(`${request.method()} ${url.pathname}`);
    });
    await page.reload();
    await page.locator('figure.chart polygon.band').first().waitFor();
    await page.locator('section[aria-labelledby="split-heading"] tbody tr').first().waitFor();
    await riskRows(page).first().waitFor();
    await page.locator('section[aria-labelledby="loop-heading"] tbody tr').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(apiRequests).toContain('GET /api/reports/overview');
    expect(apiRequests.length, apiRequests.join(', ')).toBeLessThanOrEqual(3);

    const before = apiRequests.length;
    for (const by of ['owner', 'stage', 'industry'] as const) {
      await page.getByLabel('Split the portfolio by').selectOption(by);
      await page.getByRole('heading', { name: `NPS by ${by}` }).waitFor();
      await page.locator('section[aria-labelledby="split-heading"] tbody tr').first().waitFor();
    }
    expect(await page.locator('section[aria-labelledby="split-heading"] tbody th').allTextContents()).toContain('Logistics');
    await page.waitForLoadState('networkidle');
    expect(apiRequests.length, apiRequests.join(', ')).toBe(before);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('is where executives and admins start', async () => {
    const page = await env.browser.newPage();
    await signInAs(page, env.baseUrl, demoLogins.admin, undefined, '/');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Portfolio overview');
    await page.close();
  });
});

describe('admin', () => {
  it('an admin creates a manager and an API key, reviews the rules and changes the frequency window', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.admin, undefined, '/admin/users');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Admin: Users');
    expect(await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page');
    await page.locator('table.data tbody tr').first().waitFor();
    // Eleven admin pages in three labelled groups: on a desktop screen a sidebar beside the page, not rows of tabs above it.
    const adminNav = page.getByRole('navigation', { name: 'Admin' });
    for (const [group, pages] of [['People and access', 3], ['Feedback loop', 4], ['Connections', 4]] as const) {
      expect(await adminNav.getByRole('list', { name: group }).getByRole('link').count(), group).toBe(pages);
    }
    const navBox = (await adminNav.boundingBox())!;
    const panelBox = (await page.locator('.admin-panel').boundingBox())!;
    expect(navBox.x + navBox.width).toBeLessThanOrEqual(panelBox.x);

    // The shared schema catches a bad email in the browser, beside the field. No password: the new user sets their own.
    await page.getByLabel('Name', { exact: true }).fill('Nina Newman');
    await page.getByLabel('Email', { exact: true }).fill('nina@');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.locator('#new-user-email-error').textContent()).resolves.toBe('Email must be a valid email address');
    await page.getByLabel('Email', { exact: true }).fill('nina.newman@keypulse.demo');
    await page.getByLabel('Role', { exact: true }).selectOption('account_manager');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('Created Nina Newman (Account manager). We emailed them a link to set their password').waitFor();
    const nina = page.locator('tbody tr', { has: page.getByRole('rowheader', { name: 'Nina Newman' }) });
    await expect(nina.getByLabel('Role of Nina Newman').inputValue()).resolves.toBe('account_manager');
    await page.getByRole('button', { name: 'Send reset link to Nina Newman' }).click();
    await page.getByText('We emailed Nina Newman a link to choose a new password').waitFor();
    // The API refuses to lose the last admin, and says so.
    await page.getByRole('button', { name: 'Disable Alex Admin' }).click();
    await page.getByRole('dialog', { name: 'Disable Alex Admin?' }).getByRole('button', { name: 'Disable Alex Admin' }).click();
    await page.getByText(/last active admin/).waitFor();
    // Chromium logs the refused request (409) itself; that one is expected, anything else is a problem.
    const refused = problems.findIndex((p) => /status of 409/.test(p));
    if (refused >= 0) problems.splice(refused, 1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'admin-users');

    // API keys: shown once, then only the name and prefix.
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(`${env.baseUrl}/admin/api-keys`);
    await page.getByLabel('Name').fill('CRM sync');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!;
    expect(key).toMatch(/^kp_live_/);
    await page.getByText('Copy it now: it is shown only this once.').waitFor();
    const row = page.locator('tbody tr', { has: page.getByRole('rowheader', { name: 'CRM sync' }) });
    const prefix = (await row.locator('code').textContent())!.replace('…', '');
    expect(key.startsWith(prefix)).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'admin-api-keys');
    await page.reload();
    await page.locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('new-api-key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    expect(await row.locator('code').textContent()).toBe(`${prefix}…`);
    // The key works for a script until it is revoked (with a confirmation first).
    const asScript = await page.request.get(`${env.baseUrl}/api/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(asScript.status()).toBe(200);
    await row.getByRole('button', { name: 'Revoke CRM sync' }).click();
    await row.getByRole('button', { name: 'Yes, revoke “CRM sync”' }).click();
    await page.getByText('Revoked “CRM sync”').waitFor();
    expect((await page.request.get(`${env.baseUrl}/api/me`, { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);

    // Follow-up rules, in words.
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Follow-up rules' }).click();
    await page.waitForURL(`${env.baseUrl}/admin/rules`);
    await page.getByText(/^When the answer to “How likely is it .*” is between 0 and 6: a high-priority task for the account owner, due in 2 business days\.$/).waitFor();
    // Edit a rule's urgency, and switch one off.
    await page.getByRole('button', { name: 'Edit NPS passive (7–8)' }).click();
    const edit = page.getByRole('form', { name: 'Edit NPS passive (7–8)' });
    await edit.getByLabel('Priority').selectOption('high');
    await edit.getByLabel('Due in (business days)').fill('3');
    await edit.getByLabel('To (0–10)').fill('11');
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await expect(edit.locator('.field-error').first().textContent()).resolves.toMatch(/10/);
    await edit.getByLabel('To (0–10)').fill('8');
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Saved “NPS passive (7–8)”.').waitFor();
    await page.getByText(/is between 7 and 8: a high-priority task for the account owner, due in 3 business days\.$/).waitFor();
    await page.getByRole('button', { name: 'Turn off Audit: sees us as a supplier, not a partner' }).click();
    await page.getByText('“Audit: sees us as a supplier, not a partner” is off: it creates no more tasks.').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'admin-rules');

    // Settings: the frequency window, from the environment until changed here.
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`${env.baseUrl}/admin/settings`);
    const days = page.getByLabel('Frequency window (days)');
    await expect(days.inputValue()).resolves.toBe('30');
    await days.fill('400');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('#minDaysBetweenSurveys-error').textContent()).resolves.toBe('Frequency window must be between 0 and 365');
    await days.fill('14');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved\./).waitFor();
    expect(await page.locator('#minDaysBetweenSurveys-source').textContent()).toContain('Changed here');
    expect(await page.locator('#timeZone-source').textContent()).toContain('From the environment');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'admin-settings');
    await page.reload();
    await expect(page.getByLabel('Frequency window (days)').inputValue()).resolves.toBe('14');
    const settings = await (await page.request.get(`${env.baseUrl}/api/settings`)).json();
    expect(settings.values.minDaysBetweenSurveys).toBe(14);
    expect(settings.sources.minDaysBetweenSurveys).toBe('admin');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager cannot open the admin pages', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.tom, undefined, '/my-day');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
    for (const path of ['/admin/users', '/admin/api-keys', '/admin/rules', '/admin/settings', '/admin/indicators']) {
      await page.goto(`${env.baseUrl}${path}`);
      await expect(page.locator('main h1').textContent()).resolves.toBe('Admins only');
      expect(await page.locator('main table').count()).toBe(0);
      expect(await page.locator('main form').count()).toBe(0);
    }
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'admin-manager-refused');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an admin adds a partnership signal and switches another off; the manager\'s checklist follows', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.admin, undefined, '/admin/users');
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Partnership signals' }).click();
    await page.waitForURL(`${env.baseUrl}/admin/indicators`);
    const items = page.locator('ol.indicator-list > li');
    await items.first().waitFor();
    // Empty name: the shared schema answers in the browser, next to the field.
    await page.getByRole('button', { name: 'Add signal' }).click();
    await expect(page.locator('#signal-new-name-error').textContent()).resolves.toBe('Name is required');
    await page.getByLabel('Name').last().fill('They invite us to their strategy offsite');
    await page.getByRole('button', { name: 'Add signal' }).click();
    await page.getByText('Added “They invite us to their strategy offsite” at the end of the list.').waitFor();
    const first = (await items.first().locator('h3 span').first().textContent())!.replace(/^\d+\.\s*/, '');
    await page.getByRole('button', { name: `Switch off ${first}` }).click();
    await page.getByRole('button', { name: `Switch on ${first}` }).waitFor();
    // Move the new one up a place: the list is renumbered and saved.
    await page.getByRole('button', { name: 'Move up: They invite us to their strategy offsite' }).click();
    await page.getByText(/^“They invite us to their strategy offsite” moved up to place \d+ of \d+\.$/).waitFor();
    expect(await items.last().locator('h3').textContent()).not.toContain('They invite us');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'admin-indicators');
    expect(problems).toEqual([]);
    await page.close();

    const northwind = (await findAccountByName(env.ctx.deps.db, 'Northwind Logistics'))!.id; // María's key account
    const maria = await env.browser.newPage();
    await signInAs(maria, env.baseUrl, demoLogins.maria, undefined, `/accounts/${northwind}/partnership`);
    const legends = maria.getByRole('form', { name: 'Assess the partnership' }).locator('fieldset.indicator legend');
    await legends.first().waitFor();
    const names = await legends.allTextContents();
    expect(names.at(-2)).toBe('They invite us to their strategy offsite');
    expect(names).not.toContain(first);
    await maria.close();
  });
});
