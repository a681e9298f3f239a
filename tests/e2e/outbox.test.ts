import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responses } from '../../src/server/db/schema/index.js';
import { screenshotBothWidths, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer();
});
afterAll(() => env?.close());

describe('the email log in Chromium', () => {
  it('a new user signs in, opens a survey email from the outbox and answers it as the customer would', async () => {
    const manager = await env.ctx.signIn('account_manager');
    const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [{ name: 'Greta' }]);
    await sendCampaign(env.ctx, manager, { accountIds: [accountId] });

    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${env.baseUrl}/outbox`);
    expect(page.url()).toContain('/signin?next=%2Foutbox');
    await page.getByLabel('Email').fill(manager.user.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/outbox');
    await screenshotBothWidths(page, 'outbox');

    await page.getByRole('row', { name: new RegExp(emails[0]!.replace(/[.]/g, '\\.')) }).getByRole('link').click();
    await page.waitForURL(/\/outbox\/[0-9a-f-]{36}$/);
    await screenshotBothWidths(page, 'outbox-message');
    await page.locator('pre.email-text a[href*="/s/"]').first().click();
    await page.waitForURL(/\/s\/[\w-]{43}/);
    await page.getByRole('radio', { name: '8', exact: true }).check();
    await expect.poll(async () => {
      const [row] = await env.ctx.database.db.select().from(responses).where(eq(responses.contactId, contactIds[0]!));
      return row?.npsScore;
    }).toBe(8);
    expect(problems).toEqual([]);
    await page.close();
  });
});
