import * as z from 'zod';
import { pageOf } from './common.js';

/** Every kind of audited event. Names are `area.what_happened`; the list grows, entries never change meaning. */
export const AuditAction = z.enum([
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'auth.sso_sign_in',
  'auth.sso_sign_in_failed',
  'auth.password_changed',
  'auth.password_reset_requested',
  'auth.password_reset_sent',
  'auth.password_reset',
  'auth.session_revoked',
  'user.created',
  'user.updated',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'api_key.created',
  'api_key.revoked',
  'settings.changed',
  'follow_up_rule.created',
  'follow_up_rule.changed',
  'follow_up_rule.deleted',
  'account.stage_changed',
  'campaign.launched',
  'campaign.cancelled',
  'export.downloaded',
  'contact.exported',
  'contact.erased',
  'audit_log.pruned',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** How the actor was acting: a browser session, an API key, SSO, nobody signed in, or the system itself. */
export const AuditVia = z.enum(['session', 'api_key', 'oidc', 'anonymous', 'system']);
export type AuditVia = z.infer<typeof AuditVia>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.uuid().nullable(),
  actorEmail: z.string().nullable(),
  via: AuditVia,
  action: AuditAction,
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditEntryPage = pageOf(AuditEntry);
