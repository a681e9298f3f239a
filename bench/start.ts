/**
 * npm run bench:start — how long `npm start` takes until the app answers, measured the way a user meets it:
 * `npm start` in the project folder, timed from the spawn to the first 2xx of GET /signin.
 *
 * - first start: a fresh, empty data directory (migrations, then the demo data), as after `npm install`;
 * - warm start: the same data directory again (a restart).
 *
 * Each is run three times and printed with its range, beside a baseline measured in the same run and started
 * the same way: `npm start` of a package whose start script is a bare @hono/node-server hello-world
 * (start-hello.mjs). After each start the app is checked to really work (a demo sign-in and the accounts list),
 * so a fast 2xx from a half-started server would not pass. Exits 1 when a start does not answer or fails that
 * check; the targets are printed, not enforced (the machine is shared and its speed drifts).
 *
 * The build (`npm run build`, the same step `npm install` runs) is made fresh first and reported on its own
 * line: a user's first `npm start` after `npm install` finds it made.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const TARGETS = { first: 5000, warm: 1500 } as const;
/** A start that has not answered by then has failed (a busy machine has taken 40 s before this work). */
const START_DEADLINE_MS = 180_000;
const POLL_MS = 20;

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: string[];
  ms: number;
}

/** Spawns `npm start` in `cwd` (in its own process group, so npm's children stop with it) and waits for a 2xx. */
async function startAndWait(cwd: string, env: NodeJS.ProcessEnv, port: number, path: string): Promise<Started> {
  const output: string[] = [];
  const began = performance.now();
  const child = spawn(npm, ['start', '--silent'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const url = `http://127.0.0.1:${port}${path}`;
  while (performance.now() - began < START_DEADLINE_MS) {
    if (exited !== null) throw new StartFailed(`exited with code ${exited} before answering`, output);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.ok) return { child, output, ms: performance.now() - began };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  await stop(child);
  throw new StartFailed(`no 2xx from ${path} within ${START_DEADLINE_MS / 1000} s`, output);
}

class StartFailed extends Error {
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
}

/** SIGTERM to the whole group (npm, its shell, node), then waits for the exit; SIGKILL if it does not come. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  // npm exits as soon as its child does; give the group a moment to be gone before the next start takes the files.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  signal('SIGKILL');
}

/** The app works: a demo manager signs in and sees the demo portfolio. */
async function checkAppWorks(port: number): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: 'maria.manager@keypulse.demo', password: 'keypulse-demo' }),
  });
  if (!login.ok) throw new Error(`demo sign-in answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const accounts = await fetch(`${base}/api/accounts`, { headers: { cookie } });
  const text = await accounts.text();
  if (!accounts.ok || !text.includes('Northwind Logistics')) throw new Error(`accounts answered ${accounts.status} without the demo portfolio`);
}

function appEnv(dir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), KEYPULSE_DATA_DIR: join(dir, 'data'), KEYPULSE_SECRET_FILE: join(dir, 'keypulse.secret'), KEYPULSE_DEMO: '1' };
  for (const name of ['DATABASE_URL', 'HOST', 'KEYPULSE_DEV', 'KEYPULSE_PUBLIC_URL', 'KEYPULSE_WORKERS', 'RESEND_API_KEY']) delete env[name];
  return env;
}

const scratch = mkdtempSync(join(tmpdir(), 'keypulse-bench-start-'));
const results = { baseline: [] as number[], first: [] as number[], warm: [] as number[] };
/** CPU seconds each Keypulse start reports on its "running" line: steadier than the wall clock on a busy machine. */
const cpu = { first: [] as number[], warm: [] as number[] };
let failed = false;

async function measure(kind: keyof typeof results, cwd: string, env: NodeJS.ProcessEnv, port: number, check: boolean) {
  try {
    const started = await startAndWait(cwd, env, port, kind === 'baseline' ? '/' : '/signin');
    try {
      if (check) await checkAppWorks(port);
    } finally {
      await stop(started.child);
    }
    results[kind].push(started.ms);
    const cpuSeconds = /started in [\d.]+ s, ([\d.]+) s of CPU/.exec(started.output.join(''))?.[1];
    if (kind !== 'baseline' && cpuSeconds) cpu[kind].push(Number(cpuSeconds));
    process.stdout.write(`  ${kind.padEnd(8)} run ${results[kind].length}: ${(started.ms / 1000).toFixed(2)} s${cpuSeconds ? ` (server: ${cpuSeconds} s of CPU until listening)` : ''}\n`);
  } catch (error) {
    failed = true;
    console.error(`  ${kind} start FAILED: ${(error as Error).message}`);
    if (error instanceof StartFailed) console.error(error.output.join('').split('\n').slice(-30).join('\n'));
  }
}

try {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
  console.log(`bench:start — \`npm start\` until the first 2xx, ${RUNS} runs each (${load()} at the start: on a shared machine the figures are noisy)\n`);
  if (pkg.scripts.build) {
    const began = performance.now();
    const build = spawnSync(npm, ['run', 'build', '--silent', '--', '--if-stale'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}`);
    console.log(`build (npm run build, fresh or confirmed fresh): ${((performance.now() - began) / 1000).toFixed(2)} s — ${build.stdout.trim().split('\n').at(-1)}\n`);
  }

  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'bench-start-hello', private: true, scripts: { start: `node ${JSON.stringify(join(root, 'bench/start-hello.mjs'))}` } }));

  for (let run = 0; run < RUNS; run++) {
    const port = await freePort();
    await measure('baseline', scratch, { ...process.env, PORT: String(port) }, port, false);
    const dir = mkdtempSync(join(scratch, `app-${run}-`));
    await measure('first', root, appEnv(dir, port), port, true);
    await measure('warm', root, appEnv(dir, port), port, true);
    rmSync(dir, { recursive: true, force: true });
  }

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cpuRange = (xs: number[]) => (xs.length ? `${Math.min(...xs).toFixed(1)} – ${Math.max(...xs).toFixed(1)} s` : '');
  const row = (label: string, xs: number[], target?: number, cpuSeconds: number[] = []) => {
    if (!xs.length) return [label, 'failed', '', '', '', ''];
    const best = Math.min(...xs);
    const verdict = target === undefined ? '' : median(xs) <= target ? `≤ ${s(target)}: met` : `≤ ${s(target)}: NOT met`;
    return [label, s(median(xs)), `${s(best)} – ${s(Math.max(...xs))}`, xs.map(s).join(', '), cpuRange(cpuSeconds), verdict];
  };
  console.log('');
  console.log(
    table([
      ['start (npm start → first 2xx)', 'median', 'range', 'runs', 'server CPU', 'target'],
      row('baseline: hello-world', results.baseline),
      row('Keypulse first start (empty data dir)', results.first, TARGETS.first, cpu.first),
      row('Keypulse warm start', results.warm, TARGETS.warm, cpu.warm),
    ]),
  );
  console.log(`\n${load()} at the end. The server's CPU time until it listened is its own work, which a busy machine delays but hardly changes.`);
  if (results.baseline.length && results.warm.length) {
    console.log(`\nwarm start beyond the baseline: ${s(median(results.warm) - median(results.baseline))} (median); first start beyond it: ${s(median(results.first) - median(results.baseline))}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
