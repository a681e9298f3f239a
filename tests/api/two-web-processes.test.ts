import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../helpers/database.js';

// Two real web processes on one PostgreSQL, as a load balancer would run them: the sign-in limits they enforce
// must be one limit, not one each, and must outlast a restart.
const ADMIN = { email: 'founder@example.com', password: 'founder-passphrase-2026' };
const SECRET = randomBytes(32).toString('base64url');
const START_DEADLINE_MS = 120_000;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

interface WebProcess {
  child: ChildProcess;
  url: string;
  output: string[];
}

async function startWebProcess(databaseUrl: string, port: number): Promise<WebProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      KEYPULSE_PUBLIC_URL: url,
      KEYPULSE_DEMO: '0',
      KEYPULSE_WORKERS: '0',
      KEYPULSE_ADMIN_EMAIL: ADMIN.email,
      KEYPULSE_ADMIN_PASSWORD: ADMIN.password,
      KEYPULSE_SECRET: SECRET,
      KEYPULSE_LOGIN_MAX_ATTEMPTS: '3',
      KEYPULSE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`web process exited (${child.exitCode}):\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/api/me`)).status === 401) return { child, url, output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`web process did not answer within ${START_DEADLINE_MS} ms:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(web: WebProcess | undefined) {
  if (!web || web.child.exitCode !== null) return;
  const exited = once(web.child, 'exit');
  web.child.kill('SIGTERM');
  const timer = setTimeout(() => web.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

function signIn(web: WebProcess, password: string) {
  return fetch(`${web.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.email, password }),
  });
}

describe.skipIf(!process.env.DATABASE_URL)('two web processes on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let first: WebProcess | undefined;
  let second: WebProcess | undefined;
  let secondPort: number;

  beforeAll(async () => {
    database = await openTestDatabase();
    // One after the other: the first creates the admin, as the first deploy of a cluster would.
    first = await startWebProcess(database.url!, await freePort());
    secondPort = await freePort();
    second = await startWebProcess(database.url!, secondPort);
  }, 2 * START_DEADLINE_MS + 30_000);

  afterAll(async () => {
    await Promise.all([stop(first), stop(second)]);
    await database?.close();
  }, 60_000);

  it('share the failed sign-ins of an account, and a restart keeps them', async () => {
    // Alternating: neither process alone has seen three failures.
    expect((await signIn(first!, 'wrong guess 1')).status).toBe(401);
    expect((await signIn(second!, 'wrong guess 2')).status).toBe(401);
    expect((await signIn(first!, 'wrong guess 3')).status).toBe(401);

    const refused = await signIn(second!, ADMIN.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await signIn(first!, ADMIN.password)).status).toBe(429);

    await stop(second);
    second = await startWebProcess(database.url!, secondPort);
    expect((await signIn(second, ADMIN.password)).status).toBe(429);
  }, 2 * START_DEADLINE_MS);
});
