import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import type { Context } from 'hono';
import type { PageAssets } from '../../client/survey/types.js';

/** One built file, kept in memory with its gzip form. */
export interface ClientAsset {
  /** `/assets/survey-<hash>.js`: the name changes when the content does, so it can be cached for a year. */
  path: string;
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}

export interface ClientAssets {
  script: ClientAsset;
  style: ClientAsset;
  /** What the survey pages link to. */
  urls: PageAssets;
}

const surveyEntry = fileURLToPath(new URL('../../client/survey/entry.tsx', import.meta.url));
const surveyCss = new URL('../../client/styles/survey.css', import.meta.url);

function asset(name: string, ext: 'js' | 'css', text: string): ClientAsset {
  const body = new TextEncoder().encode(text);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return {
    path: `/assets/${name}-${hash}.${ext}`,
    contentType: ext === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
    body,
    gzip: new Uint8Array(gzipSync(body, { level: 9 })),
  };
}

/** Bundles and minifies the survey page's script (Preact + the form) and minifies its stylesheet. */
async function buildClientAssets(): Promise<ClientAssets> {
  const [bundle, css] = await Promise.all([
    build({
      entryPoints: [surveyEntry],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      // Phones a few years old: optional chaining and ?? are fine, nothing newer is needed.
      target: ['es2020'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      legalComments: 'none',
      write: false,
      logLevel: 'silent',
    }),
    readFile(surveyCss, 'utf8').then((source) => transform(source, { loader: 'css', minify: true })),
  ]);
  const script = asset('survey', 'js', bundle.outputFiles[0]!.text);
  const style = asset('survey', 'css', css.code);
  return { script, style, urls: { script: script.path, style: style.path } };
}

let building: Promise<ClientAssets> | null = null;

/**
 * The survey page's browser files, built once per process on first use (the app starts it when it is
 * assembled, so the first respondent does not wait). A failed build is not cached: the next request retries.
 */
export function getClientAssets(): Promise<ClientAssets> {
  building ??= buildClientAssets().catch((error: unknown) => {
    building = null;
    throw error;
  });
  return building;
}

/** Starts the build without waiting; a failure shows up on the first request that needs the files. */
export function warmClientAssets(): void {
  getClientAssets().catch(() => {});
}

const immutable = 'public, max-age=31536000, immutable';

/** Serves a built file by its hashed path, gzipped when the client accepts it; null for any other path. */
export async function clientAssetResponse(c: Context): Promise<Response | null> {
  const assets = await getClientAssets();
  const found = [assets.script, assets.style].find((a) => a.path === c.req.path);
  if (!found) return null;
  const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  return c.body(gzip ? found.gzip : found.body, 200, {
    'content-type': found.contentType,
    'cache-control': immutable,
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
}
