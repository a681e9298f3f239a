import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { crmConnections, crmLinks, crmSyncRuns } from '../schema/index.js';

export type CrmConnectionRow = typeof crmConnections.$inferSelect;
export type CrmSyncRunRow = typeof crmSyncRuns.$inferSelect;
export type CrmLinkRow = typeof crmLinks.$inferSelect;

export async function getCrmConnection(db: Db, provider: 'hubspot' = 'hubspot'): Promise<CrmConnectionRow | undefined> {
  const [row] = await db.select().from(crmConnections).where(eq(crmConnections.provider, provider));
  return row;
}

export async function getCrmSyncRun(db: Db, id: string): Promise<CrmSyncRunRow | undefined> {
  const [row] = await db.select().from(crmSyncRuns).where(eq(crmSyncRuns.id, id));
  return row;
}

export async function getRunningCrmSync(db: Db, connectionId: string): Promise<CrmSyncRunRow | undefined> {
  const [row] = await db
    .select()
    .from(crmSyncRuns)
    .where(and(eq(crmSyncRuns.connectionId, connectionId), eq(crmSyncRuns.status, 'running')));
  return row;
}

export async function listCrmSyncRuns(db: Db, connectionId: string, limit = 10): Promise<CrmSyncRunRow[]> {
  return db.select().from(crmSyncRuns).where(eq(crmSyncRuns.connectionId, connectionId)).orderBy(desc(crmSyncRuns.startedAt)).limit(limit);
}

export async function getCrmLink(db: Db, objectType: 'company' | 'contact', externalId: string): Promise<CrmLinkRow | undefined> {
  const [row] = await db
    .select()
    .from(crmLinks)
    .where(and(eq(crmLinks.provider, 'hubspot'), eq(crmLinks.objectType, objectType), eq(crmLinks.externalId, externalId)));
  return row;
}

export async function getCrmLinkByLocal(db: Db, objectType: 'company' | 'contact', localId: string): Promise<CrmLinkRow | undefined> {
  const [row] = await db
    .select()
    .from(crmLinks)
    .where(and(eq(crmLinks.provider, 'hubspot'), eq(crmLinks.objectType, objectType), eq(crmLinks.localId, localId)));
  return row;
}

export async function listCrmLinks(db: Db, objectType: 'company' | 'contact'): Promise<CrmLinkRow[]> {
  return db
    .select()
    .from(crmLinks)
    .where(and(eq(crmLinks.provider, 'hubspot'), eq(crmLinks.objectType, objectType)))
    .orderBy(crmLinks.externalId);
}

/** Records the CRM's modified time after our own write, never moving it back. */
export async function markWrittenBack(db: Db, linkId: string, hash: string, now: Date, remoteModifiedAt: Date | null): Promise<void> {
  await db
    .update(crmLinks)
    .set({
      writtenBackHash: hash,
      writtenBackAt: now,
      remoteModifiedAt: remoteModifiedAt
        ? sql`greatest(${crmLinks.remoteModifiedAt}, ${remoteModifiedAt.toISOString()}::timestamptz)`
        : crmLinks.remoteModifiedAt,
    })
    .where(eq(crmLinks.id, linkId));
}
