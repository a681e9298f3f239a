import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { screenshotBothWidths, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { startFakeHubspot, type FakeHubspot } from '../helpers/fake-hubspot.js';
import { TEST_PASSWORD } from '../helpers/test-app.js';
import { accounts } from '../../src/server/db/schema/index.js';

let env: E2eServer;
let fake: FakeHubspot;
beforeAll(async () => {
  let now = () => new Date();
  fake = await startFakeHubspot({ now: () => now() });
  env = await startE2eServer({ hubspot: { baseUrl: fake.url, retries: 0 } });
  now = () => env.ctx.clock.now();
  const at = new Date(env.ctx.clock.now().getTime() - 86_400_000);
  fake.owners.push({ id: '1', email: 'owner.e2e@example.com', firstName: 'Olga', lastName: 'Owner' });
  fake.addCompany('1', { name: 'Fabrikam', domain: 'fabrikam.com', hubspot_owner_id: '1' }, at);
  fake.addCompany('2', { name: 'Orphan Ltd', domain: 'orphan.example', hubspot_owner_id: null }, at);
  fake.addContact('11', '1', { firstname: 'Femke', lastname: 'Visser', email: 'femke@fabrikam.com', jobtitle: 'COO' }, at);
});
afterAll(async () => {
  await env?.close();
  await fake?.close();
});

describe('Admin · HubSpot in Chromium', () => {
  it('an admin connects HubSpot, presses Sync now and reads the result report', async () => {
    const admin = await env.ctx.createUser('admin');
    await env.ctx.createUser('account_manager', { email: 'owner.e2e@example.com' });
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, admin.email, TEST_PASSWORD, '/admin/hubspot');
    await page.getByRole('heading', { name: 'Admin: HubSpot' }).waitFor();
    await page.getByRole('link', { name: 'HubSpot' }).waitFor();

    // Connecting without a token is refused beside the field.
    await page.getByRole('button', { name: 'Connect HubSpot' }).click();
    await page.getByText('Private app access token is required to connect HubSpot').waitFor();

    await page.getByLabel('Private app access token').fill(fake.token);
    await page.getByLabel('Write NPS, risk and last scores back to HubSpot').check();
    await page.getByRole('button', { name: 'Connect HubSpot' }).click();
    await page.getByText('HubSpot connected.').waitFor();
    await page.getByText(`Connected with the token ending …${fake.token.slice(-4)}`, { exact: false }).waitFor();
    expect(await page.content()).not.toContain(fake.token);

    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Sync started.').waitFor();
    await env.ctx.runJobs(); // the queue's worker, run here
    const current = page.getByRole('region', { name: 'Current sync' });
    await current.getByText('Finished', { exact: true }).waitFor();
    const companies = current.getByRole('row', { name: /Companies → accounts/ });
    await expect.poll(() => companies.locator('td').allTextContents()).toEqual(['1', '0', '0', '1']);
    await current.getByText(/Orphan Ltd \(HubSpot 2\): skipped — no HubSpot owner, and no default owner is set/).waitFor();
    await current.getByText('Written back to HubSpot: 1 companies, 0 contacts.').waitFor();
    const [n] = await env.ctx.database.db.select({ n: count() }).from(accounts);
    expect(Number(n!.n)).toBe(1);
    expect(fake.companies.get('1')!.properties.keypulse_risk_level).toBeDefined();

    await screenshotBothWidths(page, 'admin-hubspot');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager sees “Admins only”', async () => {
    const manager = await env.ctx.createUser('account_manager');
    const page = await env.browser.newPage();
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/admin/hubspot');
    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    await page.close();
  });
});
