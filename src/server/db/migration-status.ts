import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { migrationsFolder } from './migrate.js';
import { isMissingRelation } from './errors.js';

/** One migration as drizzle-kit lists it in drizzle/meta/_journal.json. */
interface JournalEntry {
  tag: string;
  /** drizzle's `folderMillis`: what it writes into `created_at` of the applied-migrations table. */
  when: number;
}

export type MigrationStatus =
  | { kind: 'current'; applied: number }
  | { kind: 'pending'; applied: number; pending: string[] };

let journal: Promise<JournalEntry[]> | null = null;

/** The migrations this build ships, read once: the files do not change under a running process. */
function shippedMigrations(): Promise<JournalEntry[]> {
  journal ??= readFile(join(migrationsFolder, 'meta', '_journal.json'), 'utf8').then(
    (text) => (JSON.parse(text) as { entries: JournalEntry[] }).entries,
  );
  return journal;
}

/**
 * Which of the shipped migrations the database has not recorded as applied. drizzle records each applied
 * migration in drizzle.__drizzle_migrations with the journal's `when` as `created_at`, so the two are compared
 * by that. A database never migrated has no such table: every migration is pending. Any other error (the
 * database is unreachable) is thrown to the caller.
 */
export async function migrationStatus(db: Db): Promise<MigrationStatus> {
  const shipped = await shippedMigrations();
  let appliedAt: Set<number>;
  try {
    const result = await db.execute<{ created_at: string | number }>(sql`select created_at from drizzle.__drizzle_migrations`);
    const rows = (result as unknown as { rows?: { created_at: string | number }[] }).rows ?? (result as unknown as { created_at: string | number }[]);
    appliedAt = new Set(rows.map((r) => Number(r.created_at)));
  } catch (error) {
    if (!isMissingRelation(error)) throw error;
    appliedAt = new Set();
  }
  const pending = shipped.filter((m) => !appliedAt.has(m.when)).map((m) => m.tag);
  const applied = shipped.length - pending.length;
  return pending.length ? { kind: 'pending', applied, pending } : { kind: 'current', applied };
}
