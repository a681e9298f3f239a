import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../helpers/database.js';
import { START_DEADLINE_MS, freePort, startWebProcess, stopProcess, type WebProcess } from '../helpers/processes.js';

// Two real web processes on one PostgreSQL, as a load balancer would run them: the sign-in limits they enforce
// must be one limit, not one each, and must outlast a restart.
const ADMIN = { email: 'founder@example.com', password: 'founder-passphrase-2026' };
const SECRET = randomBytes(32).toString('base64url');

function startWeb(databaseUrl: string, port: number): Promise<WebProcess> {
  return startWebProcess({
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    KEYPULSE_DEMO: '0',
    KEYPULSE_WORKERS: '0',
    KEYPULSE_ADMIN_EMAIL: ADMIN.email,
    KEYPULSE_ADMIN_PASSWORD: ADMIN.password,
    KEYPULSE_SECRET: SECRET,
    KEYPULSE_LOGIN_MAX_ATTEMPTS: '3',
  });
}

const stop = (web: WebProcess | undefined) => stopProcess(web);

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
    first = await startWeb(database.url!, await freePort());
    secondPort = await freePort();
    second = await startWeb(database.url!, secondPort);
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
    second = await startWeb(database.url!, secondPort);
    expect((await signIn(second, ADMIN.password)).status).toBe(429);
  }, 2 * START_DEADLINE_MS);
});
