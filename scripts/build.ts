/**
 * npm run build — the production build, into dist/:
 *
 * - dist/server/*.js: the server and its commands (main, worker, migrate, seed-demo, create-user) bundled by esbuild
 *   as plain JavaScript (node_modules stay outside the bundle), so a start compiles nothing;
 * - dist/client/: the browser files (survey page, workspace app and its page chunks, stylesheets), named by their
 *   content, each beside its brotli and gzip forms made at maximum quality, and manifest.json listing them;
 * - dist/pglite-template/: an embedded database with every migration applied, copied into a fresh data folder
 *   instead of running initdb and the migrations (src/server/db/pglite-template.ts);
 * - dist/build.json: the hash of the sources it was made from (scripts/source-hash.mjs), written last.
 *
 * `npm install` runs it (prepare) and `npm start` runs it when the sources changed (scripts/start.mjs); with
 * `--if-stale` it does nothing when dist/ is up to date. Several processes starting at once build once: the
 * others wait for the lock and then find the build fresh.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { buildInputs, hashSources, statFingerprint, templateInputs } from './source-hash.mjs';
import type { ClientManifest } from '../src/server/http/client-assets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const serverOut = join(dist, 'server');

/** The commands that run from the build: `npm start`, `npm run worker`, db:migrate, seed:demo, user:create. */
const serverEntries = {
  main: 'src/server/main.ts',
  worker: 'src/server/cli/worker.ts',
  migrate: 'src/server/cli/migrate.ts',
  'seed-demo': 'src/server/cli/seed-demo.ts',
  'create-user': 'src/server/cli/create-user.ts',
};

/** dist/build.json, read by scripts/start.mjs. */
interface BuildRecord {
  /** Content hash of the build's inputs (buildInputs). */
  hash: string;
  /** Sizes and modification times of the same files: when they match, start.mjs need not read the files. */
  fingerprint: string;
  builtAt: string;
  seconds: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/**
 * Each source file that reads a file beside it resolves it from `import.meta.url`. In the bundle every module
 * would share the bundle's own URL, so each one's `import.meta.url` becomes its source file's URL, written
 * relative to the bundle (dist/server/x.js, all in one folder): the checkout can move, and src/client and
 * drizzle/ are found as from src/.
 */
const sourceUrls: Plugin = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const relativePath = JSON.stringify(args.path.slice(root.length).replaceAll('\\', '/'));
      return {
        contents: text.replaceAll('import.meta.url', `new URL("../../" + ${relativePath}, import.meta.url).href`),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};

async function buildServer(out: string) {
  await build({
    absWorkingDir: root,
    entryPoints: serverEntries,
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // node_modules are loaded as installed (PGlite finds its WebAssembly beside itself, pg-boss its SQL).
    packages: 'external',
    // No shared chunks: each command is one file, fully loaded at start, so a rebuild can replace dist/server
    // under a running process without pulling a module from under it.
    splitting: false,
    sourcemap: 'linked',
    define: { KEYPULSE_BUILT: 'true' },
    plugins: [sourceUrls],
    logLevel: 'warning',
  });
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** The browser files, each with its brotli and gzip forms at maximum quality, and their manifest. */
async function buildClientFiles(out: string) {
  const { buildClient } = await import('../src/server/http/client-build.js');
  const built = await buildClient();
  const files = await Promise.all(
    built.files.map(async (f) => {
      const file = f.path.replace(/^\/assets\//, '');
      const [br, gz] = await Promise.all([
        brotli(f.body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: f.body.byteLength,
          },
        }),
        gzipAsync(f.body, { level: 9 }),
      ]);
      await mkdir(join(out, file, '..'), { recursive: true });
      await Promise.all([writeFile(join(out, file), f.body), writeFile(join(out, `${file}.br`), br), writeFile(join(out, `${file}.gz`), gz)]);
      return { path: f.path, contentType: f.contentType, file, br: `${file}.br`, gzip: `${file}.gz` };
    }),
  );
  const manifest: ClientManifest = { urls: built.urls, app: built.app, shell: built.shell, files };
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return files.length;
}

/**
 * The embedded database every fresh installation starts from: initdb, the migrations and pg-boss's schema, made
 * with the same code a start runs. No rows of ours: the built-in surveys and the rest are added at start-up.
 */
async function buildDatabaseTemplate(out: string) {
  const { openDatabase } = await import('../src/server/db/client.js');
  const { migrateDatabase } = await import('../src/server/db/migrate.js');
  const { PgBossQueue } = await import('../src/server/jobs/queue.js');
  const database = await openDatabase({ kind: 'pglite', dataDir: out });
  try {
    await migrateDatabase(database);
    const queue = await PgBossQueue.start(database, { supervise: false, logger: { info() {}, warn: console.warn, error: console.error } });
    await queue.stop();
  } finally {
    await database.close();
  }
}

/** Puts a freshly written folder in place of the old one. */
async function swapIn(fresh: string, target: string) {
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) await rename(target, old);
  await rename(fresh, target);
  await rm(old, { recursive: true, force: true });
}

function readRecord(): BuildRecord | null {
  try {
    return JSON.parse(readFileSync(join(dist, 'build.json'), 'utf8')) as BuildRecord;
  } catch {
    return null;
  }
}

function isFresh(hash: string): boolean {
  return readRecord()?.hash === hash && Object.keys(serverEntries).every((name) => existsSync(join(serverOut, `${name}.js`)));
}

const lockDir = join(dist, '.build-lock');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolder(): number {
  try {
    return Number(readFileSync(join(lockDir, 'pid'), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

function lockAgeMs(): number {
  try {
    return Date.now() - statSync(lockDir).mtimeMs;
  } catch {
    return 0;
  }
}

/** One build at a time: the lock is a folder (made atomically) holding the builder's pid. */
async function withLock<T>(run: () => Promise<T>): Promise<T> {
  await mkdir(dist, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  let told = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = lockHolder();
      // Its builder died (or died before writing its pid, long ago): the lock is free.
      if (holder ? !isAlive(holder) : lockAgeMs() > 30_000) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another build (pid ${holder}) holds ${lockDir}; remove it if no build runs`);
      if (!told) log(`waiting for another build (pid ${holder || '?'}) to finish…`);
      told = true;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await run();
  } finally {
    await rm(join(lockDir, 'pid'), { force: true });
    await rmdir(lockDir).catch(() => {});
  }
}

/** Builds dist/ unless (with `ifStale`) it is already made from these sources. Returns whether it built. */
async function buildAll({ ifStale }: { ifStale: boolean }): Promise<boolean> {
  // The fingerprint before the hash: a file changed while building then fails both checks at the next start.
  const fingerprint = statFingerprint(root, buildInputs);
  const hash = hashSources(root, buildInputs);
  if (ifStale && isFresh(hash)) return false;
  return withLock(async () => {
    // Another process may have built it while this one waited.
    if (ifStale && isFresh(hash)) return false;
    const began = performance.now();
    // What an interrupted build left behind: half-written folders and old copies not yet removed.
    for (const name of await readdir(dist)) {
      if (name.startsWith('.staging-') || /\.old-\d+$/.test(name)) await rm(join(dist, name), { recursive: true, force: true });
    }
    const staging = join(dist, `.staging-${process.pid}`);
    await rm(join(dist, 'build.json'), { force: true });

    let step = performance.now();
    await buildServer(join(staging, 'server'));
    log(`  server bundle: ${Object.keys(serverEntries).length} commands in ${seconds(step)} s`);
    step = performance.now();
    const count = await buildClientFiles(join(staging, 'client'));
    log(`  browser files: ${count} files, each with brotli and gzip forms, in ${seconds(step)} s`);

    const templateKey = hashSources(root, templateInputs);
    const templateRecord = join(dist, 'pglite-template.json');
    const templateCurrent =
      existsSync(join(dist, 'pglite-template', 'PG_VERSION')) &&
      existsSync(templateRecord) &&
      (JSON.parse(readFileSync(templateRecord, 'utf8')) as { key: string }).key === templateKey;
    if (!templateCurrent) {
      step = performance.now();
      await rm(templateRecord, { force: true });
      await buildDatabaseTemplate(join(staging, 'pglite-template'));
      await swapIn(join(staging, 'pglite-template'), join(dist, 'pglite-template'));
      await writeFile(templateRecord, JSON.stringify({ key: templateKey }) + '\n');
      log(`  embedded database template (initdb + migrations): ${seconds(step)} s`);
    }

    await swapIn(join(staging, 'server'), serverOut);
    await swapIn(join(staging, 'client'), join(dist, 'client'));
    await rm(staging, { recursive: true, force: true });
    const record: BuildRecord = {
      hash,
      fingerprint,
      builtAt: new Date().toISOString(),
      seconds: Number(seconds(began)),
    };
    await writeFile(join(dist, 'build.json.tmp'), JSON.stringify(record, null, 1) + '\n');
    await rename(join(dist, 'build.json.tmp'), join(dist, 'build.json'));
    return true;
  });
}

const began = performance.now();
const built = await buildAll({ ifStale: process.argv.includes('--if-stale') });
log(built ? `Keypulse build: done in ${seconds(began)} s (dist/)` : 'Keypulse build: dist/ is up to date with the sources.');
