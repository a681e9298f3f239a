// What a build is made from, as one hash: scripts/build.ts stores it in dist/build.json, and scripts/start.mjs
// compares it with the sources at each start to tell whether the build is stale. Plain JavaScript, so the launcher
// needs no compiler to decide.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Every file under `dir`, recursively, as paths from `root`, sorted (the same order on every machine). */
function filesUnder(root, dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, dir));
  return found;
}

/** Hash of the named files and of every file under the named folders (paths and contents). */
export function hashSources(root, { dirs = [], files = [] }) {
  const hash = createHash('sha256');
  const all = [...dirs.flatMap((d) => filesUnder(root, d)), ...files].sort();
  for (const path of all) {
    hash.update(path).update('\0');
    hash.update(readFileSync(join(root, path))).update('\0');
  }
  return hash.digest('hex');
}

/**
 * The same files' paths, sizes and modification times: reads no file, so a start can tell in milliseconds that
 * nothing changed since the build. Only when it differs is the content hash computed (a touched file is not stale).
 */
export function statFingerprint(root, { dirs = [], files = [] }) {
  const hash = createHash('sha256');
  const all = [...dirs.flatMap((d) => filesUnder(root, d)), ...files].sort();
  for (const path of all) {
    const stat = statSync(join(root, path));
    hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\0`);
  }
  return hash.digest('hex');
}

/** The whole build: server bundle, browser files and database template. */
export const buildInputs = {
  dirs: ['src', 'drizzle'],
  files: ['package-lock.json', 'tsconfig.json', 'scripts/build.ts', 'scripts/source-hash.mjs'],
};

/**
 * The embedded database's template (a data directory with every migration applied): it only changes with the
 * migrations, the database packages (package-lock.json) and the way it is made.
 */
export const templateInputs = { dirs: ['drizzle'], files: ['package-lock.json', 'scripts/build.ts'] };
