import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { count, eq } from 'drizzle-orm';
import { screenshotBothWidths, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/test-app.js';
import { accounts, responses } from '../../src/server/db/schema/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/delighted/${name}`, import.meta.url));

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer();
});
afterAll(() => env?.close());

describe('Admin · Import from Delighted in Chromium', () => {
  it('an admin picks the export, dry-runs it, reads the report, imports, and sees the answers marked imported', async () => {
    // After Delighted closed: the fixture's answers (July 2024 – June 2026) are all in the past.
    env.ctx.clock.set('2026-07-10T09:00:00Z');
    const admin = await env.ctx.createUser('admin');
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, admin.email, TEST_PASSWORD, '/admin/import-delighted');
    await page.getByRole('heading', { name: 'Admin: Import from Delighted' }).waitFor();
    await page.getByRole('link', { name: 'Import from Delighted' }).waitFor();

    // Without the responses file the page says what is missing, beside the field.
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText('Choose the survey responses file first.').waitFor();

    await page.getByLabel('Survey responses (required)').setInputFiles(fixture('responses.csv'));
    await page.getByLabel('People (optional)').setInputFiles(fixture('people.csv'));
    await page.getByLabel('Unsubscribes (optional)').setInputFiles(fixture('unsubscribes.csv'));
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText(/^Dry run — nothing was written\. 73 answers would be imported/).waitFor();
    const report = page.getByRole('region', { name: 'Row by row' });
    await report.getByRole('row', { name: /responses line \d+ Error .*0 to 10/ }).waitFor();
    await report.getByText(/survey type "csat" is not imported/).waitFor();
    const [before] = await env.ctx.database.db.select({ n: count() }).from(responses);
    expect(Number(before!.n)).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'admin-import-delighted-dry-run');

    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/^Imported\. 73 answers/).waitFor();
    const [after] = await env.ctx.database.db.select({ n: count() }).from(responses);
    expect(Number(after!.n)).toBe(73);

    // The account page shows the answers with where they came from.
    const [northwind] = await env.ctx.database.db.select().from(accounts).where(eq(accounts.name, 'Northwind Logistics'));
    await page.goto(`${env.baseUrl}/accounts/${northwind!.id}`);
    await page.getByRole('heading', { name: 'Responses' }).waitFor();
    await page.getByText('· Imported from Delighted').first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
