import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/server/db/client.js';
import { migrateDatabase, migrationsFolder } from '../../src/server/db/migrate.js';
import { createLogger } from '../../src/server/http/logger.js';
import { PgBossQueue } from '../../src/server/jobs/queue.js';
import { reusablePglite } from './pglite-reuse.js';

/** The database the suite runs on: PostgreSQL when DATABASE_URL is set, in-memory PGlite otherwise. */
export const testDatabaseKind = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/*
 * Every test file gets a fresh database, copied from a template that is migrated once (with pg-boss's schema
 * installed too) instead of migrating from scratch per file: on PGlite a data-directory snapshot (a tarball in
 * the OS temp folder), on PostgreSQL a template database. Running initdb and the migrations cost each file
 * about 8.5 s of CPU on PGlite; loading the snapshot costs about 1 s, and a worker's later files skip even that:
 * they get the PGlite an earlier file closed, put back to the template's state (pglite-reuse.ts). The template's
 * name carries a hash of the migrations and of the PGlite and pg-boss versions, so a new migration or upgrade
 * makes a new template.
 */

const packageVersion = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;

function templateHash(): string {
  const hash = createHash('sha256');
  hash.update(`pglite ${packageVersion('@electric-sql/pglite')} pg-boss ${packageVersion('pg-boss')}\n`);
  for (const file of readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  hash.update(readFileSync(join(migrationsFolder, 'meta/_journal.json')));
  return hash.digest('hex').slice(0, 16);
}

/** Migrations, then pg-boss's own schema and queues, as a fresh installation has them. */
async function migrateForTemplate(database: Database): Promise<void> {
  await migrateDatabase(database);
  const queue = await PgBossQueue.start(database, { logger: createLogger('silent'), supervise: false, retryDelaySeconds: 0 });
  await queue.stop();
}

const snapshotDir = join(tmpdir(), 'keypulse-test-templates');
const snapshotPath = () => join(snapshotDir, `pglite-${templateHash()}.tar`);

/** Builds the PGlite snapshot unless it exists; concurrent builders each write a temporary file and rename it. */
async function ensurePgliteSnapshot(): Promise<string> {
  const path = snapshotPath();
  if (existsSync(path)) return path;
  const database = await openDatabase({ kind: 'pglite', dataDir: null });
  await migrateForTemplate(database);
  if (database.raw.kind !== 'pglite') throw new Error('unreachable');
  // A checkpoint first, so each copy starts without replaying the migrations' write-ahead log.
  await database.raw.pglite.exec('checkpoint');
  const tarball = await database.raw.pglite.dumpDataDir('none');
  await database.close();
  await mkdir(snapshotDir, { recursive: true });
  const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(partial, new Uint8Array(await tarball.arrayBuffer()));
  await rename(partial, path);
  // Older snapshots (earlier migrations) are no longer needed.
  for (const file of readdirSync(snapshotDir)) {
    if (file.startsWith('pglite-') && join(snapshotDir, file) !== path && !file.includes('.tar.')) {
      await rm(join(snapshotDir, file), { force: true });
    }
  }
  return path;
}

let snapshot: Promise<Blob> | null = null;
const pgliteSnapshot = () =>
  (snapshot ??= ensurePgliteSnapshot().then(async (path) => new Blob([new Uint8Array(await readFile(path))])));

const templateDatabaseName = () => `keypulse_tpl_${templateHash()}`;

const withDatabase = (baseUrl: string, name: string) => {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/**
 * Creates the PostgreSQL template database unless it exists. It is built under a temporary name and renamed,
 * so a concurrent run never copies a half-migrated template; the loser of a race drops its copy.
 */
async function ensurePostgresTemplate(baseUrl: string): Promise<string> {
  const name = templateDatabaseName();
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    const existing = await admin`select datname from pg_database where datname like 'keypulse_tpl_%'`;
    if (existing.some((row) => row.datname === name)) return name;
    const building = `keypulse_build_${randomBytes(6).toString('hex')}`;
    await admin.unsafe(`create database ${building}`);
    const database = await openDatabase({ kind: 'postgres', url: withDatabase(baseUrl, building), max: 2 });
    try {
      await migrateForTemplate(database);
    } finally {
      await database.close();
    }
    try {
      await admin.unsafe(`alter database ${building} rename to ${name}`);
    } catch {
      await admin.unsafe(`drop database if exists ${building} with (force)`); // another run made it first
    }
    for (const row of existing) {
      await admin.unsafe(`drop database if exists ${row.datname as string}`).catch(() => {}); // older migrations'
    }
    return name;
  } finally {
    await admin.end();
  }
}

/** Makes the template once before the test files start (vitest's globalSetup), so they do not race to build it. */
export async function prepareTestTemplate(): Promise<void> {
  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) await ensurePostgresTemplate(baseUrl);
  else await ensurePgliteSnapshot();
}

/**
 * A fresh, migrated database for one test file. On PostgreSQL each file gets its own database
 * (created from DATABASE_URL's server and dropped afterwards), so files can run in parallel.
 */
export async function openTestDatabase(): Promise<Database & { url?: string }> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    return reusablePglite(async () => openDatabase({ kind: 'pglite', dataDir: null, snapshot: await pgliteSnapshot() }));
  }
  const template = await ensurePostgresTemplate(baseUrl);
  const name = `keypulse_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${template}`);
  const url = withDatabase(baseUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, max: 5 });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
