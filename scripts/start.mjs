// `npm start`, `npm run worker`, db:migrate, seed:demo and user:create: runs the command from the production
// build in dist/ (plain JavaScript, nothing compiled at start), after building it when the sources changed since
// it was made (scripts/build.ts; `npm install` makes it first). Plain JavaScript itself, so deciding costs a few
// milliseconds: the build's record holds the sources' sizes and times, and their contents are hashed only when
// those differ.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildInputs, hashSources, statFingerprint } from './source-hash.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const commands = ['main', 'worker', 'migrate', 'seed-demo', 'create-user'];

const [, , command, ...args] = process.argv;
if (!commands.includes(command)) {
  console.error(`usage: node scripts/start.mjs <${commands.join('|')}> [arguments…]`);
  process.exit(2);
}

function readRecord() {
  try {
    return JSON.parse(readFileSync(join(dist, 'build.json'), 'utf8'));
  } catch {
    return null;
  }
}

function buildIsFresh() {
  const record = readRecord();
  if (!record || !commands.every((name) => existsSync(join(dist, 'server', `${name}.js`)))) return false;
  // A deployment may ship the build without the sources: then the build is what there is.
  if (!existsSync(join(root, 'src'))) return true;
  const fingerprint = statFingerprint(root, buildInputs);
  if (record.fingerprint === fingerprint) return true;
  if (record.hash !== hashSources(root, buildInputs)) return false;
  // Same contents with new times (a checkout, a save without changes): remember them, so the next start is quick.
  try {
    const temporary = join(dist, `build.json.${process.pid}`);
    writeFileSync(temporary, JSON.stringify({ ...record, fingerprint }, null, 1) + '\n');
    renameSync(temporary, join(dist, 'build.json'));
  } catch {
    // read-only dist/: the hash is compared again next time
  }
  return true;
}

if (!buildIsFresh()) {
  console.log('Keypulse: building the server and the browser files (once, until the sources change)…');
  const began = performance.now();
  const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build.ts'), '--if-stale'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('Keypulse: the build failed (see above); `npm run dev` runs from the sources without one.');
    process.exit(build.status || 1);
  }
  console.log(`Keypulse: build done in ${((performance.now() - began) / 1000).toFixed(1)} s.`);
}

// PGlite's WebAssembly (9 MB) compiles on V8's background threads while the server's code loads on this one, so the
// embedded database opens without waiting for it (src/server/db/client.ts takes it from here). Not for PostgreSQL.
if (!process.env.DATABASE_URL && command !== 'worker') {
  try {
    const wasm = new URL('./pglite.wasm', import.meta.resolve('@electric-sql/pglite'));
    const compiling = readFile(wasm).then((bytes) => WebAssembly.compile(bytes));
    compiling.catch(() => {}); // then PGlite compiles it itself, as without this
    globalThis[Symbol.for('keypulse.pgliteWasmModule')] = compiling;
  } catch {
    // PGlite not where expected: it finds its own file
  }
}

// The command sees its own arguments, as if it had been started directly.
const entry = join(dist, 'server', `${command}.js`);
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);
