import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestContext, type TestContext } from './test-app.js';
import type { Config } from '../../src/server/config.js';
import { seedDemo, seedDemoCampaign } from '../../src/server/seed/demo.js';
import { seedDemoHistory } from '../../src/server/seed/demo-history.js';
import { seedDemoPlans } from '../../src/server/seed/demo-plans.js';
import { DEMO_PASSWORD } from '../../src/server/seed/demo-data.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';

export const ARTIFACTS_DIR = 'test-results/screenshots';
const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium, never a downloaded one; these flags keep it off the (closed) network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface E2eServer {
  ctx: TestContext;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The real app on a loopback port with a fresh database, and a browser to drive it. */
export async function startE2eServer(overrides: Partial<Config> = {}, options: { demo?: boolean } = {}): Promise<E2eServer> {
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    // Bind first to learn the port, since links in emails and CSRF checks need the public URL.
    const probe = serve({ fetch: () => new Response(''), port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      probe.close(() => resolve(info.port));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const ctx = await createTestContext({ publicUrl: baseUrl, ...overrides });
  if (options.demo) await loadDemo(ctx);
  await new Promise<void>((resolve) => {
    server = serve({ fetch: ctx.app.fetch, port, hostname: '127.0.0.1' }, () => resolve());
  });
  const browser = await launchChromium();
  return {
    ctx,
    baseUrl,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      await ctx.close();
    },
  };
}

/** Records console errors and CSP violations so a test can assert a page is clean. */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS_DIR}/${name}.png`, fullPage: true });
}

/** Desktop and phone-width screenshots of the current page. */
export async function screenshotBothWidths(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize({ width: 360, height: 740 });
  await screenshot(page, `${name}-360`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** What `npm start` loads into an empty database: the demo portfolio, its history and the first campaign, sent. */
async function loadDemo(ctx: TestContext): Promise<void> {
  // The browser's clock is real: so is the server's, for pages that say "overdue" or "in 12 days".
  ctx.clock.advance(Date.now() - ctx.clock.now().getTime());
  const { db, links, clock } = ctx.deps;
  await seedDemo(db, clock, () => {});
  await seedDemoHistory(db, links, clock, ctx.deps.config);
  await seedDemoPlans(db, clock);
  await seedDemoCampaign(db, links, clock);
  await schedulerTick(ctx.deps); // as `npm start` does: the latest detractors become tasks
  await ctx.runJobs();
}

/** The demo logins (see src/server/seed/demo-data.ts). */
export const demoLogins = {
  admin: 'admin@keypulse.demo',
  executive: 'erin.exec@keypulse.demo',
  maria: 'maria.manager@keypulse.demo',
  tom: 'tom.manager@keypulse.demo',
  priya: 'priya.manager@keypulse.demo',
} as const;

/** Signs in through the real sign-in form and waits for the workspace to show the first page. */
export async function signInAs(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD, next = '/'): Promise<void> {
  await page.goto(`${baseUrl}/signin?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === next.split('?')[0]);
  await page.locator('main h1').first().waitFor();
}

/**
 * Runs axe-core (injected from node_modules) on the current page and returns the serious and critical
 * violations, each as "rule: what, where".
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (rightly) does not let a <script> tag do.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource());
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}
