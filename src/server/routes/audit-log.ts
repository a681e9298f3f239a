import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { describe, valid } from '../http/validate.js';
import { requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { streamCsv } from '../http/csv-stream.js';
import { auditEntryBatches, countAuditEntries, listAuditEntries, type AuditRow } from '../db/queries/audit-log.js';
import { AuditEntryPage, AuditLogQuery, auditActionLabels, type AuditAction, type AuditEntry } from '../../shared/schemas/audit.js';

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorEmail: row.actorEmail,
    via: row.via as AuditEntry['via'],
    action: row.action as AuditAction,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    details: row.details ?? null,
  };
}

const csvHeader = ['at', 'actorEmail', 'actorId', 'via', 'action', 'description', 'targetType', 'targetId', 'ip', 'details'] as const;

function csvRow(row: AuditRow): unknown[] {
  const label = (auditActionLabels as Record<string, string>)[row.action] ?? row.action;
  return [row.at, row.actorEmail, row.actorId, row.via, row.action, label, row.targetType, row.targetId, row.ip, row.details ? JSON.stringify(row.details) : ''];
}

export const auditLogRoutes = new Hono<AppEnv>().get(
  '/',
  describe({
    summary: 'The audit log (admins): who did what, when, from which address; newest first',
    description:
      'Filters: `actor` (user id or email), `action` (one or more, repeated or comma-separated), `targetType`, ' +
      '`targetId`, `from` and `to` (ISO date-time, or a date: from its start / through its end, UTC). ' +
      '`format=csv` downloads every matching entry (not one page) as CSV, and is itself recorded as an export.',
    tags: ['Audit log'],
    responses: { 200: AuditEntryPage },
  }),
  valid('query', AuditLogQuery),
  async (c) => {
    requireRole(c, 'admin');
    const { db, clock } = c.var.deps;
    const { format, page, pageSize, ...filters } = c.req.valid('query');
    if (format === 'json') {
      const result = await listAuditEntries(db, { ...filters, page, pageSize });
      return c.json({ ...result, data: result.data.map(toAuditEntry) });
    }

    await audit(c, 'export.downloaded', null, { what: 'audit_log', rows: await countAuditEntries(db, filters) });
    return streamCsv(c, {
      filename: `keypulse-audit-log-${clock.now().toISOString().slice(0, 10)}.csv`,
      header: csvHeader,
      batches: auditEntryBatches(db, filters),
      toRows: (row) => [csvRow(row)],
      what: 'audit log',
    });
  },
);
