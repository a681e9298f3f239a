import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import type { PageAssets } from '../../client/survey/types.js';
import type { ShellAssets } from '../../client/components/shell-assets.js';

/**
 * Bundles the browser code with esbuild: the survey page's script and stylesheet, and the workspace app (an entry
 * module, one code-split chunk per page, its stylesheet). Every file is named by its content, so it can be cached
 * for a year. `npm run build` (scripts/build.ts) writes these to dist/client once; without that build the server
 * runs this in memory (tests, `npm run dev`), see client-assets.ts.
 */

/** One built file: its URL path (`/assets/survey-<hash>.js`), type and bytes. */
export interface BuiltClientFile {
  path: string;
  contentType: string;
  body: Uint8Array;
}

export interface BuiltClient {
  files: BuiltClientFile[];
  /** What the survey pages link to. */
  urls: PageAssets;
  /** What the workspace app's shell links to: its entry module and stylesheet (pages load as chunks). */
  app: { script: string; style: string };
  /** What the server-rendered pages (sign-in, errors, API reference) and every page's icon link to. */
  shell: ShellAssets;
}

const clientFile = (path: string) => fileURLToPath(new URL(`../../client/${path}`, import.meta.url));
/** Loaded when a build is made, not when the server starts from a finished one. */
const esbuild = () => import('esbuild');

const contentTypes = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' } as const;

function hashedFile(name: string, ext: keyof typeof contentTypes, text: string): BuiltClientFile {
  const body = new TextEncoder().encode(text);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}-${hash}.${ext}`, contentType: contentTypes[ext], body };
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

const minifyCss = async (file: string) =>
  (await (await esbuild()).transform(await readFile(clientFile(file), 'utf8'), { loader: 'css', minify: true })).code;

/** base.css, app.css, then each area's own app-*.css (accounts, tasks, …), as one minified file. */
async function appStylesheet(): Promise<string> {
  const areas = (await readdir(clientFile('styles'))).filter((f) => /^app-[\w-]+\.css$/.test(f)).sort();
  const parts = await Promise.all(['base.css', 'app.css', ...areas].map((f) => minifyCss(`styles/${f}`)));
  return parts.join('');
}

/** The survey page: one small script (Preact + the form) and one stylesheet. */
async function buildSurvey() {
  const { build } = await esbuild();
  const [bundle, css] = await Promise.all([build({ ...browserBuild, entryPoints: [clientFile('survey/entry.tsx')] }), minifyCss('styles/survey.css')]);
  return { script: hashedFile('survey', 'js', bundle.outputFiles![0]!.text), style: hashedFile('survey', 'css', css) };
}

/**
 * The workspace app: the entry module plus one chunk per page (esbuild code splitting), all content-hashed
 * under /assets/app/, and the app stylesheet (base styles + the app's own).
 */
async function buildApp() {
  const { build } = await esbuild();
  const [bundle, css] = await Promise.all([
    build({
      ...browserBuild,
      entryPoints: { main: clientFile('app/main.tsx') },
      splitting: true,
      outdir: '/assets/app',
      entryNames: '[name]-[hash]',
      chunkNames: '[name]-[hash]',
      // Chunks import each other by relative path; the paths above make them resolve under /assets/app/.
      publicPath: '/assets/app',
    }),
    appStylesheet(),
  ]);
  const files = bundle.outputFiles!.map((f) => ({ path: `/assets/app/${basename(f.path)}`, contentType: contentTypes.js, body: new Uint8Array(f.contents) }));
  const entry = files.find((f) => basename(f.path).startsWith('main-'))!;
  return { files, entry, style: hashedFile('app', 'css', css) };
}

/** The server-rendered pages' stylesheet and the icon: hashed like the rest, so they too can be cached for a year. */
async function buildShell() {
  const [css, icon] = await Promise.all([minifyCss('styles/base.css'), readFile(clientFile('styles/favicon.svg'), 'utf8')]);
  return { style: hashedFile('base', 'css', css), icon: hashedFile('favicon', 'svg', icon) };
}

export async function buildClient(): Promise<BuiltClient> {
  const [survey, app, shell] = await Promise.all([buildSurvey(), buildApp(), buildShell()]);
  return {
    files: [survey.script, survey.style, app.style, shell.style, shell.icon, ...app.files],
    urls: { script: survey.script.path, style: survey.style.path },
    app: { script: app.entry.path, style: app.style.path },
    shell: { style: shell.style.path, icon: shell.icon.path },
  };
}
