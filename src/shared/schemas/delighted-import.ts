import * as z from 'zod';
import { Email, QueryBoolean } from './common.js';

/**
 * Importing a Delighted export (Delighted shut down on 30 June 2026). The files arrive as multipart form fields
 * (`responses`, and optionally `people`, `unsubscribes`, `bounces`), each as CSV or as the JSON array Delighted's
 * API returned; the options arrive in the query string.
 */
export const DelightedMapBy = z.enum(['property', 'domain'], { message: 'must be property or domain' });
export type DelightedMapBy = z.infer<typeof DelightedMapBy>;

export const DelightedImportQuery = z
  .object({
    /** true: check everything and report what would happen, write nothing. */
    dryRun: QueryBoolean.default(false),
    /** `property`: the account is named by a person property (e.g. `company`); `domain`: by the email's domain. */
    mapBy: DelightedMapBy.default('property'),
    /** The person property naming the account (with mapBy=property); matched ignoring case, spaces and `_`. */
    property: z.string().trim().min(1).max(100).default('company'),
    /** Who owns accounts the import creates (a user's email); default the importing admin. */
    ownerEmail: Email.optional(),
    /** false: a person whose account does not exist yet is reported as an error instead of creating the account. */
    createAccounts: QueryBoolean.default(true),
  })
  .strict();
export type DelightedImportQuery = z.infer<typeof DelightedImportQuery>;

export const DelightedFileKind = z.enum(['responses', 'people', 'unsubscribes', 'bounces']);
export type DelightedFileKind = z.infer<typeof DelightedFileKind>;

/**
 * One row of one file: `created` (written, or would be on a dry run), `updated` (an existing contact marked
 * unsubscribed or bounced), `skipped` (nothing to do, with the reason: imported before, another survey type, …)
 * or `error` (nothing of the row was written, with the reason).
 */
export const DelightedImportRow = z.object({
  file: DelightedFileKind,
  /** The CSV line (the header is line 1), or the 0-based index in the JSON array. */
  line: z.number().int().nullable(),
  index: z.number().int().nullable(),
  status: z.enum(['created', 'updated', 'skipped', 'error']),
  /** Delighted's id of the response or person, when the row has one. */
  externalId: z.string().nullable(),
  reason: z.string().nullable(),
});
export type DelightedImportRow = z.infer<typeof DelightedImportRow>;

export const DelightedImportSummary = z.object({
  responsesCreated: z.number().int(),
  responsesSkipped: z.number().int(),
  accountsCreated: z.number().int(),
  contactsCreated: z.number().int(),
  /** Contacts that were here before and are now unsubscribed / bounced (new contacts are created so already). */
  contactsUnsubscribed: z.number().int(),
  contactsBounced: z.number().int(),
  errors: z.number().int(),
});
export type DelightedImportSummary = z.infer<typeof DelightedImportSummary>;

export const DelightedImportResult = z.object({
  dryRun: z.boolean(),
  runId: z.uuid(),
  summary: DelightedImportSummary,
  rows: z.array(DelightedImportRow),
});
export type DelightedImportResult = z.infer<typeof DelightedImportResult>;
