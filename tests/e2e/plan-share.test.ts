import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { createAccountWithContacts } from '../helpers/survey-fixtures.js';
import { TEST_PASSWORD, type TestClient, type TestUser } from '../helpers/test-app.js';

/**
 * The account plan shared with the customer (issue 14, part 3), in Chromium: the contact's page at 360 px with
 * JavaScript off and on — read, comment, mark their own action done, propose — and the manager's side on the plan page.
 */

let env: E2eServer;
let maria: TestClient & { user: TestUser };
let accountId: string;
let anaId: string;
let accountName: string;

beforeAll(async () => {
  env = await startE2eServer();
  maria = await env.ctx.signIn('account_manager');
  const created = await createAccountWithContacts(maria, [{ name: 'Ana Ruiz', language: 'es' }, { name: 'Bo Lind', language: 'en' }]);
  accountId = created.accountId;
  anaId = created.contactIds[0]!;
  accountName = (await maria.get(`/api/accounts/${accountId}`)).body.name;
  await maria.patch(`/api/accounts/${accountId}/plan`, {
    profile: { strategicInitiatives: 'INTERNAL initiatives never shown' },
    intelligence: { threats: ['INTERNAL threat never shown'] },
    intentions: { valueToAdd: 'Halve late deliveries at the new hubs', relationships: 'INTERNAL relationships goal', jointGoals: ['value'] },
  });
  const add = (body: Record<string, unknown>) => maria.post(`/api/accounts/${accountId}/plan/actions`, { assigneeId: maria.user.id, dueDate: '2027-02-01', ...body });
  await add({ title: 'INTERNAL action never shown' });
  await add({ title: 'Monthly delivery report', joint: true });
  await add({ title: 'Name a project lead for the hubs', joint: true, side: 'theirs', theirOwnerContactId: anaId });
  await add({ title: 'Send the hub floor plans', joint: true, side: 'theirs', theirOwnerContactId: anaId });
}, 120_000);
afterAll(() => env?.close());

async function shareLink(): Promise<string> {
  return (await share()).url;
}
async function share(): Promise<{ id: string; url: string }> {
  const res = await maria.post(`/api/accounts/${accountId}/plan/shares`, { contactId: anaId });
  expect(res.status).toBe(201);
  return res.body;
}

/** At 360 px the page never scrolls sideways. */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/**
 * Width and axe run scripts in the page, which a context without JavaScript refuses (page.evaluate never returns there):
 * for that context they run on the same URL in a page with JavaScript, which gets the very same HTML (the page has no script).
 */
async function checkLayoutAndAccessibility(page: Page, jsEnabled: boolean, label: string) {
  let probe = page;
  let context: BrowserContext | null = null;
  if (!jsEnabled) {
    context = await env.browser.newContext({ viewport: { width: 360, height: 740 } });
    probe = await context.newPage();
    await probe.goto(page.url());
  }
  expect(await pageWidth(probe)).toBeLessThanOrEqual(360);
  expect(await seriousAccessibilityViolations(probe)).toEqual([]);
  await screenshot(probe, `plan-share-${label}-360`);
  await context?.close();
}

async function customerStory(context: BrowserContext, url: string, label: string, texts: { comment: string; proposal: string; done: string }, jsEnabled: boolean) {
  const page = await context.newPage();
  const problems = watchPageProblems(page);
  const res = await page.goto(url);
  expect(res?.status()).toBe(200);
  await expect.poll(() => page.locator('h1').textContent()).toBe(`Nuestro plan conjunto: ${accountName} y Keypulse Demo Co`);
  expect(await page.locator('html').getAttribute('lang')).toBe('es');
  const body = (await page.locator('body').textContent()) ?? '';
  expect(body).toContain('Halve late deliveries at the new hubs');
  expect(body).not.toContain('INTERNAL');
  await checkLayoutAndAccessibility(page, jsEnabled, label);

  // A comment on one of the actions.
  await page.getByLabel('Sobre').selectOption({ label: 'Monthly delivery report' });
  await page.getByLabel('Su comentario').fill(texts.comment);
  await page.getByRole('button', { name: 'Enviar comentario' }).click();
  await page.getByText('Gracias: su comentario se ha enviado a').waitFor();
  await page.getByText(texts.comment).waitFor();

  // Their own side's action: marked done.
  // (The button's name is "Marcar como hecha" and, for screen readers, the action's title.)
  const markDone = (title: string) => page.getByRole('button', { name: new RegExp(`^Marcar como hecha\\s*:\\s*${title}$`) });
  await markDone(texts.done).click();
  await page.getByText('Gracias: la acción está marcada como hecha.').waitFor();
  expect(await markDone(texts.done).count()).toBe(0);
  // Ours has no such button.
  expect(await markDone('Monthly delivery report').count()).toBe(0);

  // A proposal.
  await page.getByLabel('¿Qué habría que hacer?').fill(texts.proposal);
  await page.getByRole('button', { name: 'Proponer la acción' }).click();
  await page.getByText('Gracias: su propuesta está en el plan').waitFor();
  await page.getByRole('heading', { name: texts.proposal }).waitFor();
  await checkLayoutAndAccessibility(page, jsEnabled, `${label}-after`);
  expect(problems).toEqual([]);
  await page.close();
}

describe('the shared plan as the customer, in Chromium at 360 px', () => {
  it('without JavaScript: reads the joint plan, comments, marks their action done and proposes one', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    await customerStory(context, await shareLink(), 'no-js', { comment: 'Could it come on Mondays?', proposal: 'Visit the Lyon hub together', done: 'Name a project lead for the hubs' }, false);
    await context.close();
    // The owner hears of it.
    const comments = (await maria.get(`/api/accounts/${accountId}/plan/comments`)).body.data;
    expect(comments.map((c: any) => c.body)).toContain('Could it come on Mondays?');
  }, 120_000);

  it('with JavaScript: the same page and forms work the same', async () => {
    const context = await env.browser.newContext({ viewport: { width: 360, height: 740 } });
    await customerStory(context, await shareLink(), 'js', { comment: 'Thanks for the report', proposal: 'A joint newsletter article', done: 'Send the hub floor plans' }, true);
    await context.close();
  }, 120_000);

  it('a revoked link shows a clear page in their language', async () => {
    const { id, url } = await share();
    expect((await maria.delete(`/api/accounts/${accountId}/plan/shares/${id}`)).status).toBe(204);
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const res = await page.goto(url);
    expect(res?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('Este enlace al plan ya no funciona');
    await checkLayoutAndAccessibility(page, false, 'revoked');
    await context.close();
  });
});

describe('the manager shares the plan, in Chromium', () => {
  it('marks a goal joint, creates a link shown once, sees the customer’s comments, and revokes the link', async () => {
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    await signInAs(page, env.baseUrl, maria.user.email, TEST_PASSWORD, `/accounts/${accountId}/plan`);
    const section = page.getByRole('region', { name: 'Shared with the customer' });
    await section.waitFor();
    const relationships = section.getByLabel('Relationships to build');
    await relationships.check();
    await section.getByText('Joint goals: value to add, relationships to build.').waitFor();
    await section.getByLabel('Contact', { exact: true }).selectOption({ label: 'Bo Lind' });
    await section.getByRole('button', { name: 'Create a personal link' }).click();
    const link = section.getByLabel('Link for Bo Lind');
    await link.waitFor();
    expect(await link.inputValue()).toMatch(new RegExp(`^${env.baseUrl}/p/[\\w-]{43}$`));
    await section.getByText('Could it come on Mondays?').waitFor();
    await section.getByRole('row', { name: /Bo Lind/ }).getByText('Not opened yet').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'plan-share-manager');
    await section.getByRole('button', { name: 'Revoke the link for Bo Lind' }).click();
    await section.getByText('The link for Bo Lind no longer works.').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
