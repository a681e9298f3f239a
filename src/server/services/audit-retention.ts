import type { AppDeps } from '../http/context.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { writeSettingRows } from '../db/queries/settings.js';
import { AUDIT_RETENTION_SETTING, insertAuditEntry, pruneAuditEntries } from '../db/queries/audit-log.js';

const PRUNE_BATCH = 10_000;

/**
 * Hands KEYPULSE_AUDIT_RETENTION_DAYS to the database at start-up: the append-only trigger allows deleting entries
 * older than the settings row `audit_retention_days` and nothing else. Unset, the row goes, and with it every delete.
 */
export async function applyAuditRetention(db: Db, config: Config, now: Date): Promise<void> {
  const days = config.auditRetentionDays;
  await writeSettingRows(db, { [AUDIT_RETENTION_SETTING]: days ? String(days) : null }, now);
}

/**
 * Deletes entries older than the retention (scheduler sweep), a batch per transaction together with its own
 * `audit_log.pruned` entry, so the log always says how much of it was removed and when. Returns the count.
 */
export async function pruneAuditLog({ db, config, clock }: AppDeps): Promise<number> {
  const days = config.auditRetentionDays;
  if (!days) return 0;
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const pruned = await pruneAuditEntries(tx, PRUNE_BATCH);
      if (pruned > 0) {
        await insertAuditEntry(tx, { at: clock.now(), action: 'audit_log.pruned', via: 'system', details: { count: pruned, olderThanDays: days } });
      }
      return pruned;
    });
    total += count;
    if (count < PRUNE_BATCH) return total;
  }
}
