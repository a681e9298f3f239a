import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Real Keypulse processes for tests that need more than one (several web servers and workers on one PostgreSQL),
 * or a real signal (graceful shutdown). Each runs the command `npm start` / `npm run worker` runs, read from
 * package.json when the process is started, but spawned directly rather than through npm: a SIGKILL must hit the
 * server itself, not an npm (or tsx launcher) parent that would leave the server running as an orphan.
 */

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Generous: four processes compiling and migrating at once on a busy two-core machine take their time. */
export const START_DEADLINE_MS = 120_000;

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `condition` until it holds or the deadline passes (then throws, saying what was awaited). */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * The node command line behind an npm script: `tsx file` runs as `node --import tsx file` (tsx's own CLI would be a
 * parent process), `node …` as itself; `NAME=value` prefixes become environment variables.
 */
export function npmScriptCommand(script: 'start' | 'worker'): { args: string[]; env: Record<string, string> } {
  const scripts = (JSON.parse(readFileSync(`${projectRoot}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const line = scripts[script];
  if (!line) throw new Error(`package.json has no "${script}" script`);
  const words = line.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  const [program, ...rest] = words;
  if (program === 'tsx') return { args: ['--import', 'tsx', ...rest], env };
  if (program === 'node') return { args: rest, env };
  throw new Error(`tests/helpers/processes.ts cannot run the "${script}" script directly (${line}): teach npmScriptCommand its launcher`);
}

export interface KeypulseProcess {
  label: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when it has exited, with its exit code (null when a signal ended it) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface WebProcess extends KeypulseProcess {
  port: number;
  url: string;
}

/** The environment of a child: this one's, without any Keypulse setting or database of the test runner's own. */
function childEnvironment(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('KEYPULSE_') || name.startsWith('RESEND_') || name === 'DATABASE_URL' || name === 'PORT' || name === 'HOST') continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

export function spawnKeypulse(script: 'start' | 'worker', label: string, env: Record<string, string | undefined>): KeypulseProcess {
  const command = npmScriptCommand(script);
  const child = spawn(process.execPath, command.args, {
    cwd: projectRoot,
    env: childEnvironment({ KEYPULSE_LOG_LEVEL: 'warn', ...command.env, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout!.on('data', (chunk) => chunks.push(String(chunk)));
  child.stderr!.on('data', (chunk) => chunks.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { label, child, output: () => chunks.join(''), exited };
}

const running = (p: KeypulseProcess) => p.child.exitCode === null && p.child.signalCode === null;

/** Waits until the process printed a line matching `pattern`; fails at once if it exits first. */
export async function waitForOutput(p: KeypulseProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  await until(
    () => {
      if (pattern.test(p.output())) return true;
      if (!running(p)) throw new Error(`${p.label} exited before printing ${pattern}:\n${p.output()}`);
      return false;
    },
    timeoutMs,
    `${p.label} to print ${pattern}; so far:\n${p.output()}`,
  );
}

/** A web process (`npm start`) on a free loopback port, returned once its /readyz answers 200. */
export async function startWebProcess(env: Record<string, string | undefined>, label = 'web'): Promise<WebProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const p = spawnKeypulse('start', label, { HOST: '127.0.0.1', KEYPULSE_PUBLIC_URL: url, ...env, PORT: String(port) });
  try {
    await until(
      async () => {
        if (!running(p)) throw new Error(`${label} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.output()}`);
        try {
          return (await fetch(`${url}/readyz`)).status === 200;
        } catch {
          return false; // not listening yet
        }
      },
      START_DEADLINE_MS,
      `${label} to be ready at ${url}/readyz`,
      200,
    );
  } catch (error) {
    p.child.kill('SIGKILL');
    throw error;
  }
  return { ...p, port, url };
}

/** A queue worker (`npm run worker`), returned once it has started working. */
export async function startWorkerProcess(env: Record<string, string | undefined>, label = 'worker'): Promise<KeypulseProcess> {
  const p = spawnKeypulse('worker', label, env);
  try {
    await waitForOutput(p, /Keypulse worker started/, START_DEADLINE_MS);
  } catch (error) {
    p.child.kill('SIGKILL');
    throw error;
  }
  return p;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. For cleanup: resolves whatever happens. */
export async function stopProcess(p: KeypulseProcess | undefined, graceMs = 20_000): Promise<void> {
  if (!p || !running(p)) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}
