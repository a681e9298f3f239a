import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApp, type App } from '../../src/server/app.js';
import { openDatabase, type Database } from '../../src/server/db/client.js';
import { READINESS_DB_TIMEOUT_MS } from '../../src/server/routes/health.js';
import { createTestContext, ORIGIN, type TestContext } from '../helpers/test-app.js';
import { freePort } from '../helpers/processes.js'; // free a moment ago: nothing listens there

// A load balancer's view of one process: /healthz says the process is up, /readyz whether to send it traffic.
const journal = JSON.parse(readFileSync(new URL('../../drizzle/meta/_journal.json', import.meta.url), 'utf8')) as {
  entries: { tag: string; when: number }[];
};
const shipped = journal.entries.map((e) => e.tag);

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

const probe = async (app: App, path: string, headers: Record<string, string> = {}) => {
  const res = await app.request(`${ORIGIN}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
};

/** A database that has never been migrated: PGlite in memory, or a new empty database on the PostgreSQL server. */
async function openUnmigratedDatabase(): Promise<Database> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) return openDatabase({ kind: 'pglite', dataDir: null });
  const name = `keypulse_unmigrated_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), max: 1 });
  return {
    ...database,
    async close() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

describe('GET /healthz', () => {
  it('answers 200 {status: "ok"} to anyone, sets no cookie and is never cached', async () => {
    const res = await probe(ctx.app, '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('ignores a stale session cookie and a bad API key instead of refusing the probe', async () => {
    const res = await probe(ctx.app, '/healthz', { cookie: 'kp_session=not-a-session', authorization: 'Bearer kp_live_nonsense' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('does not touch the database: it still answers when nothing listens where the database should be', async () => {
    const port = await freePort();
    const gone = await openDatabase({ kind: 'postgres', url: `postgres://keypulse@127.0.0.1:${port}/keypulse`, max: 1 });
    try {
      const app = createApp({ ...ctx.deps, db: gone.db });
      expect((await probe(app, '/healthz')).status).toBe(200);
      const ready = await probe(app, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({
        status: 'not_ready',
        reason: 'database_unreachable',
        message: expect.stringMatching(new RegExp(`^the database cannot be reached: .*ECONNREFUSED.*${port}`)),
      });
    } finally {
      await gone.close();
    }
  });

  it('is not rate limited: a probe every few milliseconds from one address keeps getting 200', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    const statuses = await Promise.all(Array.from({ length: 200 }, () => probe(ctx.app, '/healthz', headers).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
    const ready = await Promise.all(Array.from({ length: 50 }, () => probe(ctx.app, '/readyz', headers).then((r) => r.status)));
    expect(new Set(ready)).toEqual(new Set([200]));
  });
});

describe('probes in the log', () => {
  it('leave no line per probe: one when readiness is lost, one when it is back', async () => {
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
    let db = ctx.deps.db;
    const app = createApp({ ...ctx.deps, logger, get db() { return db; } });
    for (let i = 0; i < 5; i++) await probe(app, '/healthz');
    for (let i = 0; i < 5; i++) await probe(app, '/readyz');
    expect(lines).toEqual([]);

    const gone = await openDatabase({ kind: 'postgres', url: `postgres://keypulse@127.0.0.1:${await freePort()}/keypulse`, max: 1 });
    db = gone.db;
    for (let i = 0; i < 5; i++) expect((await probe(app, '/readyz')).status).toBe(503);
    db = ctx.deps.db;
    for (let i = 0; i < 5; i++) expect((await probe(app, '/readyz')).status).toBe(200);
    await gone.close();
    expect(lines).toEqual(['warn not ready', 'info ready again: database reachable and migrated']);
  });
});

describe('GET /readyz', () => {
  it('answers 200 with the number of migrations applied when the database is reachable and current', async () => {
    const res = await probe(ctx.app, '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', migrations: shipped.length });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 503 "draining" once the process is shutting down, while /healthz stays 200', async () => {
    let draining = false;
    const app = createApp(ctx.deps, { isDraining: () => draining });
    expect((await probe(app, '/readyz')).status).toBe(200);
    draining = true;
    const res = await probe(app, '/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'not_ready', reason: 'draining' });
    expect((await probe(app, '/healthz')).status).toBe(200);
  });

  it('answers 503 naming the migration when the last one is not recorded as applied', async () => {
    const db = ctx.database.db;
    const last = journal.entries.at(-1)!;
    await db.execute(sql`delete from drizzle.__drizzle_migrations where created_at = ${last.when}`);
    try {
      const res = await probe(ctx.app, '/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        status: 'not_ready',
        reason: 'migrations_pending',
        message: expect.stringMatching(/lacks 1 migration of this version: run `npm run db:migrate`/),
        pending: [last.tag],
      });
    } finally {
      await db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('restored-by-test', ${last.when})`);
    }
    expect((await probe(ctx.app, '/readyz')).status).toBe(200);
  });

  it('answers 503 listing every migration on a database never migrated', async () => {
    const fresh = await openUnmigratedDatabase();
    try {
      const res = await probe(createApp({ ...ctx.deps, db: fresh.db }), '/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'not_ready', reason: 'migrations_pending', pending: shipped });
      expect(String(res.body.message)).toContain(`lacks ${shipped.length} migrations`);
    } finally {
      await fresh.close();
    }
  }, 60_000); // a new embedded database is made from scratch (initdb): seconds on a busy machine

  it(`gives up on a database that accepts the connection but never answers, after ${READINESS_DB_TIMEOUT_MS / 1000} s`, async () => {
    // A TCP peer that says nothing: what a half-dead database host or a dropped network path looks like.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const hung = await openDatabase({ kind: 'postgres', url: `postgres://keypulse@127.0.0.1:${port}/keypulse`, max: 1 });
    try {
      const started = performance.now();
      const res = await probe(createApp({ ...ctx.deps, db: hung.db }), '/readyz');
      const took = performance.now() - started;
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        status: 'not_ready',
        reason: 'database_unreachable',
        message: `the database did not answer within ${READINESS_DB_TIMEOUT_MS / 1000} s`,
      });
      expect(took).toBeGreaterThanOrEqual(READINESS_DB_TIMEOUT_MS - 50);
      expect(took).toBeLessThan(READINESS_DB_TIMEOUT_MS + 5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await (hung.raw as { sql: postgres.Sql }).sql.end({ timeout: 0 });
    }
  });
});

describe('the API reference', () => {
  it('lists both probes as public operations', async () => {
    const res = await ctx.anonymous().get('/api/openapi.json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    expect(paths['/healthz']?.get?.security).toEqual([]);
    expect(paths['/readyz']?.get?.security).toEqual([]);
    expect(Object.keys(paths['/readyz']!.get!.responses)).toEqual(expect.arrayContaining(['200', '503']));
  });
});
