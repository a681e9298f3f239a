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
  | { kind: 'pglite'; dataDir: string | null }; // null: in memory (tests)

/** The raw connection, for the few things drizzle does not do (queue adapter, benchmarks). */
export type RawConnection = { kind: 'postgres'; sql: postgres.Sql } | { kind: 'pglite'; pglite: PGlite };

export interface Database {
  db: Db;
  raw: RawConnection;
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const sql = postgres(target.url, { max: target.max ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(sql, { schema }) as unknown as Db;
    return { db, raw: { kind: 'postgres', sql }, close: () => sql.end({ timeout: 5 }) };
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
  await pglite.waitReady;
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return { db, raw: { kind: 'pglite', pglite }, close: () => pglite.close() };
}
