/**
 * npm run bench:page — what a respondent downloads to answer the NPS survey, counted as it crosses the wire.
 *
 * Builds the app on an in-memory PGlite database (or PostgreSQL with DATABASE_URL), serves it on a real socket
 * (@hono/node-server, an ephemeral port), sends a real NPS campaign to the outbox and opens the one-click score
 * link from the email the way a browser does: node:http (which, unlike fetch, does not decompress) with
 * `Accept-Encoding: gzip, br`, then every file the page links (script, stylesheet, icon). Each response's body
 * bytes are counted as received (compressed, as sent) and its header bytes apart (from the socket's byte count).
 * Three rounds give the range. The same is done for the workspace app's first load, and for a client that takes
 * gzip only. Baseline, measured in this run: Preact itself (core + hooks), bundled, minified and compressed.
 * Exits 1 when a target is missed.
 */
import { request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { build } from 'esbuild';
import { createTestContext, type TestContext } from '../tests/helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../tests/helpers/survey-fixtures.js';

/** The survey page: HTML + JS + CSS, body bytes on the wire. */
const TARGET_BYTES = 15_000;
const APP_SHELL_TARGET_BYTES = 80 * 1024;
const ROUNDS = 3;
const BROWSER_ACCEPT = 'gzip, br';

interface Wire {
  status: number;
  encoding: string;
  /** Body bytes as received: compressed when the server compressed, after HTTP chunk framing is removed. */
  body: number;
  /** Everything else the response put on the socket: status line, headers, chunk framing. */
  headers: number;
  text: string;
}

const num = (n: number) => n.toLocaleString('en-US');
const range = (values: number[]) => {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return lo === hi ? num(lo) : `${num(lo)}–${num(hi)}`;
};

/** One GET on its own connection, so the socket's byte count is this response's alone. */
function getOverWire(port: number, path: string, headers: Record<string, string>, decode = false): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const agent = new Agent({ keepAlive: false });
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'] ?? 'identity';
        const received = res.socket?.bytesRead ?? req.socket?.bytesRead ?? 0;
        agent.destroy();
        const unpack = encoding === 'br' ? brotliDecompressSync : encoding === 'gzip' ? gunzipSync : (b: Buffer) => b;
        const text = decode ? unpack(body).toString('utf8') : '';
        resolve({ status: res.statusCode!, encoding, body: body.length, headers: received - body.length, text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function preactBaseline() {
  const measure = async (contents: string) => {
    const out = await build({
      stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      target: ['es2020'],
      write: false,
      logLevel: 'silent',
    });
    const bytes = out.outputFiles[0]!.contents;
    return {
      gzip: gzipSync(bytes, { level: 9 }).length,
      br: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  };
  return {
    // Exported so the bundler keeps them: what a page using Preact (and hooks) ships at the least.
    core: await measure(`export { h, hydrate, render, Fragment } from 'preact';`),
    withHooks: await measure(`export { h, hydrate, render, Fragment } from 'preact'; export { useState, useEffect, useRef } from 'preact/hooks';`),
  };
}

/** Every file the page makes the browser fetch: stylesheets, icons, scripts (its own module graph is followed apart). */
function linkedFiles(html: string) {
  const files: { kind: string; path: string }[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) files.push({ kind: 'JS', path: m[1]! });
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const rel = /\brel="([^"]+)"/.exec(m[0])?.[1] ?? '';
    const href = /\bhref="([^"]+)"/.exec(m[0])?.[1];
    if (!href) continue;
    if (/\bstylesheet\b/.test(rel)) files.push({ kind: 'CSS', path: href });
    else if (/\b(icon|modulepreload|preload)\b/.test(rel)) files.push({ kind: rel.includes('icon') ? 'icon' : 'JS', path: href });
  }
  return files.map((f) => ({ ...f, path: f.path.replace(/&amp;/g, '&') }));
}

interface Row {
  kind: string;
  name: string;
  plain: number;
  wire: Wire[];
  gzipOnly: number;
}

async function measureFile(port: number, kind: string, name: string, path: string, headers: Record<string, string>): Promise<Row> {
  const plain = await getOverWire(port, path, headers);
  const wire: Wire[] = [];
  for (let round = 0; round < ROUNDS; round++) wire.push(await getOverWire(port, path, { ...headers, 'accept-encoding': BROWSER_ACCEPT }));
  const gzipOnly = await getOverWire(port, path, { ...headers, 'accept-encoding': 'gzip' });
  for (const answer of [plain, ...wire, gzipOnly]) if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
  return { kind, name, plain: plain.body, wire, gzipOnly: gzipOnly.body };
}

function printRows(title: string, rows: Row[], totalLabel: string) {
  const widths = [5, Math.max(28, ...rows.map((r) => r.name.length)), 9, 14, 9, 10, 12];
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = '-'.repeat(widths.reduce((s, w) => s + w + 2, -2));
  console.log(`${title}\n`);
  console.log(line(['kind', 'file', 'plain B', `wire B (${ROUNDS} runs)`, 'as', 'headers B', 'gzip-only B']));
  console.log(rule);
  for (const r of rows) {
    console.log(line([r.kind, r.name, num(r.plain), range(r.wire.map((w) => w.body)), r.wire[0]!.encoding, range(r.wire.map((w) => w.headers)), num(r.gzipOnly)]));
  }
  console.log(rule);
  const totals = Array.from({ length: ROUNDS }, (_, i) => rows.reduce((s, r) => s + r.wire[i]!.body, 0));
  const headerTotals = Array.from({ length: ROUNDS }, (_, i) => rows.reduce((s, r) => s + r.wire[i]!.headers, 0));
  const plain = rows.reduce((s, r) => s + r.plain, 0);
  const gzipOnly = rows.reduce((s, r) => s + r.gzipOnly, 0);
  console.log(line(['total', totalLabel, num(plain), range(totals), '', range(headerTotals), num(gzipOnly)]));
  return { totals, headerTotals, gzipOnly, line };
}

async function surveyPageWeight(ctx: TestContext, port: number) {
  const manager = await ctx.signIn('account_manager');
  const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ana Respondent' }]);
  await sendCampaign(ctx, manager, { accountIds: [accountId], survey: 'nps' });
  const mail = await emailTo(ctx, emails[0]!);
  const pagePath = `${new URL(mail.surveyUrl).pathname}?score=9`;

  const page = await getOverWire(port, pagePath, { 'accept-encoding': BROWSER_ACCEPT }, true);
  if (page.status !== 200) throw new Error(`survey page: ${page.status}`);
  const files = linkedFiles(page.text);
  if (!files.some((f) => f.kind === 'JS') || !files.some((f) => f.kind === 'CSS')) throw new Error('the page links no script or no stylesheet');

  const rows = [await measureFile(port, 'HTML', '/s/<token>?score=9', pagePath, {})];
  for (const f of files) rows.push(await measureFile(port, f.kind, f.path, f.path, {}));
  const counted = rows.filter((r) => r.kind !== 'icon');
  const icons = rows.filter((r) => r.kind === 'icon');

  console.log(`\nNPS survey page on the wire (database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite in memory'}; ` +
    `Accept-Encoding: ${BROWSER_ACCEPT}; bodies as received, headers apart)\n`);
  const { totals, line } = printRows('HTML + JS + CSS', counted, 'HTML + JS + CSS');
  const worst = Math.max(...totals);
  const verdict = worst <= TARGET_BYTES ? 'within' : 'OVER';
  console.log(line(['target', `≤ ${num(TARGET_BYTES)} B (${verdict}, ${Math.round((worst / TARGET_BYTES) * 100)}% used)`, '', num(TARGET_BYTES), '', '', '']));
  for (const icon of icons) {
    console.log(`\n  also fetched by browsers, not in the target: ${icon.name} ${range(icon.wire.map((w) => w.body))} B (${icon.wire[0]!.encoding}) + ${range(icon.wire.map((w) => w.headers))} B headers`);
  }

  const baseline = await preactBaseline();
  const js = counted.find((r) => r.kind === 'JS')!;
  const jsEncoding = js.wire[0]!.encoding as 'br' | 'gzip';
  console.log(`\nbaseline, measured in this run (bundled, minified; gzip -9 / brotli 11):`);
  console.log(`  preact core                      ${num(baseline.core.gzip).padStart(7)} / ${num(baseline.core.br).padStart(7)}`);
  console.log(`  preact + hooks                   ${num(baseline.withHooks.gzip).padStart(7)} / ${num(baseline.withHooks.br).padStart(7)}`);
  if (jsEncoding === 'br' || jsEncoding === 'gzip') {
    console.log(`  our JS beyond preact + hooks, as sent (${jsEncoding}): ${num(js.wire[0]!.body - baseline.withHooks[jsEncoding])}`);
  }
  console.log('');
  return worst <= TARGET_BYTES;
}

/** The app's static module graph from its entry: what the browser must fetch before anything shows. */
async function staticModules(port: number, entry: string, headers: Record<string, string>) {
  const seen = new Set<string>();
  const lazy = new Set<string>();
  const visit = async (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const js = (await getOverWire(port, path, headers, true)).text;
    // Static imports (`import{a}from"/assets/app/chunk-X.js"`), not dynamic `import("/assets/app/page.js")`.
    for (const m of js.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]+?from\s*)?["'](\/assets\/app\/[\w-]+\.js)["']/g)) await visit(m[1]!);
    for (const m of js.matchAll(/import\(["'](\/assets\/app\/[\w-]+\.js)["']\)/g)) lazy.add(m[1]!);
  };
  await visit(entry);
  return { initial: [...seen], lazy: [...lazy].filter((p) => !seen.has(p)) };
}

/** The workspace app's first load for a signed-in manager, measured the same way. */
async function appShellWeight(ctx: TestContext, port: number) {
  const manager = await ctx.signIn('account_manager');
  const auth = { cookie: manager.cookie! };
  const page = await getOverWire(port, '/', { ...auth, 'accept-encoding': BROWSER_ACCEPT }, true);
  if (page.status !== 200) throw new Error(`app shell: ${page.status}`);
  const files = linkedFiles(page.text);
  const entry = files.find((f) => f.kind === 'JS')?.path;
  if (!entry || !files.some((f) => f.kind === 'CSS')) throw new Error('the app shell links no script or no stylesheet');
  const modules = await staticModules(port, entry, { 'accept-encoding': BROWSER_ACCEPT });

  const rows = [await measureFile(port, 'HTML', '/', '/', auth)];
  for (const f of files.filter((f) => f.kind !== 'JS')) rows.push(await measureFile(port, f.kind, f.path, f.path, {}));
  for (const path of modules.initial) rows.push(await measureFile(port, 'JS', path, path, {}));
  const counted = rows.filter((r) => r.kind !== 'icon');
  console.log('Workspace app, first load for a signed-in manager, on the wire\n');
  const { totals, line } = printRows('shell HTML + CSS + entry module and its static imports', counted, 'first load');
  const worst = Math.max(...totals);
  console.log(line(['target', `≤ ${num(APP_SHELL_TARGET_BYTES)} B (${worst <= APP_SHELL_TARGET_BYTES ? 'within' : 'OVER'})`, '', num(APP_SHELL_TARGET_BYTES), '', '', '']));

  // The first screen also needs the start page's chunk (My day for a manager) and the chunks it imports.
  const myDay = modules.lazy.find((p) => /\/my-day-[\w]+\.js$/.test(p));
  if (myDay) {
    const extra = await staticModules(port, myDay, { 'accept-encoding': BROWSER_ACCEPT });
    let bytes = 0;
    for (const path of extra.initial.filter((p) => !modules.initial.includes(p))) {
      bytes += (await getOverWire(port, path, { 'accept-encoding': BROWSER_ACCEPT })).body;
    }
    console.log(`\n  first screen: first load + My day page and its chunks: ${num(worst + bytes)} B on the wire`);
  }
  console.log('');
  return worst <= APP_SHELL_TARGET_BYTES;
}

async function main() {
  const ctx = await createTestContext();
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server, port: info.port }));
  });
  try {
    const surveyOk = await surveyPageWeight(ctx, port);
    const shellOk = await appShellWeight(ctx, port);
    console.log('Byte counts do not depend on machine load; the range shows whether rounds differed at all.');
    if (!surveyOk || !shellOk) {
      console.log('FAIL: a target was missed');
      process.exitCode = 1;
    } else {
      console.log('PASS: both targets met');
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await ctx.close();
  }
}

await main();
