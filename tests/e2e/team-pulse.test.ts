import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotBothWidths, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD, type TestUser } from '../helpers/test-app.js';

/**
 * Harbour Freight's team: Olivia (owner), Tom (delivery lead), Erin (executive sponsor) and Uma (finance). Olivia and
 * Erin have answered this half; Tom answers from his My day, the third answer, and Olivia then sees the marks and
 * words on the account page — without anybody's name.
 */

let env: E2eServer;
let olivia: TestUser;
let tom: TestUser;
let accountId: string;

beforeAll(async () => {
  env = await startE2eServer();
  olivia = await env.ctx.createUser('account_manager', { name: 'Olivia Owner' });
  tom = await env.ctx.createUser('account_manager', { name: 'Tom Delivery' });
  const erin = await env.ctx.createUser('executive', { name: 'Erin Sponsor' });
  const uma = await env.ctx.createUser('account_manager', { name: 'Uma Finance' });
  const owner = await env.ctx.signIn(olivia);
  const account = await owner.post('/api/accounts', { name: 'Harbour Freight', stage: 'key_account' });
  expect(account.status, account.text).toBe(201);
  accountId = account.body.id;
  for (const [user, teamRole] of [
    [tom, 'Delivery lead'],
    [erin, 'Executive sponsor'],
    [uma, 'Finance'],
  ] as const) {
    expect((await owner.post(`/api/accounts/${accountId}/plan/team`, { userId: user.id, teamRole })).status).toBe(201);
  }
  expect((await owner.request('PUT', `/api/team-pulse/${accountId}`, { json: { deliveryMark: 6, collaborationMark: 5, friction: 'Billing and operations argue over credit notes.' } })).status).toBe(200);
  const sponsor = await env.ctx.signIn(erin);
  expect((await sponsor.request('PUT', `/api/team-pulse/${accountId}`, { json: { deliveryMark: 8, collaborationMark: 7 } })).status).toBe(200);
}, 180_000);
afterAll(() => env?.close());

/** How wide the page is at a phone's width (nothing may scroll sideways). */
async function fitsPhoneWidth(page: import('playwright-core').Page): Promise<number> {
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  return width;
}

describe('the team pulse in Chromium', () => {
  it('a team member answers from My day; the card goes, and the owner sees the marks and words without names', { timeout: 150_000 }, async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);

    // The server's clock stands at 2026-03-02: the first half of 2026.
    await signInAs(page, env.baseUrl, tom.email, TEST_PASSWORD, '/my-day');
    const cards = page.getByRole('region', { name: 'Your team pulse' });
    await cards.getByText('How are we doing for Harbour Freight? (H1 2026)').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'team-pulse-my-day');
    await cards.getByRole('link', { name: 'Answer for Harbour Freight' }).click();
    await page.waitForURL((url) => url.pathname === '/team-pulse');

    const form = page.getByRole('form', { name: 'Team pulse for Harbour Freight' });
    // Sending without marks says what is missing, and sends nothing.
    await form.getByRole('button', { name: 'Send my answer' }).click();
    await form.getByText('Delivery mark must be a whole number from 0 to 10').waitFor();
    await form.getByLabel('Delivery mark (0–10)').selectOption('7');
    await form.getByLabel('Collaboration mark (0–10)').selectOption('3');
    expect(await form.getByText('Delivery mark must be a whole number from 0 to 10').count()).toBe(0);
    await form.getByLabel('What should we do differently? (optional)').fill('Name one owner for escalations.');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotBothWidths(page, 'team-pulse-form');
    expect(await fitsPhoneWidth(page)).toBeLessThanOrEqual(360);
    await form.getByRole('button', { name: 'Send my answer' }).click();
    await page.getByText('Thank you — your answer for Harbour Freight is saved.', { exact: false }).waitFor();
    expect(await form.getByRole('button', { name: 'Revise my answer' }).count()).toBe(1);

    // Back on My day, the card has gone.
    await page.getByRole('link', { name: 'Back to My day' }).click();
    await page.waitForURL((url) => url.pathname === '/my-day');
    await page.getByRole('heading', { name: 'My open tasks' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('region', { name: 'Your team pulse' }).count()).toBe(0);
    await page.close();

    // The owner's account page: three of four answered, so the marks show — means of 6, 8, 7 and 5, 7, 3.
    const owner = await env.browser.newPage();
    const ownerProblems = watchPageProblems(owner);
    await signInAs(owner, env.baseUrl, olivia.email, TEST_PASSWORD, `/accounts/${accountId}`);
    const voice = owner.getByRole('region', { name: 'What our team says' });
    const delivery = voice.getByRole('row', { name: /How well we deliver/ });
    await expect.poll(() => delivery.textContent()).toMatch(/How well we deliver7(\.0)? ±/);
    expect(await voice.getByRole('row', { name: /Answers/ }).textContent()).toContain('3 of 4 answered (75');
    await voice.getByText('“Billing and operations argue over credit notes.”').waitFor();
    await voice.getByText('“Name one owner for escalations.”').waitFor();
    await voice.getByText('without names', { exact: false }).waitFor();
    const text = (await voice.textContent()) ?? '';
    for (const name of ['Tom', 'Erin', 'Olivia', 'Uma']) expect(text).not.toContain(name);
    expect(await seriousAccessibilityViolations(owner)).toEqual([]);
    await voice.scrollIntoViewIfNeeded();
    await screenshotBothWidths(owner, 'team-pulse-account');
    expect(await fitsPhoneWidth(owner)).toBeLessThanOrEqual(360);

    // The program evaluation: what our employees say, beside the customers.
    await owner.goto(`${env.baseUrl}/program/evaluation`);
    const employees = owner.getByRole('region', { name: 'What our employees say' });
    await employees.getByRole('row', { name: /Harbour Freight/ }).waitFor();
    expect(await employees.getByRole('row', { name: /Harbour Freight/ }).textContent()).toContain('3 of 4 answered');
    await screenshotBothWidths(owner, 'team-pulse-program');
    expect(await fitsPhoneWidth(owner)).toBeLessThanOrEqual(360);
    expect(await seriousAccessibilityViolations(owner)).toEqual([]);
    expect(problems).toEqual([]);
    expect(ownerProblems).toEqual([]);
    await owner.close();
  });
});
