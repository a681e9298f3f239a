import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotBothWidths, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/test-app.js';
import { startFakeChatReceiver, type FakeChatReceiver } from '../helpers/fake-chat-receiver.js';

let env: E2eServer;
let slack: FakeChatReceiver;
beforeAll(async () => {
  // The loopback receiver stands in for Slack; the SSRF guard lets the test's own address through.
  env = await startE2eServer({ webhookAllowPrivate: ['127.0.0.1'] });
  slack = await startFakeChatReceiver('slack');
});
afterAll(async () => {
  await slack?.close();
  await env?.close();
});

/** At 360 px the page itself never scrolls sideways. */
async function pageWidthAt360(page: import('playwright-core').Page) {
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  return width;
}

describe('My Slack / Teams alerts on the profile page', () => {
  it('a manager adds a Slack channel, sends a test, sees it arrive, and removes the channel', async () => {
    // A short address: the page's "Signed in as …" line shows it whole.
    const manager = await env.ctx.createUser('account_manager', { name: 'Greta Manager', email: 'greta@example.com' });
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/profile');
    const section = page.getByRole('region', { name: 'My Slack / Teams alerts' });
    await expect.poll(() => section.getByText('No Slack or Teams channel of your own yet').isVisible()).toBe(true);

    // A mistyped address is refused beside the field, nothing is added.
    await section.getByLabel('Webhook URL').fill('hooks.slack.com/services/nope');
    await section.getByRole('button', { name: 'Add channel' }).click();
    await expect.poll(() => section.getByRole('alert').first().textContent()).toContain('https://');

    await section.getByLabel('Slack', { exact: true }).check();
    await section.getByLabel('Webhook URL').fill(slack.url);
    await section.getByLabel('Monday risk summary').uncheck();
    await section.getByRole('button', { name: 'Add channel' }).click();
    const card = section.getByRole('listitem').filter({ hasText: 'Slack' });
    await card.waitFor();
    expect(await card.textContent()).toContain('…rt42');
    expect(await page.content()).not.toContain('xoxSecretPart42');
    expect(await card.getByLabel('Detractor alerts').isChecked()).toBe(true);
    expect(await card.getByLabel('Monday risk summary').isChecked()).toBe(false);
    await screenshotBothWidths(page, 'profile-chat-channels');
    expect(await pageWidthAt360(page)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await card.getByRole('button', { name: /^Send test/ }).click();
    await expect.poll(() => section.getByRole('status').textContent()).toContain('A test message is on its way');
    // The queue runs in the test, as a worker would.
    await expect
      .poll(async () => {
        await env.ctx.runJobs();
        return slack.accepted().length;
      }, { timeout: 10_000 })
      .toBe(1);
    const [message] = slack.accepted();
    expect(message!.body.text).toContain('[Test] Detractor alert');
    expect(message!.body.blocks[0].type).toBe('header');

    await card.getByRole('button', { name: /^Remove/ }).click();
    await section.getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(() => section.getByText('No Slack or Teams channel of your own yet').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the admin page lists installation channels; a manager is told it is for admins', async () => {
    const admin = await env.ctx.createUser('admin', { name: 'Ada Admin', email: 'ada@example.com' });
    const page = await env.browser.newPage();
    await signInAs(page, env.baseUrl, admin.email, TEST_PASSWORD, '/admin/chat');
    await expect.poll(() => page.getByText('No Slack or Teams channel yet.').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Slack and Teams' }).getAttribute('aria-current')).toBe('page');
    await page.getByLabel('Microsoft Teams').check();
    await page.getByLabel('Webhook URL').fill('http://10.9.9.9/hook');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/https:\/\//);
    await screenshotBothWidths(page, 'admin-chat-channels');
    expect(await pageWidthAt360(page)).toBeLessThanOrEqual(360);
    await page.close();

    const manager = await env.ctx.createUser('account_manager', { name: 'Max Manager', email: 'max@example.com' });
    const other = await env.browser.newPage();
    await signInAs(other, env.baseUrl, manager.email, TEST_PASSWORD, '/admin/chat');
    expect(await other.locator('main h1').first().textContent()).toBe('Admins only');
    await other.close();
  });
});
