import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { screenshotBothWidths, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let env: E2eServer;
let receiver: WebhookReceiver;
beforeAll(async () => {
  // The loopback receiver stands in for a customer's system; the SSRF setting lets the test's own address through.
  env = await startE2eServer({ webhookAllowPrivate: ['127.0.0.1/32'] });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await env?.close();
});

describe('Admin · Webhooks', () => {
  it('an admin adds an endpoint, copies the secret shown once, sends a test event and sees it in the delivery log', async () => {
    const admin = await env.ctx.createUser('admin', { name: 'Ada Admin', email: 'ada@example.com' });
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, admin.email, TEST_PASSWORD, '/admin/webhooks');
    await expect.poll(() => page.getByText('No webhook endpoints yet.').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Webhooks', exact: true }).getAttribute('aria-current')).toBe('page');

    // No event chosen: refused beside the form, nothing added.
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => page.getByText('choose at least one event type').isVisible()).toBe(true);

    await page.getByLabel('Description').fill('Data warehouse');
    await page.getByLabel(/task\.created/).check();
    await page.getByLabel(/response\.completed/).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    const card = page.getByRole('article', { name: 'Webhook Data warehouse' });
    await card.waitFor();
    expect(await card.textContent()).toContain('On');
    await screenshotBothWidths(page, 'admin-webhooks');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Shown once: after "I have stored it" (or a reload) it is gone for good.
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.reload();
    await card.waitFor();
    expect(await page.content()).not.toContain(secret);

    await card.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Test event queued');
    await expect
      .poll(async () => {
        await env.ctx.runJobs();
        return receiver.received.length;
      }, { timeout: 10_000 })
      .toBe(1);
    const delivered = receiver.received[0]!;
    // The receiver checks it as a customer's would (at the test clock's time: the library allows 5 minutes of skew).
    const clock = vi.spyOn(Date, 'now').mockReturnValue(env.ctx.clock.now().getTime());
    expect(new Webhook(secret).verify(delivered.body, delivered.headers as Record<string, string>)).toMatchObject({ type: 'webhook.test' });
    clock.mockRestore();

    await card.getByRole('button', { name: 'Delivery log' }).click();
    const log = card.getByRole('region', { name: 'Delivery log' });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('webhook.test');
    expect(await log.textContent()).toContain('succeeded');
    expect(await log.getByRole('cell', { name: '200' }).count()).toBe(1);
    expect(await log.getByRole('cell', { name: 'ok' }).count()).toBe(1);
    await screenshotBothWidths(page, 'admin-webhooks-log');

    // Replay: the same event again, logged as a replay.
    await log.getByRole('button', { name: /^Replay webhook\.test/ }).click();
    await expect
      .poll(async () => {
        await env.ctx.runJobs();
        return receiver.received.length;
      }, { timeout: 10_000 })
      .toBe(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(delivered.headers['webhook-id']);
    await log.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => log.getByRole('cell', { name: 'replay' }).count(), { timeout: 10_000 }).toBe(1);

    // Off, on, delete.
    await card.getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => card.textContent()).toContain('Turned off');
    await card.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => card.getByRole('button', { name: 'Turn off' }).isVisible()).toBe(true);
    await card.getByRole('button', { name: 'Delete Data warehouse' }).click();
    await card.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => page.getByText('No webhook endpoints yet.').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager is told the page is for admins', async () => {
    const manager = await env.ctx.createUser('account_manager', { name: 'Greta Manager', email: 'greta@example.com' });
    const page = await env.browser.newPage();
    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, '/admin/webhooks');
    await expect.poll(() => page.getByText('Webhooks is for admins only').isVisible()).toBe(true);
    await page.close();
  });
});
