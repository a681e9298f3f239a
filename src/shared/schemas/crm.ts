import * as z from 'zod';
import { Email } from './common.js';

/*
 * CRM sync (HubSpot): the connection an admin sets up, and the sync runs with their progress and result report.
 * The access token goes in and never comes out: responses show its last four characters only.
 */

/** A HubSpot property's internal name (`renewal_date`, `contract_end__c`): letters, digits and underscores. */
export const CrmPropertyName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_]*$/i, { message: 'must be a property’s internal name: letters, digits and underscores' });

export const PutHubspotConnection = z.strictObject({
  /** A private app's access token. Required to connect; leave it out to change the settings of a connection and keep its token. */
  accessToken: z.string().trim().min(8).max(1000).regex(/^\S+$/, { message: 'must not contain spaces' }).optional(),
  /** The company property holding the renewal date; null: renewal dates are not imported. */
  renewalDateProperty: CrmPropertyName.nullable().optional(),
  /** Sync on a schedule this often; null: on demand only. */
  syncEveryMinutes: z.number().int().min(15).max(10_080).nullable().optional(),
  /** Owner of imported companies whose HubSpot owner has no Keypulse user; null: such companies are skipped. */
  defaultOwnerEmail: Email.nullable().optional(),
  /** Write NPS, risk and last scores back onto HubSpot's companies and contacts. */
  writeBack: z.boolean(),
});
export type PutHubspotConnection = z.infer<typeof PutHubspotConnection>;

export const CrmSettings = z.object({
  renewalDateProperty: z.string().nullable(),
  syncEveryMinutes: z.number().int().nullable(),
  defaultOwnerEmail: z.string().nullable(),
  writeBack: z.boolean(),
});
export type CrmSettings = z.infer<typeof CrmSettings>;

const Counts = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), skipped: z.number().int() });

export const CrmSyncProgress = z.object({
  /** `companies` (importing, page by page), `write_back`, `done`. */
  phase: z.string(),
  pages: z.number().int(),
  companies: Counts,
  contacts: Counts,
  writtenBack: z.object({ companies: z.number().int(), contacts: z.number().int() }),
});
export type CrmSyncProgress = z.infer<typeof CrmSyncProgress>;

/** One line of the result report: what happened to one record and why (skips always say why). */
export const CrmReportEntry = z.object({
  objectType: z.enum(['company', 'contact']),
  externalId: z.string(),
  name: z.string().nullable(),
  action: z.enum(['created', 'updated', 'kept_local', 'skipped', 'note']),
  reason: z.string().nullable(),
});
export type CrmReportEntry = z.infer<typeof CrmReportEntry>;

export const CrmSyncRun = z.object({
  id: z.uuid(),
  status: z.enum(['running', 'succeeded', 'failed']),
  trigger: z.enum(['manual', 'schedule']),
  modifiedSince: z.string().nullable(),
  progress: CrmSyncProgress,
  /** Capped (the first 200 entries); the counts in `progress` are complete. */
  report: z.array(CrmReportEntry),
  error: z.string().nullable(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type CrmSyncRun = z.infer<typeof CrmSyncRun>;

export const HubspotConnection = z.object({
  connected: z.boolean(),
  /** `…abcd`: enough to recognise the token, never the token. */
  tokenHint: z.string().nullable(),
  /** Where requests go (the server's KEYPULSE_HUBSPOT_BASE_URL). */
  baseUrl: z.string(),
  settings: CrmSettings.nullable(),
  lastSyncedThrough: z.string().nullable(),
  /** The latest runs, newest first. */
  runs: z.array(CrmSyncRun),
});
export type HubspotConnection = z.infer<typeof HubspotConnection>;

export const StartedSync = z.object({
  run: CrmSyncRun,
  /** False when a sync was already running: this is that one. */
  started: z.boolean(),
});
