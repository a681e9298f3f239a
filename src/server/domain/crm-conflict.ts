/**
 * Who wins when a record linked to a CRM changed (HubSpot today). The CRM is the source of truth for the fields it
 * supplies, so its changes are applied — unless the Keypulse record was edited after the last sync and that edit is
 * more recent than the CRM's change: the most recent change wins. When the CRM's record did not change since we last
 * read it, there is nothing to apply (and a Keypulse edit stays). Keypulse-only fields are never part of this.
 *
 * - `unchanged`: the CRM's record is as we last read it; nothing to do.
 * - `apply`: take the CRM's values.
 * - `keep_local`: a Keypulse edit is newer than the CRM's change; keep ours.
 */
export type CrmDecision = 'unchanged' | 'apply' | 'keep_local';

export interface CrmChangeFacts {
  /** The CRM's last-modified time now. */
  remoteModifiedAt: Date;
  /** The CRM's last-modified time when we last read (or wrote) it; null: never. */
  lastRemoteModifiedAt: Date | null;
  /** Our record's last edit. */
  localUpdatedAt: Date;
  /** When the sync last wrote our record (or linked it); null: never. */
  localSyncedAt: Date | null;
}

export function decideCrmChange(facts: CrmChangeFacts): CrmDecision {
  const remoteChanged = !facts.lastRemoteModifiedAt || facts.remoteModifiedAt.getTime() > facts.lastRemoteModifiedAt.getTime();
  if (!remoteChanged) return 'unchanged';
  const localChanged = facts.localSyncedAt !== null && facts.localUpdatedAt.getTime() > facts.localSyncedAt.getTime();
  if (localChanged && facts.localUpdatedAt.getTime() > facts.remoteModifiedAt.getTime()) return 'keep_local';
  return 'apply';
}
