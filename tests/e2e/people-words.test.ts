import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { users } from '../../src/server/db/schema/index.js';
import { seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer({ timeZone: 'UTC' });
});
afterAll(() => env?.close());

const roleOf = async (id: string) => (await env.ctx.database.db.select({ role: users.role }).from(users).where(eq(users.id, id)))[0]!.role;

describe('changing who someone is asks first (Chromium)', () => {
  it('a role change opens a dialog naming the person and the change; Cancel changes nothing, confirming changes it', async () => {
    const admin = await env.ctx.createUser('admin', { name: 'Ada Admin' });
    const mia = await env.ctx.createUser('account_manager', { name: 'Mia Manager' });
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, admin.email, TEST_PASSWORD, '/admin/users');
    const role = page.getByLabel('Role of Mia Manager');
    await role.waitFor();

    await role.selectOption('admin');
    const dialog = page.getByRole('dialog', { name: 'Change Mia Manager from account manager to admin?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('they can manage users, settings and every account');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await role.inputValue()).toBe('account_manager');
    expect(await roleOf(mia.id)).toBe('account_manager');

    // Escape is a cancel too.
    await role.selectOption('executive');
    await page.getByRole('dialog', { name: 'Change Mia Manager from account manager to executive?' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await roleOf(mia.id)).toBe('account_manager');

    // Asked again the moment a dialog closes, before it reports closing: the new question gets a dialog of its own,
    // and the old dialog's late "closed" does not cancel it.
    await role.selectOption('admin');
    await page.getByRole('dialog', { name: 'Change Mia Manager from account manager to admin?' }).waitFor();
    await page.evaluate((selectId) => {
      document.querySelector('dialog')!.close();
      const select = document.getElementById(selectId) as HTMLSelectElement;
      select.value = 'executive';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }, `role-${mia.id}`);
    const again = page.getByRole('dialog', { name: 'Change Mia Manager from account manager to executive?' });
    await again.waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await roleOf(mia.id)).toBe('account_manager');

    await role.selectOption('executive');
    await page.getByRole('dialog', { name: 'Change Mia Manager from account manager to executive?' }).getByRole('button', { name: 'Make Mia Manager executive' }).click();
    await page.getByText('Mia Manager is now executive.').waitFor();
    expect(await roleOf(mia.id)).toBe('executive');
    expect(await role.inputValue()).toBe('executive');

    // Disabling asks too, and says what it does.
    await page.getByRole('button', { name: 'Disable Mia Manager' }).click();
    const disable = page.getByRole('dialog', { name: 'Disable Mia Manager?' });
    expect(await disable.textContent()).toContain('can no longer sign in and is signed out everywhere');
    await disable.getByRole('button', { name: 'Cancel' }).click();
    await disable.waitFor({ state: 'detached' });
    const [row] = await env.ctx.database.db.select({ disabled: users.disabled }).from(users).where(eq(users.id, mia.id));
    expect(row!.disabled).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('closing a task tells you when the resolution is in another language (Chromium)', () => {
  async function spanishDetractorTask(): Promise<{ page: Page; problems: string[] }> {
    const manager = await env.ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Lucía', language: 'es' }]);
    await sendCampaign(env.ctx, manager, { accountIds: [accountId] });
    const mail = await emailTo(env.ctx, emails[0]!);
    expect((await env.ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 3, reason: 'Las facturas llegan mal' }, complete: true })).status).toBe(200);
    const task = (await manager.get(`/api/tasks?accountId=${accountId}`)).body.data[0];
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, manager.user.email, TEST_PASSWORD, `/tasks/${task.id}`);
    return { page, problems };
  }

  it('an English resolution for a Spanish-speaking customer is flagged before the email goes; Spanish is not', async () => {
    const { page, problems } = await spanishDetractorTask();
    const resolution = page.getByLabel('Resolution');
    await resolution.waitFor();
    await page.getByLabel('Tell the customer').check();
    await resolution.fill('We fixed the invoices and called your finance team to explain what went wrong.');
    const warning = page.locator('#language-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/reads like English, but Lucía\s+reads Spanish/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // Not telling the customer: nothing to warn about.
    await page.getByLabel('Tell the customer').uncheck();
    await warning.waitFor({ state: 'detached' });
    await page.getByLabel('Tell the customer').check();
    await warning.waitFor();
    // Written in Spanish: no warning.
    await resolution.fill('Hemos corregido las facturas y llamamos a su equipo de finanzas para explicar el error.');
    await warning.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Preview the email' }).click();
    await page.getByRole('heading', { name: 'The email the customer will get' }).waitFor();
    expect(await page.locator('#language-warning').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the email log inside the workspace (Chromium)', () => {
  it('a manager opens Email log from the menu: their emails with dates as everywhere else in the app, one opens with working links', async () => {
    const manager = await env.ctx.signIn('account_manager');
    const other = await env.ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Greta' }]);
    const theirs = await createAccountWithContacts(other, [{ name: 'Not Mine' }]);
    await sendCampaign(env.ctx, manager, { accountIds: [accountId] });
    await sendCampaign(env.ctx, other, { accountIds: [theirs.accountId] });

    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, manager.user.email, TEST_PASSWORD, '/campaigns');
    await page.getByRole('navigation', { name: /main/i }).getByRole('link', { name: 'Email log' }).click();
    await page.waitForURL(`${env.baseUrl}/emails`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Email log');
    const row = page.getByRole('row', { name: new RegExp(emails[0]!.replace(/[.]/g, '\\.')) });
    await row.waitFor();
    expect(await page.getByText(theirs.emails[0]!).count()).toBe(0); // another manager's email is not listed
    // The same date format as every other page (format.ts formatDateTime: the browser's locale, medium date, short time).
    const created = (await row.locator('td[data-label="Created"]').textContent())!;
    const expected = await page.evaluate(
      (iso) => new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
      env.ctx.clock.now().toISOString(),
    );
    expect(created).toBe(expected);
    expect(created).not.toContain('UTC');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await row.getByRole('link').click();
    await page.waitForURL(/\/emails\/[0-9a-f-]{36}$/);
    await page.locator('pre.email-text a[href*="/s/"]').first().waitFor();
    expect(await page.locator('dl.facts').textContent()).toContain(emails[0]!);
    expect(problems).toEqual([]);
    await page.close();
  });
});
