import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is underneath. Transactions have the same shape. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; max?: number }
  // dataDir null: in memory (tests), started from `snapshot` (a dumpDataDir tarball) when given.
  | { kind: 'pglite'; dataDir: string | null; snapshot?: Blob };

/** The raw connection, for the few things drizzle does not do (queue adapter, benchmarks). */
export type RawConnection = { kind: 'postgres'; sql: postgres.Sql } | { kind: 'pglite'; pglite: PGlite };

export interface Database {
  db: Db;
  /**
   * Connections for the survey-answer write path only, planned for its one statement (`ANSWER_PATH_PLANNER`);
   * report queries keep plans made for their actual parameters on `db`. On PGlite: the same `db`.
   */
  answerDb: Db;
  raw: RawConnection;
  close(): Promise<void>;
}

/**
 * How the answer connections plan: generically (the path runs one fixed statement whose custom plan costs more
 * to make than to run), and as the handful of unique-key lookups it is. A generic plan is kept for the life of
 * the connection; made while `responses` was still small it would hash-join a full scan of that table, which
 * grows with every answer (measured: PostgreSQL time per answer doubling within 20,000 answers). Without
 * sequential scans and hash or merge joins on these connections the plan is index lookups, whatever the
 * statistics say at the time.
 */
const ANSWER_PATH_PLANNER = {
  plan_cache_mode: 'force_generic_plan',
  enable_seqscan: 'off',
  enable_hashjoin: 'off',
  enable_mergejoin: 'off',
};

/**
 * PGlite's own start parameters, plus a smaller buffer pool: PostgreSQL's default 128 MB is zeroed in WebAssembly
 * memory at every open (measured: about 1 s of the 1.5 s an open took here; 16 MB: a tenth of that). Pages not in
 * the pool come from the operating system's file cache, a copy away.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * PGlite's WebAssembly, when scripts/start.mjs began compiling it before this code loaded (`npm start`: the two
 * overlap); otherwise, or if that failed, PGlite compiles it itself.
 */
async function precompiledPgliteWasm(): Promise<WebAssembly.Module | undefined> {
  const early = (globalThis as Record<symbol, Promise<WebAssembly.Module> | undefined>)[Symbol.for('keypulse.pgliteWasmModule')];
  return early?.catch(() => undefined);
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const sql = postgres(target.url, { max: target.max ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(sql, { schema }) as unknown as Db;
    // Two connections are enough: answers are written in batches, one at a time (services/answer-writes.ts).
    const answerSql = postgres(target.url, { max: 2, onnotice: () => {}, connection: ANSWER_PATH_PLANNER });
    const answerDb = drizzlePostgres(answerSql, { schema }) as unknown as Db;
    return {
      db,
      answerDb,
      raw: { kind: 'postgres', sql },
      close: async () => {
        await Promise.all([sql.end({ timeout: 5 }), answerSql.end({ timeout: 5 })]);
      },
    };
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  // One options object: PGlite ignores the second argument when the first is not a data-directory string.
  const pgliteWasmModule = await precompiledPgliteWasm();
  const pglite = new PGlite({
    dataDir: target.dataDir ?? undefined,
    startParams: PGLITE_START_PARAMS,
    loadDataDir: target.snapshot,
    ...(pgliteWasmModule ? { pgliteWasmModule } : {}),
  });
  await pglite.waitReady;
  return databaseOnPglite(pglite);
}

/** A `Database` over an open PGlite (the test suite hands one PGlite to its files in turn). */
export function databaseOnPglite(pglite: PGlite): Database {
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return { db, answerDb: db, raw: { kind: 'pglite', pglite }, close: () => pglite.close() };
}
