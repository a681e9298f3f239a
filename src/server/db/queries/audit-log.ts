import { and, count, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditLog, settings } from '../schema/index.js';
import type { AuditAction, AuditLogFilters, AuditVia } from '../../../shared/schemas/audit.js';
import type { Page, PageQuery } from '../../../shared/schemas/common.js';

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

function filterConditions(filters: AuditLogFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.actor?.id) conditions.push(eq(auditLog.actorId, filters.actor.id));
  if (filters.actor?.email) conditions.push(eq(auditLog.actorEmail, filters.actor.email));
  if (filters.action?.length) conditions.push(inArray(auditLog.action, filters.action));
  if (filters.targetType) conditions.push(eq(auditLog.targetType, filters.targetType));
  if (filters.targetId) conditions.push(eq(auditLog.targetId, filters.targetId));
  if (filters.from) conditions.push(gte(auditLog.at, filters.from));
  if (filters.to) conditions.push(lte(auditLog.at, filters.to));
  return conditions;
}

export async function countAuditEntries(db: Db, filters: AuditLogFilters): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditLog).where(and(...filterConditions(filters)));
  return row?.n ?? 0;
}

/** One page of matching entries, newest first. */
export async function listAuditEntries(db: Db, query: AuditLogFilters & PageQuery): Promise<Page<AuditRow>> {
  const where = and(...filterConditions(query));
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    countAuditEntries(db, query),
  ]);
  return { data: rows, page: query.page, pageSize: query.pageSize, total };
}

/**
 * Every matching entry, newest first, `batchSize` at a time, for the CSV download: keyset paging on (at, id) so
 * memory stays flat however long the log is. The cursor keeps PostgreSQL's own text of the timestamp
 * (microseconds), so no entry is skipped or repeated at a page edge.
 */
export async function* auditEntryBatches(db: Db, filters: AuditLogFilters, batchSize = 1000): AsyncGenerator<AuditRow[]> {
  let cursor: { at: string; id: number } | null = null;
  for (;;) {
    const conditions = filterConditions(filters);
    if (cursor) conditions.push(sql`(${auditLog.at}, ${auditLog.id}) < (${cursor.at}::timestamptz, ${cursor.id}::bigint)`);
    const rows = await db
      .select({ entry: auditLog, cursorAt: sql<string>`${auditLog.at}::text` })
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(batchSize);
    if (!rows.length) return;
    const last = rows[rows.length - 1]!;
    cursor = { at: last.cursorAt, id: last.entry.id };
    yield rows.map((r) => r.entry);
    if (rows.length < batchSize) return;
  }
}

/** The settings row the append-only trigger reads (migration 0009): without it no audit entry can be deleted. */
export const AUDIT_RETENTION_SETTING = 'audit_retention_days';

/**
 * Deletes up to `limit` entries older than the retention in the settings row, by the database's own clock — the
 * one the trigger checks — so the statement never asks for a row the trigger would refuse. Returns how many went.
 */
export async function pruneAuditEntries(db: Db, limit: number): Promise<number> {
  const keepDays = sql`(select nullif(${settings.value}, '')::integer from ${settings} where ${settings.key} = ${AUDIT_RETENTION_SETTING})`;
  const deleted = await db
    .delete(auditLog)
    .where(
      inArray(
        auditLog.id,
        db
          .select({ id: auditLog.id })
          .from(auditLog)
          .where(sql`${keepDays} > 0 and ${auditLog.at} < now() - make_interval(days => ${keepDays})`)
          .orderBy(auditLog.at)
          .limit(limit),
      ),
    )
    .returning({ id: auditLog.id });
  return deleted.length;
}
