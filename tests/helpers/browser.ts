import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestContext, type TestContext } from './test-app.js';
import type { Config } from '../../src/server/config.js';

export const ARTIFACTS_DIR = 'test-results/screenshots';

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
export async function startE2eServer(overrides: Partial<Config> = {}): Promise<E2eServer> {
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    // Bind first to learn the port, since links in emails and CSRF checks need the public URL.
    const probe = serve({ fetch: () => new Response(''), port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      probe.close(() => resolve(info.port));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const ctx = await createTestContext({ publicUrl: baseUrl, ...overrides });
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
