import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { like } from 'drizzle-orm';
import { screenshotBothWidths, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/test-app.js';
import { solidPng } from '../helpers/images.js';
import { settings } from '../../src/server/db/schema/index.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer();
});
afterAll(() => env?.close());

describe('an admin brands the installation and sets its currency', () => {
  it('uploads a logo, picks an accent and the currency, and the workspace shows money in it', async () => {
    const admin = await env.ctx.createUser('admin');
    const api = await env.ctx.signIn(admin);
    const owner = await env.ctx.createUser('account_manager');
    const created = await api.post('/api/accounts', { name: 'Borealis Freight', ownerId: owner.id, annualRevenue: 240_000_000 });
    expect(created.status).toBe(201);

    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, admin.email, TEST_PASSWORD, '/accounts');
    // Euros from the environment, with the symbol (not a bare "2,400,000").
    await expect.poll(() => page.locator('td.num', { hasText: '2,400,000' }).first().textContent()).toBe('€2,400,000');

    await page.goto(`${env.baseUrl}/admin/settings`);
    await page.locator('main h1').first().waitFor();
    // A wrong type is refused in the browser already, and nothing is stored.
    await page.getByLabel('Upload a logo').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
    await page.getByText('Nothing was saved: the logo must be a PNG, JPEG or WebP image (SVG is not accepted).').waitFor();
    expect(await env.ctx.database.db.select().from(settings).where(like(settings.key, 'brand.%'))).toEqual([]);

    await page.getByLabel('Upload a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: solidPng(160, 48, [20, 90, 60]) });
    await page.getByText('Logo saved. Survey pages and new emails show it from now on.').waitFor();
    await expect.poll(() => page.locator('img.logo-preview').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);

    await page.getByLabel('Company name').fill('Borealis Partners');
    await page.getByLabel('Accent colour').fill('#145a3c');
    await page.getByLabel('Currency').fill('usd');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved\./).waitFor();
    expect(await page.locator('#currency-source').textContent()).toContain('Changed here');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'admin-settings-brand');

    // Money follows at once in this tab, and in a new one from the app shell.
    await page.goto(`${env.baseUrl}/accounts`);
    await expect.poll(() => page.locator('td.num', { hasText: '2,400,000' }).first().textContent()).toBe('$2,400,000');
    const stored = await (await page.request.get(`${env.baseUrl}/api/settings`)).json();
    expect(stored.values).toMatchObject({ companyName: 'Borealis Partners', accentColor: '#145a3c', currency: 'USD' });
    expect(problems).toEqual([]);

    await api.patch('/api/settings', { companyName: null, accentColor: null, currency: null });
    await api.delete('/api/settings/logo');
    await page.close();
  });
});
