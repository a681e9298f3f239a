import { readdir } from 'node:fs/promises';
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, runsFromBuild } from '../build-info.js';

/**
 * The build's embedded-database template (scripts/build.ts): a PGlite data directory made by initdb, with every
 * migration and pg-boss's schema applied, and no rows of ours. A fresh installation starts from a copy of it
 * instead of running initdb (PostgreSQL's cluster creation: seconds of WebAssembly) and the migrations. As on every
 * start, the migrations are checked after the copy and any it lacks are applied, so a copy is never behind.
 */
export const templateDir = join(distDir, 'pglite-template');

/** True when this embedded data folder holds no database yet: the first start, which will also load the demo. */
export function isNewDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Copies the template into `dataDir` when it has no database yet and this process runs from the build (whose
 * template matches its PGlite and migrations). True when it copied. PGlite takes a folder with PG_VERSION for a
 * database, so that file is copied last: a copy cut short is not mistaken for one.
 */
export async function startFromTemplate(dataDir: string): Promise<boolean> {
  if (!runsFromBuild || !existsSync(join(templateDir, 'PG_VERSION')) || !(await isEmptyOrMissing(dataDir))) return false;
  mkdirSync(dataDir, { recursive: true });
  for (const entry of readdirSync(templateDir, { withFileTypes: true })) {
    if (entry.name !== 'PG_VERSION') copyTree(join(templateDir, entry.name), join(dataDir, entry.name), entry.isDirectory());
  }
  copyFileSync(join(templateDir, 'PG_VERSION'), join(dataDir, 'PG_VERSION'));
  return true;
}

/**
 * About 1,200 files, 40 MB. Copied synchronously, with nothing else to do yet: measured twice as fast as fs.cp,
 * which spends its time hopping through the thread pool per file. A file system that can clone (btrfs, XFS)
 * shares the blocks instead of copying them.
 */
function copyTree(from: string, to: string, isDirectory: boolean) {
  if (!isDirectory) return copyFileSync(from, to, constants.COPYFILE_FICLONE);
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) copyTree(join(from, entry.name), join(to, entry.name), entry.isDirectory());
}
