import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform, type BuildOptions } from 'esbuild';
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
  /** Every built file by its URL path. */
  files: Map<string, ClientAsset>;
  /** What the survey pages link to. */
  urls: PageAssets;
  /** What the workspace app's shell links to: its entry module and stylesheet (pages load as chunks). */
  app: { script: string; style: string };
}

const clientFile = (path: string) => fileURLToPath(new URL(`../../client/${path}`, import.meta.url));
const surveyEntry = clientFile('survey/entry.tsx');
const appEntry = clientFile('app/main.tsx');

const contentTypes = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;

function toAsset(path: string, ext: 'js' | 'css', bytes: Uint8Array): ClientAsset {
  const body = new Uint8Array(bytes);
  return { path, contentType: contentTypes[ext], body, gzip: new Uint8Array(gzipSync(body, { level: 9 })) };
}

/** A file named by its content, so it can be cached for a year. */
function hashedAsset(name: string, ext: 'js' | 'css', text: string): ClientAsset {
  const body = new TextEncoder().encode(text);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return toAsset(`/assets/${name}-${hash}.${ext}`, ext, body);
}

const browserBuild: BuildOptions = {
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
};

const minifyCss = async (file: string) => (await transform(await readFile(clientFile(file), 'utf8'), { loader: 'css', minify: true })).code;

/** base.css, app.css, then each area's own app-*.css (accounts, tasks, …), as one minified file. */
async function appStylesheet(): Promise<string> {
  const areas = (await readdir(clientFile('styles'))).filter((f) => /^app-[\w-]+\.css$/.test(f)).sort();
  const parts = await Promise.all(['base.css', 'app.css', ...areas].map((f) => minifyCss(`styles/${f}`)));
  return parts.join('');
}

/** The survey page: one small script (Preact + the form) and one stylesheet. */
async function buildSurveyAssets() {
  const [bundle, css] = await Promise.all([build({ ...browserBuild, entryPoints: [surveyEntry] }), minifyCss('styles/survey.css')]);
  return { script: hashedAsset('survey', 'js', bundle.outputFiles![0]!.text), style: hashedAsset('survey', 'css', css) };
}

/**
 * The workspace app: the entry module plus one chunk per page (esbuild code splitting), all content-hashed
 * under /assets/app/, and the app stylesheet (base styles + the app's own).
 */
async function buildAppAssets() {
  const [bundle, css] = await Promise.all([
    build({
      ...browserBuild,
      entryPoints: { main: appEntry },
      splitting: true,
      outdir: '/assets/app',
      entryNames: '[name]-[hash]',
      chunkNames: '[name]-[hash]',
      // Chunks import each other by relative path; the paths above make them resolve under /assets/app/.
      publicPath: '/assets/app',
    }),
    appStylesheet(),
  ]);
  const files = bundle.outputFiles!.map((f) => toAsset(`/assets/app/${basename(f.path)}`, 'js', f.contents));
  const entry = files.find((f) => basename(f.path).startsWith('main-'))!;
  return { files, entry, style: hashedAsset('app', 'css', css) };
}

async function buildClientAssets(): Promise<ClientAssets> {
  const [survey, app] = await Promise.all([buildSurveyAssets(), buildAppAssets()]);
  const all = [survey.script, survey.style, app.style, ...app.files];
  return {
    files: new Map(all.map((a) => [a.path, a])),
    urls: { script: survey.script.path, style: survey.style.path },
    app: { script: app.entry.path, style: app.style.path },
  };
}

let building: Promise<ClientAssets> | null = null;

/**
 * The browser files, built once per process on first use (the app starts it when it is assembled, so the
 * first visitor does not wait). A failed build is not cached: the next request retries. In development
 * (`npm run dev`) `rebuildClientAssets` drops the cache when a client file changes.
 */
export function getClientAssets(): Promise<ClientAssets> {
  building ??= buildClientAssets().catch((error: unknown) => {
    building = null;
    throw error;
  });
  return building;
}

/** Forgets the built files: the next request builds them again (development hot reload). */
export function rebuildClientAssets(): void {
  building = null;
}

/** Starts the build without waiting; a failure shows up on the first request that needs the files. */
export function warmClientAssets(): void {
  getClientAssets().catch(() => {});
}

const immutable = 'public, max-age=31536000, immutable';

/** Serves a built file by its hashed path, gzipped when the client accepts it; null for any other path. */
export async function clientAssetResponse(c: Context): Promise<Response | null> {
  const found = (await getClientAssets()).files.get(c.req.path);
  if (!found) return null;
  const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  return c.body(gzip ? found.gzip : found.body, 200, {
    'content-type': found.contentType,
    'cache-control': immutable,
    'x-content-type-options': 'nosniff',
    // The survey preview runs in a sandboxed frame with an opaque origin, which loads this module script as a
    // cross-origin (CORS) request. The bundle is public and holds no secret, so any origin may read it.
    ...(found.path.startsWith('/assets/survey-') ? { 'access-control-allow-origin': '*' } : {}),
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
}
