import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClientAssets } from '../../src/server/http/client-assets.js';
import { createTestContext, ORIGIN, type TestContext } from '../helpers/test-app.js';

/**
 * The browser files (content-hashed) go out compressed once, never per request: brotli to a browser that takes it,
 * gzip to one that takes only that, as they are to anything else; cached for a year either way.
 */

let ctx: TestContext;
let files: { survey: string; app: string; chunk: string; style: string };

beforeAll(async () => {
  ctx = await createTestContext();
  const assets = await getClientAssets();
  const chunk = [...assets.files.keys()].find((path) => path.startsWith('/assets/app/') && path !== assets.app.script)!;
  files = { survey: assets.urls.script, app: assets.app.script, chunk, style: assets.app.style };
}, 120_000);
afterAll(() => ctx.close());

async function fetchAsset(path: string, acceptEncoding: string | null) {
  const headers: Record<string, string> = acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding };
  const res = await ctx.app.request(`${ORIGIN}${path}`, { headers });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

const decode = (encoding: string | null, bytes: Buffer) =>
  encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : bytes;

describe('the browser files', () => {
  it('a browser that takes brotli gets brotli, smaller than gzip, and the same file once decoded', async () => {
    for (const path of Object.values(files)) {
      const plain = await fetchAsset(path, null);
      const br = await fetchAsset(path, 'gzip, deflate, br');
      const gzip = await fetchAsset(path, 'gzip');
      expect(br.res.headers.get('content-encoding'), path).toBe('br');
      expect(gzip.res.headers.get('content-encoding'), path).toBe('gzip');
      expect(decode('br', br.bytes).equals(plain.bytes), path).toBe(true);
      expect(decode('gzip', gzip.bytes).equals(plain.bytes), path).toBe(true);
      expect(br.bytes.length, path).toBeLessThanOrEqual(gzip.bytes.length);
      expect(gzip.bytes.length, path).toBeLessThan(plain.bytes.length);
    }
  });

  it('goes plain to a client that takes no encoding, or refuses brotli and gzip', async () => {
    for (const accept of [null, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const { res, bytes } = await fetchAsset(files.app, accept);
      expect(res.status, String(accept)).toBe(200);
      expect(res.headers.get('content-encoding'), String(accept)).toBeNull();
      expect(bytes.toString('utf8'), String(accept)).toMatch(/import|export|function/);
    }
  });

  it('follows the weights a client gives: gzip when brotli is ranked lower', async () => {
    const { res } = await fetchAsset(files.style, 'br;q=0.5, gzip');
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });

  it('is cached for a year under its content-hashed name, varies by Accept-Encoding, and keeps its type', async () => {
    const { res } = await fetchAsset(files.survey, 'br');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetchAsset(files.style, 'br')).res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(files.survey).toMatch(/^\/assets\/survey-[0-9a-f]{12}\.js$/);
  });

  it('an unknown hashed name is a 404, whatever the encoding', async () => {
    for (const accept of [null, 'gzip, br']) {
      expect((await fetchAsset('/assets/survey-000000000000.js', accept)).res.status).toBe(404);
      expect((await fetchAsset('/assets/app/main-ZZZZZZZZ.js', accept)).res.status).toBe(404);
    }
  });
});
