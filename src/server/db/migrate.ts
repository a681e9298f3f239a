import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Database } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Applies the committed drizzle-kit migrations; safe to run on every start. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.raw.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    // Several processes (web + workers) may start together: serialize their migrations.
    // The lock is held by a reserved connection while the pool's connections migrate.
    const lock = await database.raw.sql.reserve();
    try {
      await lock`select pg_advisory_lock(7152341)`;
      await migratePostgres(database.db as unknown as PostgresJsDatabase, { migrationsFolder });
    } finally {
      await lock`select pg_advisory_unlock(7152341)`.catch(() => {});
      lock.release();
    }
  }
}
