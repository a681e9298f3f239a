import type { SQL } from 'drizzle-orm';
import type { Db } from './client.js';

/**
 * Runs a hand-written statement as a named prepared statement on PostgreSQL. drizzle sends its unnamed
 * queries unprepared (a describe round trip and a fresh plan each time), which is fine almost everywhere
 * but not on the hottest write path. PGlite runs in-process, so it simply goes through drizzle.
 */
export async function executePrepared<Row>(db: Db, query: SQL): Promise<Row[]> {
  const client = (db as unknown as { $client?: { unsafe?: unknown } }).$client;
  if (client && typeof client.unsafe === 'function') {
    const dialect = (db as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } } }).dialect;
    const { sql: text, params } = dialect.sqlToQuery(query);
    const unsafe = client.unsafe as (text: string, params: unknown[], options: { prepare: boolean }) => Promise<Row[]>;
    return [...(await unsafe.call(client, text, params, { prepare: true }))];
  }
  const result = await db.execute(query);
  return ((result as unknown as { rows?: Row[] }).rows ?? (result as unknown as Row[])) as Row[];
}
