import { request as httpGet, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, createBrotliDecompress, createGunzip, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { chooseEncoding, compressResponses } from '../../src/server/http/compression.js';
import { createApp } from '../../src/server/app.js';
import { parseCsv } from '../../src/server/domain/csv.js';
import { createTestContext, ORIGIN, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';

/**
 * What travels is compressed: pages, JSON and CSV go out with brotli or gzip when the browser takes it, and
 * plain when it does not; tiny answers, event streams and files already compressed are left alone; a
 * streamed download still streams.
 */

let ctx: TestContext;
let admin: TestClient & { user: TestUser };
let surveyPath: string;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await ctx.signIn('admin');
  const manager = await ctx.signIn('account_manager');
  const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ana Respondent' }]);
  await sendCampaign(ctx, manager, { accountIds: [accountId], survey: 'nps' });
  surveyPath = new URL((await emailTo(ctx, emails[0]!)).surveyUrl).pathname;
}, 120_000);
afterAll(() => ctx.close());

/** The app's answer as bytes, exactly as it would go on the wire (no client decompresses it). */
async function raw(path: string, acceptEncoding: string | null, client?: TestClient, method = 'GET') {
  const headers: Record<string, string> = { origin: ORIGIN };
  if (acceptEncoding !== null) headers['accept-encoding'] = acceptEncoding;
  if (client?.cookie) headers.cookie = client.cookie;
  const res = await ctx.app.request(`${ORIGIN}${path}`, { method, headers });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

const decode = (encoding: string | null, bytes: Buffer) =>
  (encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : bytes).toString('utf8');

describe('the survey page a respondent opens from the email', () => {
  it('comes gzipped to a browser that takes gzip, and is the same page once unpacked', async () => {
    const plain = await raw(surveyPath, null);
    expect(plain.res.status).toBe(200);
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(plain.bytes.toString('utf8')).toMatch(/^<!doctype html>.*<form method="post"/s);

    const gz = await raw(surveyPath, 'gzip, deflate');
    expect(gz.res.status).toBe(200);
    expect(gz.res.headers.get('content-encoding')).toBe('gzip');
    expect(gz.res.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(gz.bytes.length).toBeLessThan(plain.bytes.length / 2);
    expect(decode('gzip', gz.bytes)).toBe(plain.bytes.toString('utf8'));
    // The page's own headers survive: its security policy and content type.
    expect(gz.res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(gz.res.headers.get('content-security-policy')).toBe(plain.res.headers.get('content-security-policy'));
  });

  it('comes as brotli when the browser takes it (brotli first, as browsers ask), smaller than gzip', async () => {
    const br = await raw(surveyPath, 'gzip, deflate, br, zstd');
    expect(br.res.headers.get('content-encoding')).toBe('br');
    const page = decode('br', br.bytes);
    expect(page).toContain('<form method="post"');
    const gz = await raw(surveyPath, 'gzip');
    expect(br.bytes.length).toBeLessThan(gz.bytes.length);
    expect(Number(br.res.headers.get('content-length'))).toBe(br.bytes.length);
  });

  it('comes plain to a client that asks for no encoding, or refuses the ones we have', async () => {
    for (const accept of [null, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const { res, bytes } = await raw(surveyPath, accept);
      expect(res.headers.get('content-encoding'), String(accept)).toBeNull();
      expect(bytes.toString('utf8')).toContain('<form method="post"');
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    }
  });

  it('a HEAD request gets the headers and no body, nothing compressed', async () => {
    const { res, bytes } = await raw(surveyPath, 'gzip, br', undefined, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(bytes.length).toBe(0);
  });
});

describe('API answers', () => {
  it('a JSON answer is compressed and parses back to the same data', async () => {
    const plain = await raw('/api/openapi.json', null);
    const br = await raw('/api/openapi.json', 'br');
    const gz = await raw('/api/openapi.json', 'gzip');
    expect(br.res.headers.get('content-encoding')).toBe('br');
    expect(gz.res.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(decode('br', br.bytes))).toEqual(JSON.parse(plain.bytes.toString('utf8')));
    expect(JSON.parse(decode('gzip', gz.bytes))).toEqual(JSON.parse(plain.bytes.toString('utf8')));
    expect(br.bytes.length).toBeLessThan(plain.bytes.length / 4);
    // The data headers still apply to the compressed answer.
    expect(br.res.headers.get('cache-control')).toBe('no-store');
    expect(br.res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it("a signed-in person's list is compressed too", async () => {
    for (let i = 0; i < 12; i++) await ctx.createUser('account_manager', { name: `Colleague number ${i} with a long name` });
    const { res, bytes } = await raw('/api/users?pageSize=100', 'gzip, br', admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(JSON.parse(decode('br', bytes)).data.length).toBeGreaterThan(12);
  });

  it('a tiny answer (under 1 KiB) goes plain: compressing it would save nothing', async () => {
    const me = await raw('/api/me', 'gzip, br', admin);
    expect(me.res.status).toBe(200);
    expect(me.bytes.length).toBeLessThan(1024);
    expect(me.res.headers.get('content-encoding')).toBeNull();
    expect(me.bytes.toString('utf8')).toContain(admin.user.email);

    const missing = await raw('/api/no-such-thing', 'gzip, br', admin);
    expect(missing.res.status).toBe(404);
    expect(missing.res.headers.get('content-encoding')).toBeNull();
    expect(JSON.parse(missing.bytes.toString('utf8')).error.code).toBe('not_found');
  });
});

describe('files the server prepared itself', () => {
  it("the survey page's script is not compressed twice", async () => {
    const html = (await raw(surveyPath, null)).bytes.toString('utf8');
    const script = /<script type="module" src="([^"]+)"/.exec(html)![1]!;
    const plain = await raw(script, null);
    for (const accept of ['gzip', 'gzip, br']) {
      const { res, bytes } = await raw(script, accept);
      const encoding = res.headers.get('content-encoding');
      expect(encoding === 'gzip' || encoding === 'br', String(encoding)).toBe(true);
      expect(decode(encoding, bytes)).toBe(plain.bytes.toString('utf8'));
    }
  });

  it('the small icon goes as it is, under a hashed name cached for a year; the stable name points there', async () => {
    const stable = await raw('/assets/favicon.svg', 'gzip, br');
    expect(stable.res.status).toBe(302);
    const icon = stable.res.headers.get('location')!;
    expect(icon).toMatch(/^\/assets\/favicon-[0-9a-f]{12}\.svg$/);
    const { res } = await raw(icon, 'gzip, br');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-encoding')).toBeNull();
  });

  it('server-rendered pages link the hashed stylesheet, served compressed and immutable', async () => {
    const html = (await raw('/sign-in', null)).bytes.toString('utf8');
    const style = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!;
    expect(style).toMatch(/^\/assets\/base-[0-9a-f]{12}\.css$/);
    const { res } = await raw(style, 'gzip, br');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-encoding')).toBe('br');
  });
});

describe('event streams', () => {
  it('the development reload stream (text/event-stream) is never compressed: each event must reach the page at once', async () => {
    // The same app as `npm run dev` builds it: the reload stream exists only there.
    const devApp = createApp({ ...ctx.deps, config: { ...ctx.deps.config, dev: true } });
    const res = await devApp.request(`${ORIGIN}/assets/dev/live`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('content-encoding')).toBeNull();
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^event: build\ndata: \d+/);
    await reader.cancel();
  });
});

interface WireAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: Buffer[];
}

/** A GET over a real socket with node:http, which (unlike fetch) hands over the bytes as they were sent. */
function getOverHttp(port: number, path: string, headers: Record<string, string>): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, chunks }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server, port: info.port }));
  });
}
const close = (server: ServerType) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('streamed downloads', () => {
  it('the audit log CSV export streams compressed over a real connection and unpacks to the same CSV', async () => {
    const rows = 2_500; // three batches of the export's 1,000
    await ctx.database.db.execute(sql`
      insert into audit_log (at, via, action, target_type, target_id, details)
      select now() - g * interval '1 second', 'system', 'settings.changed', 'compression-test', 'row-' || g,
        jsonb_build_object('keys', jsonb_build_array('companyName'), 'n', g)
      from generate_series(1, ${rows}) g`);
    const { server, port } = await listen(ctx.app.fetch);
    try {
      const path = '/api/audit-log?format=csv&targetType=compression-test';
      const headers = { cookie: admin.cookie!, origin: ORIGIN };
      const plain = await getOverHttp(port, path, headers);
      const gz = await getOverHttp(port, path, { ...headers, 'accept-encoding': 'gzip' });
      const br = await getOverHttp(port, path, { ...headers, 'accept-encoding': 'br, gzip' });
      for (const answer of [plain, gz, br]) {
        expect(answer.status).toBe(200);
        expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(answer.headers['content-disposition']).toMatch(/^attachment; filename="keypulse-audit-log-/);
      }
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(br.headers['content-encoding']).toBe('br');
      // Still a stream: sent chunk by chunk as the batches are read, its length unknown when it starts.
      for (const answer of [gz, br]) {
        expect(answer.headers['transfer-encoding']).toBe('chunked');
        expect(answer.headers['content-length']).toBeUndefined();
      }
      const text = Buffer.concat(plain.chunks).toString('utf8');
      expect(decode('gzip', Buffer.concat(gz.chunks))).toBe(text);
      expect(decode('br', Buffer.concat(br.chunks))).toBe(text);
      const [header, ...records] = parseCsv(text).map((r) => r.fields);
      expect(header![0]).toBe('at');
      expect(records).toHaveLength(rows);
      expect(new Set(records.map((r) => r[7])).size).toBe(rows);
      expect(Buffer.concat(gz.chunks).length).toBeLessThan(text.length / 4);
    } finally {
      await close(server);
    }
  });

  it('each chunk a handler streams reaches the client compressed before the next one is even made', async () => {
    // A handler whose second half waits for the client to have read the first: buffering would hang it.
    let release = () => {};
    let released = Promise.resolve();
    const firstPart = 'id,name\n' + Array.from({ length: 200 }, (_, i) => `${i},first part row ${i}\n`).join('');
    const secondPart = Array.from({ length: 200 }, (_, i) => `${i},second part row ${i}\n`).join('');
    const app = new Hono().use(compressResponses).get('/export.csv', (c) => {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode(firstPart));
          await released;
          controller.enqueue(encoder.encode(secondPart));
          controller.close();
        },
      });
      return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8' });
    });
    const { server, port } = await listen(app.fetch);
    try {
      for (const [encoding, accept] of [['gzip', 'gzip'], ['br', 'br']] as const) {
        released = new Promise<void>((resolve) => (release = resolve));
        const text = await new Promise<string>((resolve, reject) => {
          const req = httpGet({ host: '127.0.0.1', port, path: '/export.csv', headers: { 'accept-encoding': accept } }, (res) => {
            expect(res.headers['content-encoding']).toBe(encoding);
            // The client unpacks as bytes arrive; once the first part is readable, the handler may go on.
            const unpack = encoding === 'gzip' ? createGunzip() : createBrotliDecompress();
            let seen = '';
            unpack.on('data', (chunk: Buffer) => {
              seen += chunk.toString('utf8');
              if (seen.length >= firstPart.length) release();
            });
            unpack.on('end', () => resolve(seen));
            unpack.on('error', reject);
            res.pipe(unpack);
          });
          req.on('error', reject);
          req.end();
        });
        expect(text).toBe(firstPart + secondPart);
      }
    } finally {
      await close(server);
    }
  }, 30_000);
});

describe('choosing the encoding from Accept-Encoding', () => {
  it('brotli before gzip, by q-value, with * and q=0 understood', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('GZIP;q=0.8, BR;q=0.5')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding('deflate')).toBeNull();
    expect(chooseEncoding('')).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
    expect(chooseEncoding('gzip;q=nonsense')).toBeNull();
  });
});
