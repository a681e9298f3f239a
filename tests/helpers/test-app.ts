import { createApp, type App } from '../../src/server/app.js';
import { buildDeps } from '../../src/server/bootstrap.js';
import { testConfig, type Config } from '../../src/server/config.js';
import type { Database } from '../../src/server/db/client.js';
import type { AppDeps } from '../../src/server/http/context.js';
import { cheapTestPasswordHash } from './test-password-hash.js';
import { insertUser } from '../../src/server/db/queries/users.js';
import type { Role } from '../../src/shared/schemas/user.js';
import { openTestDatabase } from './database.js';
import { PgBossQueue, type JobQueue } from '../../src/server/jobs/queue.js';
import { createLogger } from '../../src/server/http/logger.js';
import type { EmailTransport } from '../../src/server/email/transport.js';
import { FakeClock } from './fake-clock.js';
import { DEMO_PASSWORD } from '../../src/server/seed/demo-data.js';

export const ORIGIN = 'http://localhost:3000';
export const TEST_PASSWORD = 'correct horse battery';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  name: string;
}

type Body = unknown;
interface RequestOptions {
  headers?: Record<string, string>;
  /** Raw body (string, FormData); when absent, `json` is sent as JSON. */
  body?: BodyInit;
  json?: Body;
}

/** Talks to the app in-process, like a browser (cookie + Origin) or a script (Bearer key). */
export class TestClient {
  cookie: string | null = null;
  constructor(
    private readonly app: App,
    private readonly defaults: Record<string, string> = { origin: ORIGIN },
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}) {
    const headers: Record<string, string> = { ...this.defaults, ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    let body = options.body;
    if (body === undefined && options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await this.app.request(`${ORIGIN}${path}`, { method, headers, body });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = /=$/.test(pair) || /Max-Age=0/i.test(setCookie) ? null : pair;
    }
    const text = await res.text();
    let data: any = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) data = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: data, text };
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options);
  }
  post(path: string, json?: Body, options: RequestOptions = {}) {
    return this.request('POST', path, { ...options, json });
  }
  patch(path: string, json?: Body, options: RequestOptions = {}) {
    return this.request('PATCH', path, { ...options, json });
  }
  delete(path: string, options?: RequestOptions) {
    return this.request('DELETE', path, options);
  }
}

/** For tests that must not queue anything: enqueuing is a bug there. */
export const noQueue: JobQueue = {
  enqueue: async (name) => {
    throw new Error(`unexpected job ${name}`);
  },
  enqueueMany: async (name) => {
    throw new Error(`unexpected jobs ${name}`);
  },
  keysWithoutLiveJob: async (name) => {
    throw new Error(`unexpected look at jobs ${name}`);
  },
};

export interface TestContext {
  /** Runs every queued job to completion (starting pg-boss on first use); returns how many ran. */
  runJobs(): Promise<number>;
  app: App;
  deps: AppDeps;
  database: Database;
  clock: FakeClock;
  /** An unauthenticated browser-like client. */
  anonymous(): TestClient;
  createUser(role: Role, fields?: Partial<{ email: string; name: string }>): Promise<TestUser>;
  /** A signed-in client for a new user of this role (or for the given user). */
  signIn(roleOrUser: Role | TestUser): Promise<TestClient & { user: TestUser }>;
  /** A signed-in client for one of the demo's people, by email (after `seedDemo`). */
  signInDemo(email: string): Promise<TestClient>;
  close(): Promise<void>;
}

let counter = 0;

export async function createTestContext(
  overrides: Partial<Config> = {},
  options: { transport?: EmailTransport } = {},
): Promise<TestContext> {
  const database = await openTestDatabase();
  const clock = new FakeClock();
  // pg-boss installs its schema on first use only, so tests that queue nothing pay nothing for it.
  let queue: Promise<PgBossQueue> | null = null;
  const startQueue = () =>
    (queue ??= PgBossQueue.start(database, { logger: createLogger('silent'), supervise: false, retryDelaySeconds: 0 }));
  const jobs: JobQueue = {
    enqueue: async (name, data, opts) => (await startQueue()).enqueue(name, data, opts),
    enqueueMany: async (name, list) => (await startQueue()).enqueueMany(name, list),
    keysWithoutLiveJob: async (name, keys) => (await startQueue()).keysWithoutLiveJob(name, keys),
  };
  const deps = await buildDeps(database, testConfig({ publicUrl: ORIGIN, ...overrides }), {
    clock,
    jobs,
    transport: options.transport,
  });
  const app = createApp(deps);
  // One hash for every test user, with a small work factor (see test-password-hash.ts).
  const passwordHash = cheapTestPasswordHash(TEST_PASSWORD);

  const ctx: TestContext = {
    app,
    deps,
    database,
    clock,
    anonymous: () => new TestClient(app),
    async createUser(role, fields = {}) {
      counter++;
      const row = await insertUser(database.db, {
        email: fields.email ?? `${role}.${counter}.${Date.now()}@example.com`,
        name: fields.name ?? `${role} ${counter}`,
        role,
        passwordHash,
      });
      return { id: row.id, email: row.email, role: row.role, name: row.name };
    },
    async signIn(roleOrUser) {
      const user = typeof roleOrUser === 'string' ? await ctx.createUser(roleOrUser) : roleOrUser;
      const client = new TestClient(app) as TestClient & { user: TestUser };
      const res = await client.post('/api/auth/login', { email: user.email, password: TEST_PASSWORD });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
      client.user = user;
      return client;
    },
    async signInDemo(email) {
      const client = new TestClient(app);
      const res = await client.post('/api/auth/login', { email, password: DEMO_PASSWORD });
      if (res.status !== 200) throw new Error(`demo sign-in failed for ${email}: ${res.status} ${res.text}`);
      return client;
    },
    runJobs: async () => (await startQueue()).runUntilIdle(deps),
    async close() {
      if (queue) await (await queue).stop();
      await database.close();
    },
  };
  return ctx;
}
