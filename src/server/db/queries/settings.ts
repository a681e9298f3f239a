import { inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { settings } from '../schema/index.js';

export type SettingRow = typeof settings.$inferSelect;

/** The rows for these keys (absent keys are simply missing). */
export async function getSettingRows(db: Db, keys: string[]): Promise<SettingRow[]> {
  return db.select().from(settings).where(inArray(settings.key, keys));
}

/** Writes the given values (upsert) and deletes the keys mapped to null, in one transaction. */
export async function writeSettingRows(db: Db, changes: Record<string, string | null>, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const removed = Object.entries(changes).filter(([, v]) => v === null).map(([k]) => k);
    if (removed.length > 0) await tx.delete(settings).where(inArray(settings.key, removed));
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) continue;
      await tx
        .insert(settings)
        .values({ key, value, updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
    }
  });
}
