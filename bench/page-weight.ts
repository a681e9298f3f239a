/**
 * npm run bench:page — what a respondent downloads to answer the NPS survey.
 *
 * Builds the app in process on an in-memory PGlite database, sends a real NPS campaign to the outbox, opens the
 * one-click score link from the email and fetches the script and stylesheet the page links to. Prints each
 * file's raw and gzipped size, the total against the 15 KB target, and a baseline measured the same way:
 * Preact itself (core + hooks), bundled, minified and gzipped in this run.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { createTestContext } from '../tests/helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../tests/helpers/survey-fixtures.js';

const TARGET_BYTES = 15 * 1024;
const APP_SHELL_TARGET_BYTES = 80 * 1024;

interface Row {
  kind: string;
  name: string;
  raw: number;
  gzip: number;
}

const gz = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;
const num = (n: number) => n.toLocaleString('en-US');

async function preactBaseline(): Promise<{ core: number; withHooks: number }> {
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
    return gz(out.outputFiles[0]!.contents);
  };
  return {
    // Exported so the bundler keeps them: what a page using Preact (and hooks) ships at the least.
    core: await measure(`export { h, hydrate, render, Fragment } from 'preact';`),
    withHooks: await measure(`export { h, hydrate, render, Fragment } from 'preact'; export { useState, useEffect, useRef } from 'preact/hooks';`),
  };
}

async function main() {
  const ctx = await createTestContext();
  try {
    const manager = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ana Respondent' }]);
    await sendCampaign(ctx, manager, { accountIds: [accountId], survey: 'nps' });
    const mail = await emailTo(ctx, emails[0]!);
    const pagePath = `${new URL(mail.surveyUrl).pathname}?score=9`;

    const anon = ctx.anonymous();
    const page = await anon.get(pagePath);
    if (page.status !== 200) throw new Error(`survey page: ${page.status}`);
    const html = page.text;
    const script = /<script type="module" src="([^"]+)"/.exec(html)?.[1];
    const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    if (!script || !styles.length) throw new Error('the page links no script or no stylesheet');

    const encoder = new TextEncoder();
    const rows: Row[] = [];
    const add = (kind: string, name: string, text: string) => {
      const bytes = encoder.encode(text);
      rows.push({ kind, name, raw: bytes.length, gzip: gz(bytes) });
    };
    add('HTML', '/s/<token>?score=9', html);
    for (const [kind, path] of [['JS', script] as const, ...styles.map((s) => ['CSS', s] as const)]) {
      const res = await anon.get(path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      add(kind, path, res.text);
    }
    const total = { raw: rows.reduce((s, r) => s + r.raw, 0), gzip: rows.reduce((s, r) => s + r.gzip, 0) };
    const baseline = await preactBaseline();

    const widths = [5, Math.max(24, ...rows.map((r) => r.name.length)), 10, 10];
    const line = (cells: string[]) =>
      cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    const rule = '-'.repeat(widths.reduce((s, w) => s + w + 2, -2));
    console.log(`\nNPS survey page weight (database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite in memory'})\n`);
    console.log(line(['kind', 'file', 'raw B', 'gzip B']));
    console.log(rule);
    for (const r of rows) console.log(line([r.kind, r.name, num(r.raw), num(r.gzip)]));
    console.log(rule);
    console.log(line(['total', 'HTML + JS + CSS', num(total.raw), num(total.gzip)]));
    const verdict = total.gzip <= TARGET_BYTES ? 'within' : 'OVER';
    console.log(
      line(['target', `15 KB gzipped (${verdict}, ${Math.round((total.gzip / TARGET_BYTES) * 100)}% used)`, '', num(TARGET_BYTES)]),
    );
    console.log('\nbaseline, measured in this run (bundled, minified, gzipped):');
    console.log(line(['', 'preact core', '', num(baseline.core)]));
    console.log(line(['', 'preact + hooks', '', num(baseline.withHooks)]));
    const js = rows.find((r) => r.kind === 'JS')!;
    console.log(line(['', 'our JS beyond preact + hooks', '', num(js.gzip - baseline.withHooks)]));
    console.log('');
    const shell = await appShellWeight(ctx);
    if (total.gzip > TARGET_BYTES || shell > APP_SHELL_TARGET_BYTES) process.exitCode = 1;
  } finally {
    await ctx.close();
  }
}

/**
 * The workspace app's first load for a signed-in manager: the shell HTML, the stylesheet, the entry module
 * and every chunk it imports statically (what the browser must fetch before anything shows). Page chunks
 * loaded later by `import()` are listed apart: only the page being opened is fetched, on demand.
 */
async function appShellWeight(ctx: Awaited<ReturnType<typeof createTestContext>>): Promise<number> {
  const manager = await ctx.signIn('account_manager');
  const page = await manager.get('/');
  if (page.status !== 200) throw new Error(`app shell: ${page.status}`);
  const entry = /<script type="module" src="([^"]+)"/.exec(page.text)?.[1];
  const style = /<link rel="stylesheet" href="([^"]+)"/.exec(page.text)?.[1];
  if (!entry || !style) throw new Error('the app shell links no script or no stylesheet');
  const fetchText = async (path: string) => {
    const res = await manager.get(path);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return res.text;
  };
  const initial = new Map<string, string>();
  const lazy = new Map<string, string>();
  const visit = async (path: string) => {
    if (initial.has(path)) return;
    const js = await fetchText(path);
    initial.set(path, js);
    // Static imports (`import{a}from"/assets/app/chunk-X.js"`), not dynamic `import("/assets/app/page.js")`.
    for (const m of js.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]+?from\s*)?["'](\/assets\/app\/[\w-]+\.js)["']/g)) await visit(m[1]!);
    for (const m of js.matchAll(/import\(["'](\/assets\/app\/[\w-]+\.js)["']\)/g)) lazy.set(m[1]!, '');
  };
  await visit(entry);
  for (const path of lazy.keys()) if (!initial.has(path)) lazy.set(path, await fetchText(path));
  for (const path of initial.keys()) lazy.delete(path);

  const encoder = new TextEncoder();
  const size = (text: string) => gz(encoder.encode(text));
  const rows: [string, number][] = [['HTML /', size(page.text)], [`CSS ${style}`, size(await fetchText(style))], ...[...initial].map(([p, t]) => [`JS ${p}`, size(t)] as [string, number])];
  const total = rows.reduce((s, [, n]) => s + n, 0);
  console.log('Workspace app, first load for a signed-in manager (gzipped bytes)\n');
  for (const [name, n] of rows) console.log(`  ${name.padEnd(52)} ${num(n).padStart(8)}`);
  console.log(`  ${'total (target ≤ 80 KB)'.padEnd(52)} ${num(total).padStart(8)}  ${total <= APP_SHELL_TARGET_BYTES ? 'within' : 'OVER'}`);
  // The first screen also needs the start page's chunk (My day for a manager) and what it imports.
  const before = new Set(initial.keys());
  const myDay = [...lazy.keys()].find((p) => /\/my-day-[\w]+\.js$/.test(p));
  if (myDay) await visit(myDay);
  const firstScreen = total + [...initial].filter(([p]) => !before.has(p)).reduce((s, [, t]) => s + size(t), 0);
  console.log(`  ${'first screen: shell + My day page and its chunks'.padEnd(52)} ${num(firstScreen).padStart(8)}`);
  // Opening a page later fetches its chunk and the chunks it imports that the first load did not bring.
  const fetched = new Map(initial);
  const staticImports = async (path: string, seen: Set<string>) => {
    if (seen.has(path) || before.has(path)) return;
    seen.add(path);
    const js = fetched.get(path) ?? (await fetchText(path));
    fetched.set(path, js);
    for (const m of js.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]+?from\s*)?["'](\/assets\/app\/[\w-]+\.js)["']/g)) await staticImports(m[1]!, seen);
  };
  const pages: (readonly [string, number])[] = [];
  for (const path of lazy.keys()) {
    const seen = new Set<string>();
    await staticImports(path, seen);
    pages.push([path.replace(/^.*\//, ''), [...seen].reduce((s, p) => s + size(fetched.get(p)!), 0)] as const);
  }
  pages.sort((a, b) => b[1] - a[1]);
  console.log(`\n  opening another page fetches (${pages.length} pages; its chunk and the shared chunks it needs; largest first):`);
  for (const [name, n] of pages.slice(0, 8)) console.log(`    ${name.padEnd(50)} ${num(n).padStart(8)}`);
  console.log('');
  return total;
}

await main();
