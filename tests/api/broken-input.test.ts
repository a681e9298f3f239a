import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { seedDemo, seedDemoCampaign } from '../../src/server/seed/demo.js';
import { seedDemoHistory } from '../../src/server/seed/demo-history.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

/**
 * Every operation the OpenAPI document lists, sent thousands of broken requests built from its own schema:
 * bad path ids, bad query values, and bodies with each field (and each field one level down) replaced by a
 * value of the wrong kind. None may answer 5xx, and every 4xx is the one JSON error envelope. The hand-written
 * tests name the errors route by route; this one keeps a new route from shipping without validation.
 */
let ctx: TestContext;
let admin: TestClient;
let manager: TestClient;
let doc: any;
beforeAll(async () => {
  ctx = await createTestContext();
  // The demo, so that path ids lead to real records and handlers run past their lookups.
  await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
  await seedDemoHistory(ctx.deps.db, ctx.deps.links, ctx.clock, ctx.deps.config);
  await seedDemoCampaign(ctx.deps.db, ctx.deps.links, ctx.clock);
  admin = await ctx.signInDemo('admin@keypulse.demo');
  manager = await ctx.signInDemo('maria.manager@keypulse.demo');
  doc = (await admin.get('/api/openapi.json')).body;
}, 300_000);
afterAll(() => ctx.close());

const resolve = (schema: any): any =>
  schema?.$ref ? resolve(schema.$ref.slice(2).split('/').reduce((node: any, part: string) => node[part], doc)) : schema;

/** A plausible value for a schema: the starting point that each broken request changes in one place. */
function example(schema: any, depth = 0): any {
  const s = resolve(schema);
  if (!s || depth > 6) return null;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return example(alternatives.find((a: any) => resolve(a).type !== 'null') ?? alternatives[0], depth + 1);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((part: any) => example(part, depth + 1)));
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (s.format === 'date') return '2026-06-01';
      if (s.format === 'date-time') return '2026-06-01T00:00:00.000Z';
      if (s.format === 'email') return 'probe@example.com';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum ?? s.exclusiveMinimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: s.minItems ?? 1 }, () => example(s.items, depth + 1));
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, value]) => [key, example(value, depth + 1)]));
  }
  return null;
}

const wrongValues: unknown[] = [
  null, 123, -1, 1e308, 1.5, true, 'x', '', 'x'.repeat(20_000), [], [1, 'a', null], {}, { a: { b: 1 } },
  '2026-02-30', '-0', 'Infinity', '00000000-0000-0000-0000-000000000000', '../../etc', '<script>', 'ñ\u202e',
];
const wrongPathIds = ['nope', '0', '00000000-0000-0000-0000-000000000000', 'a'.repeat(500), '%E0%A4%A', '%00', '..%2F..', 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ'];
const wrongQueryValues = ['zzz', '-5', '1e400', '9'.repeat(30), '', '%FF', '2026-02-30', 'x'.repeat(3000)];

/** A real record for each collection a path can name (`/api/accounts/{id}` gets an account's id). */
async function realIds(): Promise<Record<string, string>> {
  const firstId = (body: any): string | undefined => (body?.data ?? body)?.[0]?.id;
  const ids: Record<string, string> = {};
  for (const collection of ['accounts', 'campaigns', 'surveys', 'tasks', 'users', 'responses', 'messages', 'api-keys']) {
    const id = firstId((await admin.get(`/api/${collection}`)).body);
    if (id) ids[collection] = id;
  }
  const contact = firstId((await admin.get(`/api/accounts/${ids.accounts}/contacts`)).body);
  if (contact) ids.contacts = contact;
  return ids;
}

interface BrokenRequest {
  method: string;
  url: string;
  body?: string;
}

function brokenRequests(method: string, path: string, op: any, ids: Record<string, string>): BrokenRequest[] {
  const params: any[] = op.parameters ?? [];
  const withPath = (replaced?: [string, string]) =>
    path.replace(/\{(\w+)\}/g, (_match, name: string, offset: number) => {
      if (replaced?.[0] === name) return replaced[1];
      const collection = path.slice(0, offset).split('/').filter(Boolean).pop()!;
      return ids[collection] ?? '00000000-0000-4000-8000-000000000000';
    });
  const requiredQuery = params.filter((p) => p.in === 'query' && p.required).map((p) => `${p.name}=${encodeURIComponent(String(example(p.schema)))}`);
  const query = (pairs: string[]) => (pairs.length ? `?${pairs.join('&')}` : '');
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const base = bodySchema ? example(bodySchema) : undefined;
  const baseBody = base === undefined ? undefined : JSON.stringify(base);
  const out: BrokenRequest[] = [];

  for (const p of params.filter((p) => p.in === 'path')) {
    for (const bad of wrongPathIds) out.push({ method, url: withPath([p.name, bad]) + query(requiredQuery), body: baseBody });
  }
  for (const p of params.filter((p) => p.in === 'query')) {
    const others = requiredQuery.filter((pair) => !pair.startsWith(`${p.name}=`));
    for (const bad of wrongQueryValues) out.push({ method, url: withPath() + query([...others, `${p.name}=${bad}`]) });
    out.push({ method, url: withPath() + query([...others, `${p.name}=a`, `${p.name}=b`]) });
  }
  if (method === 'GET') return out;

  const url = withPath() + query(requiredQuery);
  for (const raw of ['{}', '[]', 'null', '"s"', '1', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}']) out.push({ method, url, body: raw });
  if (!base || typeof base !== 'object' || Array.isArray(base)) return out;
  const withField = (key: string, value: unknown) => ({ method, url, body: JSON.stringify({ ...base, [key]: value }) });
  for (const key of Object.keys(base)) {
    for (const wrong of wrongValues) out.push(withField(key, wrong));
    const inner = base[key];
    if (Array.isArray(inner)) {
      for (const wrong of wrongValues) out.push(withField(key, [wrong]));
      out.push(withField(key, Array.from({ length: 5_000 }, () => inner[0] ?? 1)));
      if (inner[0] && typeof inner[0] === 'object') {
        for (const k of Object.keys(inner[0])) for (const wrong of wrongValues) out.push(withField(key, [{ ...inner[0], [k]: wrong }]));
      }
    } else if (inner && typeof inner === 'object') {
      for (const k of Object.keys(inner)) for (const wrong of wrongValues) out.push(withField(key, { ...inner, [k]: wrong }));
    }
  }
  return out;
}

it('no documented operation answers a broken request with a 5xx, and every refusal is the JSON error envelope', async () => {
  const ids = await realIds();
  const operations = Object.entries(doc.paths).flatMap(([path, ops]: [string, any]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
  const problems: string[] = [];
  let sent = 0;
  for (const { method, path, op } of operations) {
    if (path === '/api/auth/logout') continue; // it would sign the clients out
    const requests = brokenRequests(method, path, op, ids);
    for (const client of [admin, manager]) {
      for (const r of requests) {
        sent++;
        const res = await client.request(r.method, r.url, { body: r.body, headers: r.body === undefined ? {} : { 'content-type': 'application/json' } });
        const where = `${res.status} ${r.method} ${r.url.slice(0, 160)} ${String(r.body ?? '').slice(0, 200)} → ${res.text.slice(0, 200)}`;
        if (res.status >= 500) problems.push(where);
        else if (res.status >= 400 && typeof res.body?.error?.code !== 'string') problems.push(`no error envelope: ${where}`);
      }
    }
  }
  expect(operations.length).toBeGreaterThan(80);
  expect(sent).toBeGreaterThan(5_000);
  expect(problems).toEqual([]);
}, 600_000);
