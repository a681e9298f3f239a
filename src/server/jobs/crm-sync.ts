import type { AppDeps } from '../http/context.js';
import { runSync } from '../services/crm-sync.js';

export const CRM_SYNC = 'crm-sync';
export interface CrmSyncData {
  runId: string;
}

/**
 * Runs (or resumes) one CRM sync run. Safe to run twice: each page commits once, against the run's saved cursor
 * (services/crm-sync.ts); a run already finished is left alone.
 */
export async function crmSync(deps: AppDeps, data: CrmSyncData): Promise<void> {
  await runSync(deps, data.runId);
}
