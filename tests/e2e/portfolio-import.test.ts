import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLogins, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD, type TestUser } from '../helpers/test-app.js';
import { buildXlsx } from '../helpers/xlsx.js';

let env: E2eServer;
let manager: TestUser;

beforeAll(async () => {
  env = await startE2eServer();
  manager = await env.ctx.createUser('account_manager', { name: 'Pia Portfolio' });
}, 180_000);
afterAll(() => env?.close());

describe('importing a portfolio on the accounts page', () => {
  it('a manager on a phone downloads the template, checks a file, reads the errors by line, then imports', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage({ viewport: { width: 360, height: 800 } });
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/accounts');
    const box = page.locator('details.portfolio-import');
    await box.locator('summary').click();
    expect(await box.textContent()).toContain('Your own accounts only');

    const [download] = await Promise.all([page.waitForEvent('download'), box.getByRole('link', { name: 'Download the template (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('keypulse-portfolio-template.csv');
    const template = readFileSync((await download.path())!, 'utf8');
    expect(template.split('\r\n')[0]).toMatch(/^Account name,Domain,Industry,Owner email,Stage/);

    const csv = [
      'Company,Website,Stage,ARR,Renewal,Contact,E-mail,Level,Role,Favourite colour',
      'Harbour Freight,harbour.example,key account,250000,2027-09-30,Hana Harbour,hana@harbour.example,instigator,decision maker,blue',
      'Harbour Freight,harbour.example,,,,Hal Harbour,not-an-email,influencer,user,red',
    ].join('\n');
    await box.getByLabel('CSV or XLSX file').setInputFiles({ name: 'portfolio.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await box.getByRole('button', { name: 'Check the file' }).click();
    const summary = box.locator('.import-summary');
    await expect.poll(() => summary.textContent()).toContain('Checked, nothing written yet: 1 to create');
    expect(await box.textContent()).toContain('Columns not read (no such field): Favourite colour.');
    const rows = box.locator('table.import-result tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('Will be created');
    expect(await rows.nth(1).textContent()).toMatch(/^3.*Harbour Freight.*not-an-email.*Error.*email: must be a valid email address/);
    // Nothing written by the check.
    const api = await env.ctx.signIn(manager);
    expect((await api.get('/api/accounts')).body.total).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // Nothing sticks out sideways at 360 px (the table scrolls inside its own box).
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 361).map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 15));
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await box.getByRole('button', { name: 'Import 1 row' }).click();
    await expect.poll(() => summary.textContent()).toContain('Imported: 1 created');
    expect((await api.get('/api/accounts')).body.data.map((a: { name: string; domain: string }) => [a.name, a.domain])).toEqual([['Harbour Freight', 'harbour.example']]);
    // The list above reloads with the new account.
    await expect.poll(() => page.locator('main a', { hasText: 'Harbour Freight' }).count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('an XLSX sheet is checked the same way, its rows numbered as in the sheet', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/accounts');
    const box = page.locator('details.portfolio-import');
    await box.locator('summary').click();
    const sheet = buildXlsx([
      ['Account name', 'Owner email', 'Renewal date'],
      [],
      ['Quay Logistics', 'someone.else@example.com', new Date('2027-01-31T00:00:00Z')],
      ['Pier Shipping', manager.email, new Date('2027-02-28T00:00:00Z')],
    ]);
    await box.getByLabel('CSV or XLSX file').setInputFiles({ name: 'portfolio.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(sheet) });
    await box.getByRole('button', { name: 'Check the file' }).click();
    const rows = box.locator('table.import-result tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toMatch(/^3.*Quay Logistics.*Error.*owner: no active user has this email/);
    expect(await rows.nth(1).textContent()).toMatch(/^4.*Pier Shipping.*Will be created/);
    expect(problems).toEqual([]);
  });
});

describe('the overview\'s split CSV, written by csv-stringify in the browser', () => {
  let demo: E2eServer;
  beforeAll(async () => {
    demo = await startE2eServer({}, { demo: true });
  }, 180_000);
  afterAll(() => demo?.close());

  it('loads csv-stringify on the first click and downloads the split with its header', { timeout: 120_000 }, async () => {
    const page = await demo.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);
    await signInAs(page, demo.baseUrl, demoLogins.executive, undefined, '/overview');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download split CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('keypulse-nps-by-industry.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('"group","period","nps","marginOfError","responses","changeSince","change","significant","changeReason"');
    expect(lines.length).toBeGreaterThan(2);
    expect(problems).toEqual([]);
  });
});
