/**
 * npm run bench:import — one portfolio file of 2,000 accounts × 10 contacts (20,000 rows) imported through the real
 * HTTP route (POST /api/import/portfolio on a real socket, the CSV streamed up in 64 KB chunks, the per-row answer
 * streamed back and read to the end), on in-memory PGlite and, when DATABASE_URL is set, on PostgreSQL too.
 *
 * Printed per database, three runs each → range: the import's wall time, and the process's peak RSS and heap
 * (process.memoryUsage() sampled every 10 ms; client and server share the process, so the figures include the
 * client's copy of the file, and RSS holds PGlite's WebAssembly memory; `+` columns: peak minus the value just before
 * the run). Baseline, measured in the same run and alternating with the imports: the same
 * accounts and contacts written by plain multi-row inserts (1,000 rows a statement, one transaction per batch) —
 * what the database alone costs. Also one run of the same rows as an .xlsx (written by tests/helpers/xlsx.ts;
 * read-excel-file reads but cannot write) and a re-import of the CSV (every row "skipped").
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createTestContext, ORIGIN, type TestContext } from '../tests/helpers/test-app.js';
import { buildXlsx, type XlsxCell } from '../tests/helpers/xlsx.js';
import { accounts, contacts } from '../src/server/db/schema/index.js';
import { mb, table } from './lib.js';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 2000);
const PER_ACCOUNT = Number(process.env.BENCH_CONTACTS ?? 10);
const RUNS = 3;
const HEADER = ['Account name', 'Domain', 'Industry', 'Stage', 'Annual revenue', 'Renewal date', 'Contact name', 'Email', 'Title', 'Language', 'Level', 'Buying role'];
const LEVELS = ['instigator', 'influencer', 'implementer'];
const ROLES = ['decision_maker', 'economic_buyer', 'technical_buyer', 'user', 'gatekeeper', 'champion'];

/** The rows of run `tag`: distinct domains per run, so every run creates (not updates) 2,000 accounts. */
function portfolioRows(tag: string): XlsxCell[][] {
  const rows: XlsxCell[][] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    for (let k = 0; k < PER_ACCOUNT; k++) {
      rows.push([
        `Account ${tag} ${a}`, `acct${a}.${tag}.example`, `Industry ${a % 12}`, a % 7 === 0 ? 'key_account' : 'customer',
        String(50_000 + a * 100), '2027-06-30', `Person ${k} of ${a}`, `p${k}@acct${a}.${tag}.example`, 'Head of Purchasing',
        k % 5 === 0 ? 'es' : 'en', LEVELS[k % 3]!, ROLES[k % 6]!,
      ]);
    }
  }
  return rows;
}
const csvOf = (rows: XlsxCell[][]) => [HEADER, ...rows].map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';

interface Measured {
  ms: number;
  peakRss: number;
  peakHeap: number;
  /** Peak minus the value just before the run: what the run itself added. */
  addedRss: number;
  addedHeap: number;
  summary?: string;
}

/** Runs `work` while sampling memory every 10 ms; returns the time and the peaks. */
async function measure(work: () => Promise<string | void>): Promise<Measured> {
  globalThis.gc?.();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const before = process.memoryUsage();
  sample();
  const timer = setInterval(sample, 10);
  const started = performance.now();
  const summary = await work();
  const ms = performance.now() - started;
  clearInterval(timer);
  sample();
  return { ms, peakRss, peakHeap, addedRss: peakRss - before.rss, addedHeap: peakHeap - before.heapUsed, summary: summary ?? undefined };
}

/** POSTs the body in 64 KB chunks (chunked transfer: the server reads it as it comes) and reads the answer whole. */
function post(port: number, path: string, cookie: string, type: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { cookie, origin: ORIGIN, 'content-type': type } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    const write = (offset: number) => {
      while (offset < body.length) {
        const end = Math.min(offset + 64 * 1024, body.length);
        const more = req.write(body.subarray(offset, end));
        offset = end;
        if (!more) return void req.once('drain', () => write(offset));
      }
      req.end();
    };
    write(0);
  });
}

async function importOnce(port: number, cookie: string, type: string, body: Buffer): Promise<string> {
  const res = await post(port, '/api/import/portfolio', cookie, type, body);
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${res.text.slice(0, 300)}`);
  const result = JSON.parse(res.text) as { created: number; updated: number; skipped: number; failed: number; rows: unknown[] };
  if (result.rows.length !== ACCOUNTS * PER_ACCOUNT) throw new Error(`expected ${ACCOUNTS * PER_ACCOUNT} row results, got ${result.rows.length}`);
  return `${result.created} created, ${result.updated} updated, ${result.skipped} skipped, ${result.failed} failed`;
}

/** The baseline: the same rows as plain multi-row inserts, 1,000 a statement, a transaction per batch. */
async function plainInserts(ctx: TestContext, ownerId: string, rows: XlsxCell[][]): Promise<string> {
  const now = new Date();
  const accountIds = new Map<string, string>();
  const accountRows: (typeof accounts.$inferInsert)[] = [];
  const contactRows: (typeof contacts.$inferInsert)[] = [];
  for (const r of rows) {
    let id = accountIds.get(r[1] as string);
    if (!id) {
      id = randomUUID();
      accountIds.set(r[1] as string, id);
      accountRows.push({ id, name: r[0] as string, domain: r[1] as string, industry: r[2] as string, ownerId, stage: r[3] as 'customer', annualRevenue: Number(r[4]) * 100, renewalDate: r[5] as string, createdAt: now, updatedAt: now });
    }
    contactRows.push({ accountId: id, name: r[6] as string, email: r[7] as string, title: r[8] as string, language: r[9] as string, level: r[10] as 'influencer', buyingRole: r[11] as 'user', createdAt: now, updatedAt: now });
  }
  const db = ctx.database.db;
  for (let i = 0; i < accountRows.length; i += 1000) await db.transaction((tx) => tx.insert(accounts).values(accountRows.slice(i, i + 1000)).then(() => undefined));
  for (let i = 0; i < contactRows.length; i += 1000) await db.transaction((tx) => tx.insert(contacts).values(contactRows.slice(i, i + 1000)).then(() => undefined));
  return `${accountRows.length} accounts, ${contactRows.length} contacts`;
}

const range = (values: number[], format: (n: number) => string) => {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return lo === hi ? format(lo) : `${format(lo)}–${format(hi)}`;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function benchDatabase(label: string) {
  const ctx = await createTestContext();
  const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const client = await ctx.signIn('admin');
    const cookie = client.cookie!;
    const imports: Measured[] = [];
    const baselines: Measured[] = [];
    let csvBytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const rows = portfolioRows(`r${run}`);
      const csv = Buffer.from(csvOf(rows));
      csvBytes = csv.length;
      imports.push(await measure(() => importOnce(port, cookie, 'text/csv', csv)));
      const baselineRows = portfolioRows(`b${run}`);
      baselines.push(await measure(() => plainInserts(ctx, client.user.id, baselineRows)));
      console.log(`  ${label} run ${run + 1}: import ${seconds(imports.at(-1)!.ms)} (${imports.at(-1)!.summary}), plain inserts ${seconds(baselines.at(-1)!.ms)}`);
    }
    const again = Buffer.from(csvOf(portfolioRows('r0')));
    const reimport = await measure(() => importOnce(port, cookie, 'text/csv', again));
    const xlsxRows = portfolioRows('x');
    const xlsx = Buffer.from(buildXlsx([HEADER, ...xlsxRows]));
    const xlsxRun = await measure(() => importOnce(port, cookie, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', xlsx));
    console.log(`  ${label} re-import: ${reimport.summary}; xlsx (${mb(xlsx.length)}): ${xlsxRun.summary}`);
    const line = (name: string, runs: Measured[]) => [
      name,
      range(runs.map((m) => m.ms), seconds),
      range(runs.map((m) => m.peakRss), mb),
      range(runs.map((m) => m.addedRss), mb),
      range(runs.map((m) => m.peakHeap), mb),
      range(runs.map((m) => m.addedHeap), mb),
    ];
    return [
      line(`${label}: CSV import (${mb(csvBytes)}), ${RUNS} runs`, imports),
      line(`${label}: baseline, plain multi-row inserts`, baselines),
      line(`${label}: re-import, all rows unchanged`, [reimport]),
      line(`${label}: XLSX import (${mb(xlsx.length)}), 1 run`, [xlsxRun]),
    ];
  } finally {
    server.close();
    await ctx.close();
  }
}

const postgresUrl = process.env.DATABASE_URL;
console.log(`Portfolio import: ${ACCOUNTS.toLocaleString('en-US')} accounts × ${PER_ACCOUNT} contacts = ${(ACCOUNTS * PER_ACCOUNT).toLocaleString('en-US')} rows per file`);
const results: string[][] = [['', 'time', 'peak RSS', '+RSS', 'peak heap', '+heap']];
delete process.env.DATABASE_URL;
results.push(...(await benchDatabase('PGlite')));
if (postgresUrl) {
  process.env.DATABASE_URL = postgresUrl;
  results.push(...(await benchDatabase('PostgreSQL')));
} else console.log('(set DATABASE_URL to measure PostgreSQL as well)');
console.log(`\n${table(results)}`);
process.exit(0);
