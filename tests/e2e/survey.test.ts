import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responses } from '../../src/server/db/schema/index.js';
import { screenshot, screenshotBothWidths, seriousAccessibilityViolations, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { createAccountWithContacts, emailTo, sendCampaign, type FixtureContact } from '../helpers/survey-fixtures.js';

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer();
});
afterAll(() => env?.close());

/** One contact invited by a real campaign; returns the survey link from their email. */
async function invite(contact: FixtureContact = {}, survey: 'nps' | 'audit' = 'nps') {
  const manager = await env.ctx.signIn('account_manager');
  const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [contact]);
  await sendCampaign(env.ctx, manager, { accountIds: [accountId], survey });
  const mail = await emailTo(env.ctx, emails[0]!);
  expect(mail.surveyUrl.startsWith(env.baseUrl)).toBe(true);
  return { surveyUrl: mail.surveyUrl, contactId: contactIds[0]! };
}

async function storedResponse(contactId: string) {
  const rows = await env.ctx.database.db.select().from(responses).where(eq(responses.contactId, contactId));
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0];
}

const status = (page: Page) => page.locator('form .status');

describe('answering a survey in Chromium', () => {
  it('with JavaScript on, one click in the email records the score and invites a comment, saved as it is typed', async () => {
    const { surveyUrl, contactId } = await invite({ name: 'Ana' });
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${surveyUrl}?score=9`);

    await expect.poll(() => page.locator('.notice').textContent()).toBe('Thank you, your score is saved. Would you like to tell us a little more?');
    expect(await storedResponse(contactId)).toMatchObject({ npsScore: 9, answers: { nps: 9 }, completedAt: null });
    // The score link is dropped from the address, so a reload cannot overwrite a score changed later.
    await expect.poll(() => page.url()).toBe(surveyUrl);
    expect(await page.locator('#q-nps-9').isChecked()).toBe(true);
    const comment = page.getByLabel('What is the main reason for your score?');
    expect(await comment.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Confirm my score' }).count()).toBe(0);

    await comment.fill('Support answers within the hour');
    await expect.poll(() => status(page).textContent()).toBe('Saved');
    await expect.poll(async () => (await storedResponse(contactId))?.answers).toEqual({ nps: 9, reason: 'Support answers within the hour' });
    await screenshotBothWidths(page, 'survey-score-saved');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'survey-score-saved-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The scale stays on one row (a split scale biases answers) down to a 320 px phone, without sideways
    // scrolling: all 11 squares share one top, each at least 24 px wide (WCAG 2.2 target size) and 44 px high.
    for (const width of [360, 320]) {
      await page.setViewportSize({ width, height: 740 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const boxes = await page.locator('.scale .pick span').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      expect(boxes).toHaveLength(11);
      expect(new Set(boxes.map((b) => Math.round(b.top))).size).toBe(1);
      for (const box of boxes) {
        expect(box.width).toBeGreaterThanOrEqual(24);
        expect(box.height).toBeGreaterThanOrEqual(44);
        expect(box.right).toBeLessThanOrEqual(width);
      }
      // The label "10" fits inside its square.
      expect(await page.locator('#q-nps-10 + span').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    }
    await screenshot(page, 'survey-scale-320');
    await page.setViewportSize({ width: 360, height: 740 });

    await page.getByRole('button', { name: 'Send my answers' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Thank you!');
    // The focus follows in an effect, after the page has painted.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect((await storedResponse(contactId))?.completedAt).not.toBeNull();
    await screenshotBothWidths(page, 'survey-thanks');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('with JavaScript off, the "Confirm my score" button records the score, then the rest can be sent', async () => {
    const { surveyUrl, contactId } = await invite({ name: 'Bo', language: 'es' });
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${surveyUrl}?score=4`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.locator('#q-nps-4').isChecked()).toBe(true);
    expect(await storedResponse(contactId)).toBeUndefined();
    await screenshotBothWidths(page, 'survey-nojs-confirm');

    await page.getByRole('button', { name: 'Confirmar mi puntuación' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice').textContent()).toBe('Gracias, hemos guardado su puntuación. ¿Quiere contarnos algo más?');
    expect(await storedResponse(contactId)).toMatchObject({ npsScore: 4, completedAt: null });

    await page.getByLabel('¿Cuál es el motivo principal de su puntuación?').fill('Las facturas llegan tarde');
    await page.getByRole('button', { name: 'Enviar mis respuestas' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('¡Gracias!');
    expect(await storedResponse(contactId)).toMatchObject({ npsScore: 4, answers: { nps: 4, reason: 'Las facturas llegan tarde' } });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('partial answers survive a reload, and a missing required answer is shown next to its question', async () => {
    const { surveyUrl, contactId } = await invite({ name: 'Cy' }, 'audit');
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await page.goto(surveyUrl);
    expect(await page.locator('.progress p').textContent()).toBe('Section 1 of 3');
    // "Next" with a required answer missing stays on the section and says what is missing.
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('#q-marks-error').textContent()).toBe('Please answer this question.');
    expect(await page.locator('.progress p').textContent()).toBe('Section 1 of 3');
    await page.locator('label.pick', { has: page.locator('#q-marks-6') }).click(); // marks 7
    await page.getByLabel('A partner').check();
    await page.getByLabel('Describe us in one sentence.').fill('Reliable, a bit slow');
    await page.getByLabel('Describe us in one sentence.').blur();
    await expect.poll(async () => (await storedResponse(contactId))?.answers).toEqual({
      marks: 7,
      supplier_or_partner: { selected: ['partner'] },
      one_sentence: 'Reliable, a bit slow',
    });

    await page.reload();
    expect(await page.locator('#q-marks-6').isChecked()).toBe(true);
    expect(await page.getByLabel('A partner').isChecked()).toBe(true);
    expect(await page.getByLabel('Describe us in one sentence.').inputValue()).toBe('Reliable, a bit slow');

    // Through the sections (client-side, each section's answers saved on the way) to the last one.
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('.progress p').textContent()).toBe('Section 2 of 3');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Section 2 of 3');
    expect(page.url()).toBe(`${surveyUrl}?section=2`);
    // The progress indicator and the Back button pass axe in both colour schemes.
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await seriousAccessibilityViolations(page), colorScheme).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('How could we help?').fill('Earlier forecasts');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('.progress p').textContent()).toBe('Section 3 of 3');
    await expect.poll(async () => (await storedResponse(contactId))?.answers).toMatchObject({ how_we_help: 'Earlier forecasts' });
    // The browser's back button goes to the previous section, with its answer.
    await page.goBack();
    await expect.poll(() => page.locator('.progress p').textContent()).toBe('Section 2 of 3');
    expect(await page.getByLabel('How could we help?').inputValue()).toBe('Earlier forecasts');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('.progress p').textContent()).toBe('Section 3 of 3');

    // The recommendation question is required and unanswered: the message appears next to it.
    await page.getByRole('button', { name: 'Send my answers' }).click();
    const summary = page.locator('.summary');
    await expect.poll(() => summary.isVisible()).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe('summary');
    expect(await page.locator('#q-nps-error').textContent()).toBe('Please answer this question.');
    expect(await page.locator('fieldset[aria-describedby~="q-nps-error"]').count()).toBe(1);
    await screenshotBothWidths(page, 'survey-errors');

    await summary.getByRole('link').click();
    expect(page.url()).toMatch(/#q-nps-0$/);
    await page.locator('label.pick', { has: page.locator('#q-nps-10') }).click();
    await page.getByRole('button', { name: 'Send my answers' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Thank you for your time.');
    expect(await storedResponse(contactId)).toMatchObject({ npsScore: 10, answers: { marks: 7, nps: 10, how_we_help: 'Earlier forecasts' } });
    expect((await storedResponse(contactId))?.completedAt).not.toBeNull();
    expect(await page.locator('h1').textContent()).toBe('Thank you for your time.');
    await screenshot(page, 'survey-audit-thanks');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a keyboard-only respondent answers the NPS question and submits (Tab, arrows, Space, Enter)', async () => {
    const { surveyUrl, contactId } = await invite({ name: 'Di' });
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await page.goto(surveyUrl);
    const focused = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.id || document.activeElement?.textContent);

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('q-nps-0');
    await page.keyboard.press('Space');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('q-nps-6');
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#q-nps-5').isChecked()).toBe(true);
    // The focused square shows a visible focus ring.
    const outline = await page.locator('#q-nps-5 + span').evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
    await screenshot(page, 'survey-keyboard-focus');

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('q-reason');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Send my answers');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Thank you!');
    expect(await storedResponse(contactId)).toMatchObject({ npsScore: 5, answers: { nps: 5 } });
    expect((await storedResponse(contactId))?.completedAt).not.toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('closed links and the unsubscribe page render cleanly under the CSP', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    const assetStatuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/assets/')) assetStatuses.push(r.status());
    });
    const res = await page.goto(`${env.baseUrl}/s/${'x'.repeat(43)}`);
    expect(res?.status()).toBe(404);
    // Chromium reports the page's own 404 status on the console; nothing else may appear there.
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 404 (Not Found)']);
    problems.length = 0;
    expect(assetStatuses.length).toBeGreaterThan(0);
    expect(assetStatuses.every((s) => s === 200)).toBe(true);
    expect(await page.locator('h1').textContent()).toBe('This survey link is not available');
    // The stylesheet loaded under the CSP: main is narrowed to a readable width.
    expect(await page.locator('main').evaluate((el) => getComputedStyle(el).maxWidth)).not.toBe('none');
    await screenshotBothWidths(page, 'survey-unavailable');

    const manager = await env.ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ed' }]);
    await sendCampaign(env.ctx, manager, { accountIds: [accountId] });
    const mail = await emailTo(env.ctx, emails[0]!);
    await page.goto(mail.unsubscribeUrl);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('You are unsubscribed');
    await screenshotBothWidths(page, 'survey-unsubscribed');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opened from the score link on a phone, nothing on screen moves when the rest of the survey appears', async () => {
    const { surveyUrl } = await invite({ name: 'Dee' });
    const page = await env.browser.newPage({ viewport: { width: 412, height: 823 } });
    await page.goto(`${surveyUrl}?score=7`);
    await expect.poll(() => page.getByLabel('What is the main reason for your score?').isVisible()).toBe(true);
    // Every layout shift since the page started (buffered), as Lighthouse's Cumulative Layout Shift counts them.
    const shift = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
              if (!entry.hadRecentInput) total += entry.value;
            }
          }).observe({ type: 'layout-shift', buffered: true });
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
        }),
    );
    expect(shift).toBeLessThan(0.01);
    await page.close();
  });
  it('with JavaScript off, the audit goes section by section: each step stores its section, and back works', async () => {
    const { surveyUrl, contactId } = await invite({ name: 'Flo' }, 'audit');
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    const progress = () => page.locator('.progress p').textContent();
    await page.goto(surveyUrl);
    expect(await progress()).toBe('Section 1 of 3');
    expect(await page.getByRole('button', { name: 'Back' }).count()).toBe(0);

    // Section 1: answers in, Next; the database holds them before section 2 shows.
    await page.getByLabel('Where do we fall short?').fill('Invoices arrive late');
    await page.locator('label.pick', { has: page.locator('#q-marks-7') }).click(); // marks 8
    await page.getByLabel('A partner').check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForLoadState();
    expect(await progress()).toBe('Section 2 of 3');
    expect(page.url()).toBe(`${surveyUrl}?section=2`);
    expect(await storedResponse(contactId)).toMatchObject({
      answers: { falls_short: 'Invoices arrive late', marks: 8, supplier_or_partner: { selected: ['partner'] } },
      completedAt: null,
    });
    await screenshotBothWidths(page, 'survey-audit-section-2-nojs');

    // Section 2: stored on Next as well.
    await page.getByLabel('What pressures do you see ahead?').fill('Energy prices');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForLoadState();
    expect(await progress()).toBe('Section 3 of 3');
    expect((await storedResponse(contactId))?.answers).toMatchObject({ pressures_ahead: 'Energy prices', marks: 8 });

    // The "Back" button stores what is on the page and shows section 2 with its answer; so does the browser's back.
    await page.locator('label.pick', { has: page.locator('#q-nps-6') }).click();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.waitForLoadState();
    expect(await progress()).toBe('Section 2 of 3');
    expect(await page.getByLabel('What pressures do you see ahead?').inputValue()).toBe('Energy prices');
    expect((await storedResponse(contactId))?.answers).toMatchObject({ nps: 6 });
    await page.goBack();
    await page.waitForLoadState();
    expect(await progress()).toBe('Section 3 of 3');
    expect(await page.locator('#q-nps-6').isChecked()).toBe(true);

    // Sending from the last section completes the whole survey.
    await page.locator('label.pick', { has: page.locator('#q-nps-9') }).click();
    await page.getByRole('button', { name: 'Send my answers' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Thank you for your time.');
    const stored = await storedResponse(contactId);
    expect(stored).toMatchObject({ npsScore: 9, answers: { falls_short: 'Invoices arrive late', marks: 8, pressures_ahead: 'Energy prices', nps: 9 } });
    expect(stored?.completedAt).not.toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the email's 0–10 scale stays on one row on a 320 px screen", async () => {
    const manager = await env.ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Gil' }]);
    await sendCampaign(env.ctx, manager, { accountIds: [accountId] });
    const mail = await emailTo(env.ctx, emails[0]!);
    const page = await env.browser.newPage({ viewport: { width: 320, height: 700 } });
    await page.setContent(mail.html);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    const boxes = await page.locator('a[href*="score="]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    expect(boxes).toHaveLength(11);
    expect(new Set(boxes.map((b) => Math.round(b.top))).size).toBe(1);
    for (const box of boxes) {
      expect(box.width).toBeGreaterThanOrEqual(24);
      expect(box.right).toBeLessThanOrEqual(320);
    }
    await screenshot(page, 'email-nps-320');
    await page.close();
  });

  it('the company name, logo and accent colour an admin set appear on the survey page, under the CSP', async () => {
    const admin = await env.ctx.signIn('admin');
    const { solidPng } = await import('../helpers/images.js');
    const upload = await admin.request('PUT', '/api/settings/logo', { body: new Uint8Array(solidPng(120, 40, [91, 42, 134])) as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'image/png' } });
    expect(upload.status).toBe(200);
    expect((await admin.patch('/api/settings', { companyName: 'Acme Logistics', accentColor: '#5b2a86' })).status).toBe(200);
    try {
      const { surveyUrl } = await invite({ name: 'Hal' });
      const page = await env.browser.newPage();
      const problems = watchPageProblems(page);
      await page.goto(surveyUrl);
      expect(await page.locator('header.brand').textContent()).toBe('Acme Logistics');
      await expect.poll(() => page.locator('header.brand img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);
      await page.locator('label.pick', { has: page.locator('#q-nps-8') }).click();
      const picked = await page.locator('#q-nps-8 + span').evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
      expect(picked).toEqual(['rgb(91, 42, 134)', 'rgb(255, 255, 255)']);
      await screenshotBothWidths(page, 'survey-branded');
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        expect(await seriousAccessibilityViolations(page), colorScheme).toEqual([]);
      }
      await screenshot(page, 'survey-branded-dark');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await admin.patch('/api/settings', { companyName: null, accentColor: null });
      await admin.delete('/api/settings/logo');
    }
  });
});
