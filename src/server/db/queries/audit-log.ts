import type { Db } from '../client.js';
import { auditLog } from '../schema/index.js';
import type { AuditAction, AuditVia } from '../../../shared/schemas/audit.js';

export type AuditRow = typeof auditLog.$inferSelect;

export interface NewAuditEntry {
  at: Date;
  action: AuditAction;
  via: AuditVia;
  actorId?: string | null;
  actorEmail?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown> | null;
}

/** Appends one entry. The table takes nothing else: a trigger refuses updates and deletes (migration 0009). */
export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    at: entry.at,
    action: entry.action,
    via: entry.via,
    actorId: entry.actorId ?? null,
    actorEmail: entry.actorEmail ?? null,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: entry.ip ?? null,
    details: entry.details ?? null,
  });
}
