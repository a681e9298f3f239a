import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, apiKeys, contacts, sessions, users } from '../../src/server/db/schema/index.js';
import { MAX_BODY_BYTES } from '../../src/server/app.js';
import { ErrorCode } from '../../src/shared/schemas/common.js';
import { createTestContext, TEST_PASSWORD, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';

let ctx: TestContext;
let admin: TestClient & { user: TestUser };
let accountId: string;
let contactId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await ctx.signIn('admin');
  accountId = (await admin.post('/api/accounts', { name: 'Errorproof Ltd' })).body.id;
  contactId = (
    await admin.post(`/api/accounts/${accountId}/contacts`, {
      name: 'Eve Example',
      email: 'eve@errorproof.example',
      level: 'influencer',
      buyingRole: 'champion',
    })
  ).body.id;
  await ctx.createUser('executive', { email: 'login.target@example.com' });
});
afterAll(() => ctx.close());

type Response = Awaited<ReturnType<TestClient['request']>>;
type Route = { method: 'POST' | 'PATCH'; path: string; body: Record<string, unknown> };

/** Representative writes; `:account` and `:contact` stand for the records made in beforeAll. */
const routes: Route[] = [
  { method: 'POST', path: '/api/accounts', body: { name: 'Valid Co' } },
  { method: 'PATCH', path: '/api/accounts/:account', body: { industry: 'Shipping' } },
  { method: 'POST', path: '/api/users', body: { email: 'valid.user@example.com', name: 'Val', role: 'executive', password: 'long-enough-pw' } },
  { method: 'POST', path: '/api/accounts/:account/contacts', body: { name: 'Val', email: 'val@errorproof.example', level: 'implementer', buyingRole: 'user' } },
  { method: 'PATCH', path: '/api/contacts/:contact', body: { title: 'Head of Quality' } },
  { method: 'POST', path: '/api/api-keys', body: { name: 'CI' } },
  { method: 'POST', path: '/api/auth/login', body: { email: 'login.target@example.com', password: TEST_PASSWORD } },
];
const withIds = (path: string, id?: string) =>
  path.replace(':account', id ?? accountId).replace(':contact', id ?? contactId);

/** Sends a raw body the way a careless client would: signed in as admin, or anonymously for login. */
function send(route: Route, init: { body?: BodyInit; headers?: Record<string, string> }, id?: string) {
  const client = route.path === '/api/auth/login' ? ctx.anonymous() : admin;
  return client.request(route.method, withIds(route.path, id), init);
}

/** Everything these routes could write, row by row. */
async function snapshot() {
  const db = ctx.database.db;
  return {
    users: await db.select().from(users).orderBy(users.id),
    accounts: await db.select().from(accounts).orderBy(accounts.id),
    contacts: await db.select().from(contacts).orderBy(contacts.id),
    apiKeys: await db.select().from(apiKeys).orderBy(apiKeys.id),
    sessions: await db.select().from(sessions).orderBy(sessions.id),
  };
}
async function expectNothingWritten(act: () => Promise<void>) {
  const before = await snapshot();
  await act();
  expect(await snapshot()).toEqual(before);
}

/** The one error envelope: JSON, a known code, a message, nothing else and no internals. */
function expectError(res: Response, status: number, code: ErrorCode) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(ErrorCode.options).toContain(res.body.error.code);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toEqual(expect.any(String));
  expect(Object.keys(res.body.error).every((k) => ['code', 'message', 'issues', 'requestId'].includes(k))).toBe(true);
  expect(res.text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|insert into|select /i);
}
const issuePaths = (res: Response) => (res.body.error.issues ?? []).map((i: { path: string }) => i.path);

describe.each(routes)('$method $path with a broken request', (route) => {
  const json = { 'content-type': 'application/json' };

  it('answers malformed JSON with 400 invalid_json', async () => {
    for (const body of ['{"name": "Acme",', "{name: 'Acme'}", '']) {
      await expectNothingWritten(async () => expectError(await send(route, { body, headers: json }), 400, 'invalid_json'));
    }
  });

  it('answers a JSON body sent as text/plain, or with no content type, with 415', async () => {
    const text = JSON.stringify(route.body);
    await expectNothingWritten(async () => {
      expectError(await send(route, { body: text, headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
      expectError(await send(route, { body: text, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
      // Bytes carry no default content type, unlike a string body.
      expectError(await send(route, { body: new TextEncoder().encode(text) }), 415, 'unsupported_media_type');
    });
  });

  it('answers a body over 1 MB with 413', async () => {
    const huge = JSON.stringify({ ...route.body, name: 'x'.repeat(MAX_BODY_BYTES) });
    await expectNothingWritten(async () => {
      expectError(await send(route, { body: huge, headers: json }), 413, 'payload_too_large');
      expectError(await send(route, { body: huge, headers: { ...json, 'content-length': String(huge.length) } }), 413, 'payload_too_large');
    });
  });

  it('answers JSON that is not an object, or holds a NUL character, with 400 naming the problem', async () => {
    await expectNothingWritten(async () => {
      for (const body of ['null', '[]', '"text"', '42']) {
        const res = await send(route, { body, headers: json });
        expectError(res, 400, 'validation_failed');
        expect(issuePaths(res)).toEqual(['(body)']);
      }
      // PostgreSQL text cannot store U+0000: it must be refused up front, not fail in the database.
      const [field] = Object.keys(route.body);
      const nul = await send(route, { body: JSON.stringify({ ...route.body, [field!]: 'a\u0000b' }), headers: json });
      expectError(nul, 400, 'validation_failed');
      expect(issuePaths(nul)).toEqual([field]);
    });
  });

  it('accepts the same body when it is sent properly (so the rejections above are about the request)', async () => {
    const res = await send(route, { body: JSON.stringify(route.body), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect([200, 201]).toContain(res.status);
  });
});

describe('path ids and empty changes', () => {
  const idRoutes = routes.filter((r) => r.path.includes(':'));

  it.each(idRoutes)('$method $path refuses a non-UUID id with 400 naming id', async (route) => {
    await expectNothingWritten(async () => {
      for (const bad of ['42', 'not-a-uuid', '%ZZ', `${accountId}-extra`]) {
        const res = await send(route, { body: JSON.stringify(route.body), headers: { 'content-type': 'application/json' } }, bad);
        expectError(res, 400, 'validation_failed');
        expect(issuePaths(res)).toEqual(['id']);
      }
    });
  });

  it.each(idRoutes)('$method $path answers an unknown id with 404', async (route) => {
    await expectNothingWritten(async () => {
      const res = await send(
        route,
        { body: JSON.stringify(route.body), headers: { 'content-type': 'application/json' } },
        '00000000-0000-4000-8000-000000000000',
      );
      expectError(res, 404, 'not_found');
    });
  });

  it.each(routes.filter((r) => r.method === 'PATCH'))('$method $path refuses an empty change {}', async (route) => {
    await expectNothingWritten(async () => {
      const res = await send(route, { body: '{}', headers: { 'content-type': 'application/json' } });
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.message).toContain('nothing to update');
    });
  });

  it('takes exactly 1 MB, and not a byte more', async () => {
    const frame = JSON.stringify({ name: '' });
    const atLimit = JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES - frame.length) });
    expect(atLimit.length).toBe(MAX_BODY_BYTES);
    const headers = { 'content-type': 'application/json' };
    await expectNothingWritten(async () => {
      // At the limit the body is read and validated: the name is simply too long.
      const read = await admin.request('POST', '/api/accounts', { body: atLimit, headers });
      expectError(read, 400, 'validation_failed');
      expect(issuePaths(read)).toEqual(['name']);
      const over = await admin.request('POST', '/api/accounts', { body: atLimit + ' ', headers });
      expectError(over, 413, 'payload_too_large');
    });
  });

  it('refuses deeply nested JSON quickly with a 400, not a crash', async () => {
    const depth = 100_000;
    for (const body of ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '"\\u0000"' + '}'.repeat(depth)]) {
      const res = await admin.request('POST', '/api/accounts', { body, headers: { 'content-type': 'application/json' } });
      expectError(res, 400, 'validation_failed');
    }
  });
});

describe('query-string validation', () => {
  it.each([
    ['/api/accounts?pageSize=1000', ['pageSize']],
    ['/api/accounts?pageSize=0', ['pageSize']],
    ['/api/accounts?page=abc', ['page']],
    ['/api/accounts?stage=bogus', ['stage']],
    ['/api/accounts?stage=customer&stage=prospect', ['stage']],
    ['/api/accounts?sort=bogus', ['sort']],
    ['/api/accounts?includeArchived=maybe', ['includeArchived']],
    ['/api/accounts?ownerId=nobody', ['ownerId']],
    ['/api/accounts?q=a%00b', ['q']],
    ['/api/accounts?stage=bogus&sort=bogus&pageSize=1000', ['pageSize', 'sort', 'stage']],
    ['/api/users?role=boss', ['role']],
    ['/api/accounts/:account/contacts?level=boss', ['level']],
  ])('GET %s → 400 naming %j', async (path, expected) => {
    const res = await admin.get(withIds(path));
    expectError(res, 400, 'validation_failed');
    expect([...new Set(issuePaths(res))].sort()).toEqual(expected);
    expect(res.body.error.message).toContain('query parameters');
  });

  it('a valid query still works', async () => {
    const res = await admin.get('/api/accounts?stage=customer&sort=-name&pageSize=100&includeArchived=true');
    expect(res.status).toBe(200);
    expect(res.body.data.map((a: { id: string }) => a.id)).toContain(accountId);
  });
});

describe('unknown addresses', () => {
  it.each(['GET', 'POST', 'DELETE', 'PUT'])('%s on an unknown /api route is a JSON 404 (a 401 when signed out)', async (method) => {
    for (const path of ['/api/nope', '/api/accounts/x/y/z', '/api/', `/api/accounts/${accountId}/nothing`]) {
      const init = { body: method === 'GET' ? undefined : '{}', headers: { 'content-type': 'application/json' } };
      const res = await admin.request(method, path, init);
      expectError(res, 404, 'not_found');
      expect(res.body.error.message).toContain(path);
      // Signed out, nothing under /api is looked up, so nothing tells which routes or ids exist.
      expectError(await ctx.anonymous().request(method, path, init), 401, 'unauthorized');
    }
  });

  it('a method a known route does not take is a JSON 404 too', async () => {
    await expectNothingWritten(async () => {
      const res = await admin.request('PUT', `/api/accounts/${accountId}`, { body: '{"name":"Put"}', headers: { 'content-type': 'application/json' } });
      expectError(res, 404, 'not_found');
    });
  });

  it('an unknown page is an HTML 404 a person can read', async () => {
    const res = await ctx.anonymous().get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/^<!doctype html>/i);
    expect(res.text).toContain('Page not found');
    expect(res.text).toContain('href="/"');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('when something breaks on our side', () => {
  it('answers a generic 500 with a request id, and logs the details under that id', async () => {
    const broken = await createTestContext();
    const logged: Record<string, unknown>[] = [];
    broken.deps.logger.error = (_message, fields) => logged.push(fields ?? {});
    const client = await broken.signIn('admin');
    await broken.database.close(); // the database goes away mid-flight
    const res = await client.get('/api/accounts');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'something went wrong on our side', requestId: expect.any(String) } });
    expect(res.headers.get('x-request-id')).toBe(res.body.error.requestId);
    expect(res.text).not.toMatch(/\n\s+at |select|PGlite|postgres|CONNECTION/i);
    expect(logged).toEqual([expect.objectContaining({ requestId: res.body.error.requestId, stack: expect.any(String) })]);
  });
});

type OpenApiDoc = {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  security: Record<string, unknown>[];
  components: { schemas: Record<string, any>; securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, any>>;
};

describe('the OpenAPI document', () => {
  let doc: OpenApiDoc;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));

  beforeAll(async () => {
    const res = await ctx.anonymous().get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = res.body;
  });

  it('is OpenAPI 3.1 and documents exactly the /api operations the app serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Keypulse API');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(doc.servers).toEqual([{ url: ctx.deps.config.publicUrl }]);

    // The document and the reference page describe the API; they are not part of it.
    const notOperations = new Set(['GET /api/openapi.json', 'GET /api/docs']);
    const served = new Set(
      ctx.app.routes
        .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
        // The JSON API, the one JSON endpoint the survey page uses and the shared plan's JSON twin (the pages
        // themselves are HTML), and the load balancer's health probes.
        .filter((r) => /^\/(api|webhooks)\//.test(r.path) || (r.method === 'POST' && r.path === '/s/:token/answers') || (r.method === 'GET' && r.path === '/p/:token/plan.json') || /^\/(healthz|readyz)$/.test(r.path))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
        .filter((key) => !notOperations.has(key)),
    );
    const documented = operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(new Set(documented).size).toBe(documented.length);
    expect(documented.sort()).toEqual([...served].sort());
    expect(served.size).toBeGreaterThanOrEqual(20);
  });

  it('is well formed: path parameters match the templates, every $ref resolves, every operation answers', () => {
    const verbs = new Set(['get', 'post', 'put', 'patch', 'delete']);
    for (const { method, path, op } of operations()) {
      const where = `${method} ${path}`;
      expect(verbs.has(method), where).toBe(true);
      expect(op.summary, where).toEqual(expect.any(String));
      expect(op.tags?.length, where).toBeGreaterThan(0);

      const params: { name: string; in: string; required: boolean; schema: object }[] = op.parameters ?? [];
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(params.filter((p) => p.in === 'path').map((p) => p.name).sort(), where).toEqual(templated.sort());
      expect(params.filter((p) => p.in === 'path').every((p) => p.required === true), where).toBe(true);
      expect(new Set(params.map((p) => `${p.in}:${p.name}`)).size, where).toBe(params.length);
      expect(params.every((p) => ['path', 'query'].includes(p.in) && typeof p.schema === 'object'), where).toBe(true);

      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => /^2\d\d$/.test(s)), where).toBe(true);
      for (const status of statuses.filter((s) => /^4\d\d$/.test(s))) {
        expect(op.responses[status].content['application/json'].schema, `${where} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
      for (const requirement of op.security ?? []) {
        for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(scheme);
      }
    }
    for (const requirement of doc.security) {
      for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(scheme);
    }

    const refs: string[] = [];
    JSON.stringify(doc, (key, value) => (key === '$ref' && refs.push(value), value));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(ref).toMatch(/^#\//);
      const target = ref.slice(2).split('/').reduce<any>((node, part) => node?.[part], doc);
      expect(target, ref).toBeTypeOf('object');
    }
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it('describes every request body, including the CSV upload', () => {
    // Logout, cancel, "send the risk report now", "send a reset link", erasure, a chat channel's or webhook
    // endpoint's test message, a secret rotation, a replay and "sync HubSpot now" take no body; the webhook's
    // body is Resend's, verified raw.
    const bodyless = new Set([
      'post /api/auth/logout',
      'post /api/campaigns/{id}/cancel',
      'post /api/reports/risk/send',
      'post /webhooks/resend',
      'post /api/users/{id}/password-reset',
      'post /api/contacts/{id}/erase',
      'post /api/chat-channels/{id}/test',
      'post /api/webhooks/{id}/rotate-secret',
      'post /api/webhooks/{id}/test',
      'post /api/webhooks/{id}/deliveries/{deliveryId}/replay',
      'post /api/integrations/hubspot/sync',
    ]);
    for (const { method, path, op } of operations()) {
      if (!['post', 'put', 'patch'].includes(method) || bodyless.has(`${method} ${path}`)) continue;
      expect(op.requestBody?.content, `${method} ${path} has no request body`).toBeTypeOf('object');
      for (const media of Object.values<any>(op.requestBody.content)) expect(media.schema).toBeTypeOf('object');
    }

    const createUser = doc.paths['/api/users']!.post.requestBody.content['application/json'].schema;
    expect(Object.keys(createUser.properties).sort()).toEqual(['email', 'name', 'password', 'role']);
    // Without a password the new user gets an email link to set their own.
    expect(createUser.required.sort()).toEqual(['email', 'name', 'role']);
    expect(createUser.properties.role.enum).toEqual(['admin', 'executive', 'account_manager']);
    expect(createUser.additionalProperties).toBe(false);

    const updateAccount = doc.paths['/api/accounts/{id}']!.patch.requestBody.content['application/json'].schema;
    expect(updateAccount.properties.stage.enum).toEqual(['suspect', 'prospect', 'customer', 'key_account']);
    expect(updateAccount.required ?? []).toEqual([]);

    const upload = doc.paths['/api/accounts/{id}/contacts/import']!.post.requestBody.content;
    expect(Object.keys(upload)).toEqual(expect.arrayContaining(['text/csv', 'multipart/form-data']));
    expect(upload['multipart/form-data'].schema.required).toEqual(['file']);
  });

  it('describes query parameters: every list pages, and filters list their allowed values', () => {
    const lists = operations().filter(({ method, op }) => method === 'get' && op.responses['200']?.content?.['application/json']?.schema?.properties?.data?.type === 'array');
    expect(lists.map((l) => l.path)).toEqual(expect.arrayContaining(['/api/accounts', '/api/users', '/api/accounts/{id}/contacts']));
    // API keys, surveys and follow-up rules are short lists answered whole; so are the key-account program's
    // criteria and partnership indicators, an account's scores, stage history and quarters, and your own sessions.
    const whole = new Set([
      '/api/api-keys',
      '/api/surveys',
      '/api/follow-up-rules',
      '/api/key-accounts/criteria',
      '/api/partnership-indicators',
      '/api/accounts/{id}/criteria-scores',
      '/api/accounts/{id}/stage-history',
      '/api/accounts/{id}/value',
      '/api/me/sessions',
      '/api/accounts/{id}/plan/shares',
      '/api/accounts/{id}/plan/comments',
      '/api/pulse-event-types',
      // At most 20 Slack and Teams channels per owner.
      '/api/chat-channels',
      // Webhook endpoints an admin registered: a handful (their delivery logs are paged).
      '/api/webhooks',
    ]);
    for (const { path, op } of lists.filter((l) => !whole.has(l.path))) {
      const query = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'query');
      const byName = Object.fromEntries(query.map((p: { name: string }) => [p.name, p]));
      expect(byName.page, path).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1 } });
      expect(byName.pageSize, path).toMatchObject({ required: false, schema: { type: 'integer', maximum: 100 } });
    }

    const accountQuery = Object.fromEntries(
      doc.paths['/api/accounts']!.get.parameters.map((p: { name: string }) => [p.name, p]),
    );
    expect(Object.keys(accountQuery).sort()).toEqual(['include', 'includeArchived', 'industry', 'ownerId', 'page', 'pageSize', 'q', 'risk', 'sort', 'stage']);
    expect(accountQuery.stage.schema.enum).toEqual(['suspect', 'prospect', 'customer', 'key_account']);
    expect(accountQuery.sort.schema.enum).toContain('-renewalDate');
    expect(accountQuery.sort.schema.enum).toContain('-nps');
    expect(accountQuery.include.schema.enum).toEqual(['health']);
    expect(Object.values(accountQuery).every((p: any) => p.in === 'query' && p.required === false)).toBe(true);

    const importQuery = doc.paths['/api/accounts/{id}/contacts/import']!.post.parameters;
    expect(importQuery.map((p: { name: string }) => p.name)).toContain('dryRun');
  });

  it('declares the Error envelope every failure uses', () => {
    const error = doc.components.schemas.Error;
    expect(error.required).toEqual(['error']);
    expect(error.properties.error.required.sort()).toEqual(['code', 'message']);
    expect(error.properties.error.properties.code.enum).toEqual(ErrorCode.options);
    expect(error.properties.error.properties.issues.items.required.sort()).toEqual(['message', 'path']);
  });
});

describe('pages', () => {
  it.each([
    ['/signin', 'anonymous'],
    ['/api/docs', 'anonymous'],
    ['/accounts', 'signed in'],
  ] as const)('%s (%s) is HTML served with a strict Content-Security-Policy', async (path, who) => {
    const client = who === 'anonymous' ? ctx.anonymous() : await ctx.signIn('account_manager');
    const res = await client.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(
      csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);

    // The page itself must live within that policy: no inline scripts, styles or handlers the browser would block.
    // (JSON data blocks are not scripts: browsers never run them.)
    expect(res.text).not.toMatch(/<script(?![^>]*\s(?:src=|type="application\/json"))[^>]*>/i);
    expect(res.text).not.toMatch(/<style[\s>]|\sstyle="|\son[a-z]+="/i);
  });

  it('the workspace app is served to signed-in people only, and signed-out visitors come back after signing in', async () => {
    const visitor = await ctx.anonymous().get('/accounts?page=2');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('location')).toBe('/signin?next=%2Faccounts%3Fpage%3D2');
    const manager = await ctx.signIn('account_manager');
    const shell = await manager.get('/accounts/00000000-0000-4000-8000-000000000000');
    expect(shell.status).toBe(200);
    expect(shell.text).toContain(`"id":"${manager.user.id}"`);
    const script = /<script type="module" src="([^"]+)"/.exec(shell.text)![1]!;
    const js = await manager.get(script);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await manager.get('/accountsx')).status).toBe(404);
  });

  it('the API reference lists every documented operation', async () => {
    const doc: OpenApiDoc = (await ctx.anonymous().get('/api/openapi.json')).body;
    const page = (await ctx.anonymous().get('/api/docs')).text;
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(page).toContain(`<code>${path}</code>`);
      for (const op of Object.values<any>(ops)) expect(page).toContain(op.summary.replace(/"/g, '&quot;').slice(0, 40));
    }
  });
});
