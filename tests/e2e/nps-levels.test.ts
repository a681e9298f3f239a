import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations, signInAs, startE2eServer, watchPageProblems, type E2eServer } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/test-app.js';
import { seedWhoIsSpeaking } from '../helpers/nps-level-fixture.js';

/** "Who is speaking" on the account page: NPS per decision level and the latest wave's coverage in words. */

let env: E2eServer;
beforeAll(async () => {
  env = await startE2eServer({ timeZone: 'UTC' });
}, 180_000);
afterAll(() => env?.close());

describe('who is speaking (Chromium)', () => {
  it("an account page shows each level's NPS and who answered the latest wave", { timeout: 120_000 }, async () => {
    const admin = await env.ctx.createUser('admin');
    const manager = await env.ctx.createUser('account_manager');
    // The figures are those of tests/api/reports-nps-levels.test.ts (computed by hand there).
    const { pulse, quiet } = await seedWhoIsSpeaking(env.ctx, manager.id, admin.id);
    const page = await env.browser.newPage();
    const problems = watchPageProblems(page);
    page.setDefaultTimeout(30_000);

    await signInAs(page, env.baseUrl, manager.email, TEST_PASSWORD, `/accounts/${pulse.id}`);
    const levels = page.locator('.nps-levels');
    await levels.locator('.nps-coverage').waitFor();
    expect(await levels.getByRole('heading', { name: 'Who is speaking' }).count()).toBe(1);
    expect(await levels.locator('.nps-coverage strong').textContent()).toBe('1 of 2 decision makers answered this wave; 2 of 3 influencers; no implementers were asked.');
    expect(await levels.locator('.nps-coverage').textContent()).toContain('Latest wave: Summer pulse');

    const row = async (name: string) => (await levels.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name, exact: true }) }).locator('td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(await row('Decision makers')).toEqual(['+33 ±39.3 · 3 answers', '−100 ±73.5 · 1 answer (2025-Q3)']);
    expect(await row('Influencers')).toEqual(['0 ±37.6 · 5 answers', '+100 ±73.5 · 1 answer (2025-Q3)']);
    expect(await row('Implementers')).toEqual(['−50 ±48.5 · 2 answers', '−50 ±48.5 · 2 answers (2025-Q1)']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A level nobody could be asked, one asked in vain, and a level where everyone asked answered: never "±0.0".
    await page.goto(`${env.baseUrl}/accounts/${quiet.id}`);
    await levels.locator('.nps-coverage').waitFor();
    expect(await levels.locator('.nps-coverage strong').textContent()).toBe('1 of 1 decision maker answered this wave; no influencers were asked; 0 of 4 implementers.');
    expect(await row('Decision makers')).toEqual(['+100 · the 1 contact asked answered', '+100 · the 1 contact asked answered (2025-Q3)']);
    expect(await row('Implementers')).toEqual(['No answers', '—']);
    expect(await page.locator('main').textContent()).not.toContain('±0.0');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // At 360 px the page does not scroll sideways: the level table scrolls inside its own box if it must.
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
