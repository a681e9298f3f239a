import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, invitations, messages, responses, surveys, users } from '../../src/server/db/schema/index.js';
import {
  demoLogins,
  screenshotBothWidths,
  seriousAccessibilityViolations,
  signInAs,
  startE2eServer,
  watchPageProblems,
  type E2eServer,
} from '../helpers/browser.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer({}, { demo: true });
});
afterAll(() => env?.close());

describe('campaigns in Chromium', () => {
  it('a manager creates and sends a campaign through the steps, sees who is skipped and why, and the outbox shows the emails', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/campaigns');
    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
    await page.locator('table.campaigns-table, .state.empty').first().waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'campaigns');

    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.waitForURL(`${env.baseUrl}/campaigns/new`);
    const steps = page.getByRole('navigation', { name: 'Steps' });
    expect(await steps.locator('[aria-current="step"]').textContent()).toContain('1. Survey');

    // Step 1: Next without a survey is stopped by the shared schema, next to the field.
    await page.getByLabel('Campaign name').fill('Spring pulse');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#campaign-surveyId-error').waitFor();
    await page.getByRole('radio', { name: /^NPS/ }).check();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'campaign-new-survey');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 2: the live preview — Northwind was surveyed by the demo campaign a moment ago, Helios was not.
    await page.getByRole('heading', { name: 'Step 2 of 4: Audience' }).waitFor();
    expect(await steps.locator('[aria-current="step"]').textContent()).toContain('2. Audience');
    await page.getByRole('checkbox', { name: 'Northwind Logistics' }).check();
    const summary = page.locator('.preview-summary');
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toMatch(/will be asked, \d+ skipped\.$/);
    expect(await page.locator('.people.skipped').textContent()).toContain('Surveyed recently');
    await page.getByRole('checkbox', { name: 'Helios Energy' }).check();
    await expect.poll(async () => Number(/^(\d+) will be asked/.exec((await summary.textContent()) ?? '')?.[1] ?? 0), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => summary.textContent()).toMatch(/skipped\.$/);
    const asked = Number(/^(\d+) will be asked/.exec((await summary.textContent())!)![1]);
    // Narrowing by level updates the preview too.
    await page.getByRole('checkbox', { name: 'Instigator' }).check();
    await expect.poll(async () => Number(/^(\d+) will be asked/.exec((await summary.textContent()) ?? '')?.[1] ?? -1)).toBeLessThan(asked);
    await page.getByRole('checkbox', { name: 'Instigator' }).uncheck();
    await expect.poll(async () => Number(/^(\d+) will be asked/.exec((await summary.textContent()) ?? '')?.[1] ?? -1)).toBe(asked);
    await expect.poll(() => summary.textContent()).toMatch(/skipped\.$/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'campaign-new-audience');

    // Back keeps what was entered.
    await page.getByRole('button', { name: 'Back' }).click();
    expect(await page.getByLabel('Campaign name').inputValue()).toBe('Spring pulse');
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await page.getByRole('checkbox', { name: 'Helios Energy' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 3: schedule, reminders, expiry, repeat (checked by the schema: 0 days is refused).
    await page.getByRole('heading', { name: 'Step 3 of 4: Schedule' }).waitFor();
    await page.getByLabel('Links expire after (days)').fill('0');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#campaign-expiresAfterDays-error').waitFor();
    await page.getByLabel('Links expire after (days)').fill('21');
    await page.getByRole('radio', { name: 'Every quarter' }).check();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'campaign-new-schedule');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 4: review and create.
    await page.getByRole('heading', { name: 'Step 4 of 4: Review' }).waitFor();
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^${asked} will be asked, \\d+ skipped\\.$`));
    expect(await page.locator('.review').textContent()).toContain('Every quarter');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'campaign-new-review');
    await page.getByRole('button', { name: 'Create and send' }).click();

    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const campaignId = page.url().split('/').pop()!;
    await page.getByRole('heading', { level: 1, name: 'Spring pulse' }).waitFor();
    // The queue runs here on demand: run it until the campaign's emails are out; the page refreshes by itself.
    await expect
      .poll(
        async () => {
          await env.ctx.runJobs();
          return Number(await page.locator('.campaign-counts .count', { hasText: /^Sent/ }).locator('dd').textContent());
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(asked);
    await expect.poll(() => page.locator('.live-note').textContent(), { timeout: 10_000 }).toBe('');
    expect(await page.locator('.invitations-table').textContent()).toContain('Surveyed recently');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'campaign');

    // The email log shows an email to each person asked.
    const sent = await env.ctx.database.db
      .select({ email: invitations.email })
      .from(invitations)
      .where(and(eq(invitations.campaignId, campaignId), inArray(invitations.status, ['sent'])));
    expect(sent.length).toBe(asked);
    const outboxRows = await env.ctx.database.db.select({ to: messages.toAddress }).from(messages).where(eq(messages.campaignId, campaignId));
    expect(outboxRows.map((m) => m.to).sort()).toEqual(sent.map((s) => s.email).sort());
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /email log|outbox/i }).click();
    await page.waitForURL(`${env.baseUrl}/emails`);
    await page.locator('table.email-log tbody tr').first().waitFor();
    const log = (await page.locator('main').textContent()) ?? '';
    for (const { email } of sent) expect(log).toContain(email);

    // Back on the campaign, cancel asks first.
    await page.goto(`${env.baseUrl}/campaigns/${campaignId}`);
    await page.getByRole('button', { name: 'Cancel campaign' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Yes, cancel the campaign' }).click();
    await page.locator('.campaign-status', { hasText: 'Cancelled' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel campaign' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager previews the NPS survey in Spanish, makes an editable copy and edits its questions', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/surveys');
    await page.locator('.survey-list').waitFor();
    expect(await page.locator('.survey-list li', { hasText: 'Key-account audit' }).textContent()).toContain('Template · read-only');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'surveys');

    await page.getByRole('link', { name: 'NPS', exact: true }).click();
    await page.waitForURL(/\/surveys\/[0-9a-f-]{36}$/);
    const templateUrl = page.url();
    await page.getByRole('heading', { level: 1, name: 'NPS' }).waitFor();
    // Templates are read-only: no editor, only a copy.
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    const frame = page.frameLocator('iframe.survey-preview-frame');
    await frame.getByRole('heading', { level: 1, name: 'How are we doing?' }).waitFor();
    await page.getByRole('radio', { name: 'Español' }).check();
    await frame.getByRole('heading', { level: 1, name: '¿Cómo lo estamos haciendo?' }).waitFor();
    expect(await frame.locator('main').textContent()).toContain('¿Qué probabilidad hay de que recomiende');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'survey-preview-es');
    // The real form, hydrated: choosing a score and sending stores nothing.
    const before = await env.ctx.database.db.select({ id: responses.id }).from(responses);
    await frame.getByRole('radio', { name: '9', exact: true }).check();
    await frame.getByRole('button', { name: /Enviar/ }).click();
    await frame.getByRole('heading', { level: 1, name: '¡Gracias!' }).waitFor();
    expect(await env.ctx.database.db.select({ id: responses.id }).from(responses)).toEqual(before);

    await page.getByLabel('Name of the copy').fill('NPS for Iberia');
    await page.getByRole('button', { name: 'Make an editable copy' }).click();
    await page.waitForURL((url) => /\/surveys\/[0-9a-f-]{36}$/.test(url.pathname) && url.href !== templateUrl);
    await page.getByRole('heading', { level: 1, name: 'NPS for Iberia' }).waitFor();
    await page.getByRole('button', { name: 'Save changes' }).waitFor();
    expect(await page.locator('.version-note').textContent()).toContain('new version');

    // Edit: a required yes/no question in English and Spanish, moved to the top; an empty English text is refused first.
    await page.getByLabel('New question').selectOption('yes_no');
    await page.getByRole('button', { name: 'Add question' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#q-2-text-error').waitFor();
    await page.locator('#q-2-text').fill('Would you meet us for a review?');
    await page.locator('.question-editor').nth(2).getByRole('checkbox', { name: 'Required' }).check();
    await page.getByRole('radio', { name: 'Español' }).nth(1).check();
    await page.locator('#q-2-text').fill('¿Se reuniría con nosotros para una revisión?');
    await page.getByRole('button', { name: 'Move up question 3' }).click();
    await page.getByRole('button', { name: 'Move up question 2' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('.save-status').textContent()).toMatch(/^Saved/);
    const copyId = page.url().split('/').pop()!;
    const saved = await env.ctx.database.db.select().from(surveys).where(eq(surveys.id, copyId));
    expect(saved).toHaveLength(1);
    const frame2 = page.frameLocator('iframe.survey-preview-frame');
    await page.getByRole('radio', { name: 'Español' }).first().check();
    await expect.poll(async () => (await frame2.locator('form').textContent()) ?? '').toContain('¿Se reuniría con nosotros para una revisión?');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'survey-copy-edit');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an executive sees campaigns read-only', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.executive, undefined, '/campaigns');
    await page.locator('table.campaigns-table').waitFor();
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);
    await page.locator('table.campaigns-table a').first().click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    await page.locator('.campaign-counts').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel campaign' }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a manager with more accounts than one page finds any of them by name in the wizard', async () => {
    const db = env.ctx.deps.db;
    const [maria] = await db.select().from(users).where(eq(users.email, demoLogins.maria));
    await db.insert(accounts).values(
      Array.from({ length: 110 }, (_, i) => ({ name: `Zz Bulk ${String(i + 1).padStart(3, '0')}`, ownerId: maria!.id, stage: 'key_account' as const })),
    );
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, demoLogins.maria, undefined, '/campaigns/new');
    await page.getByLabel('Campaign name').fill('Bulk check');
    await page.getByRole('radio', { name: /^NPS/ }).first().check(); // the built-in one (an earlier test made a copy)
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 2 of 4: Audience' }).waitFor();
    // Sorted by name, the last accounts are not among the first 100 on screen; the hint says so.
    expect(await page.getByRole('checkbox', { name: 'Zz Bulk 110' }).count()).toBe(0);
    expect(await page.locator('#account-filter-hint').textContent()).toMatch(/^Showing the first 100 of your 1\d\d accounts/);
    await page.getByLabel('Find an account').fill('bulk 110');
    await page.getByRole('checkbox', { name: 'Zz Bulk 110' }).check();
    await page.getByLabel('Find an account').fill('no such account');
    await page.getByText('No account name contains “no such account”.').waitFor();
    await page.getByLabel('Find an account').fill('');
    await page.getByRole('checkbox', { name: 'Zz Bulk 001' }).check();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    // The summary names both, including the one found by search.
    const summary = page.locator('dt:text-is("Accounts") + dd');
    await expect.poll(() => summary.textContent()).toBe('Zz Bulk 110, Zz Bulk 001');
    expect(problems).toEqual([]);
    await page.close();
  });
});
