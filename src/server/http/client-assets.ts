import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { PageAssets } from '../../client/survey/types.js';
import type { BuiltClient } from './client-build.js';
import { setShellAssets, type ShellAssets } from '../../client/components/shell-assets.js';
import { chooseEncoding, MIN_COMPRESS_BYTES, type ContentEncoding } from './compression.js';
import { distDir, runsFromBuild } from '../build-info.js';

/** One built browser file, kept in memory with its compressed forms. */
export interface ClientAsset {
  /** `/assets/survey-<hash>.js`: the name changes when the content does, so it can be cached for a year. */
  path: string;
  contentType: string;
  body: Uint8Array;
  /** brotli and gzip at their maximum: read from the build, or made at the first request for them (in-memory builds). */
  encoded: Partial<Record<ContentEncoding, Uint8Array>>;
}

export interface ClientAssets {
  /** Every built file by its URL path. */
  files: Map<string, ClientAsset>;
  /** What the survey pages link to. */
  urls: PageAssets;
  /** What the workspace app's shell links to: its entry module and stylesheet (pages load as chunks). */
  app: { script: string; style: string };
  /** The server-rendered pages' stylesheet and every page's icon. */
  shell: ShellAssets;
}

/** dist/client/manifest.json, written by scripts/build.ts: each file and its precompressed forms, by file name. */
export interface ClientManifest {
  urls: PageAssets;
  app: { script: string; style: string };
  shell: ShellAssets;
  files: { path: string; contentType: string; file: string; br: string; gzip: string }[];
}

/** Where scripts/build.ts writes the browser files; the server reads them only when it runs from that build. */
export const builtClientDir = join(distDir, 'client');

/** Maximum compression: each file is compressed once (by the build, or once per process), never per request. */
export function compressAsset(encoding: ContentEncoding, body: Uint8Array): Uint8Array {
  return new Uint8Array(
    encoding === 'br'
      ? brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          },
        })
      : gzipSync(body, { level: 9 }),
  );
}

async function readBuiltClient(dir: string): Promise<ClientAssets> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ClientManifest;
  // Everything is read now, not per request: a later build replacing dist/client cannot pull files from under us.
  const files = await Promise.all(
    manifest.files.map(async (f) => {
      const [body, br, gzip] = await Promise.all([f.file, f.br, f.gzip].map((name) => readFile(join(dir, name))));
      return { path: f.path, contentType: f.contentType, body: new Uint8Array(body!), encoded: { br: new Uint8Array(br!), gzip: new Uint8Array(gzip!) } };
    }),
  );
  return { files: new Map(files.map((f) => [f.path, f])), urls: manifest.urls, app: manifest.app, shell: manifest.shell };
}

async function buildInMemory(): Promise<ClientAssets> {
  const { buildClient } = await import('./client-build.js');
  const built: BuiltClient = await buildClient();
  return {
    files: new Map(built.files.map((f) => [f.path, { ...f, encoded: {} }])),
    urls: built.urls,
    app: built.app,
    shell: built.shell,
  };
}

/** The build's files when the server runs from it and they are there; otherwise built now, in memory. */
async function loadClientAssets(): Promise<ClientAssets> {
  const assets = await readOrBuildClientAssets();
  setShellAssets(assets.shell);
  return assets;
}

async function readOrBuildClientAssets(): Promise<ClientAssets> {
  if (runsFromBuild) {
    try {
      return await readBuiltClient(builtClientDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // dist/client was removed after the build: fall through to building them here, as from src/.
    }
  }
  return buildInMemory();
}

let loading: Promise<ClientAssets> | null = null;

/**
 * The browser files, loaded once per process on first use (the app starts it when it is assembled, so the
 * first visitor does not wait). A failed load is not cached: the next request retries. In development
 * (`npm run dev`) `rebuildClientAssets` drops the cache when a client file changes.
 */
export function getClientAssets(): Promise<ClientAssets> {
  loading ??= loadClientAssets().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** Forgets the built files: the next request builds them again (development hot reload). */
export function rebuildClientAssets(): void {
  loading = null;
}

/** Starts the load without waiting; a failure shows up on the first request that needs the files. */
export function warmClientAssets(): void {
  getClientAssets().catch(() => {});
}

const immutable = 'public, max-age=31536000, immutable';

/**
 * Serves a built file by its hashed path, brotli- or gzip-compressed when the client takes it (brotli first);
 * null for any other path. The body goes out already encoded, so the compression middleware leaves it alone.
 */
export async function clientAssetResponse(c: Context): Promise<Response | null> {
  const found = (await getClientAssets()).files.get(c.req.path);
  if (!found) return null;
  // A tiny file (the icon) goes as it is: compressing it would save less than the encoding's framing costs.
  const encoding = found.body.byteLength < MIN_COMPRESS_BYTES ? null : chooseEncoding(c.req.header('accept-encoding'));
  const body = encoding ? (found.encoded[encoding] ??= compressAsset(encoding, found.body)) : found.body;
  return c.body(body as Uint8Array<ArrayBuffer>, 200, {
    'content-type': found.contentType,
    'cache-control': immutable,
    'x-content-type-options': 'nosniff',
    // The survey preview runs in a sandboxed frame with an opaque origin, which loads this module script as a
    // cross-origin (CORS) request. The bundle is public and holds no secret, so any origin may read it.
    ...(found.path.startsWith('/assets/survey-') ? { 'access-control-allow-origin': '*' } : {}),
    vary: 'accept-encoding',
    ...(encoding ? { 'content-encoding': encoding } : {}),
  });
}
