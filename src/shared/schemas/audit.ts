import * as z from 'zod';
import { Email, IsoDate, PageQuery, pageOf } from './common.js';

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
  'touchpoint.created',
  'touchpoint.changed',
  'touchpoint.deleted',
  'plan_share.created',
  'plan_share.revoked',
  'pulse_event_type.created',
  'pulse_event_type.changed',
  'webhook.created',
  'webhook.deleted',
  'webhook.secret_rotated',
  'webhook.enabled',
  'webhook.disabled',
  'import.delighted',
  'import.portfolio',
  'chat_channel.created',
  'chat_channel.changed',
  'chat_channel.deleted',
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

/** Each action in plain words, for the admin page and the CSV (an action added above needs its words here). */
export const auditActionLabels = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in failed',
  'auth.sign_out': 'Signed out',
  'auth.sso_sign_in': 'Signed in with SSO',
  'auth.sso_sign_in_failed': 'SSO sign-in failed',
  'auth.password_changed': 'Changed their password',
  'auth.password_reset_requested': 'Asked for a password reset',
  'auth.password_reset_sent': 'Sent a password reset link',
  'auth.password_reset': 'Reset a password',
  'auth.session_revoked': 'Signed out a session',
  'user.created': 'Created a user',
  'user.updated': 'Changed a user',
  'user.role_changed': "Changed a user's role",
  'user.disabled': 'Disabled a user',
  'user.enabled': 'Enabled a user',
  'api_key.created': 'Created an API key',
  'api_key.revoked': 'Revoked an API key',
  'settings.changed': 'Changed settings',
  'follow_up_rule.created': 'Added a follow-up rule',
  'follow_up_rule.changed': 'Changed a follow-up rule',
  'follow_up_rule.deleted': 'Deleted a follow-up rule',
  'account.stage_changed': "Changed an account's stage",
  'campaign.launched': 'Launched a campaign',
  'campaign.cancelled': 'Cancelled a campaign',
  'export.downloaded': 'Downloaded an export',
  'contact.exported': "Exported a contact's data",
  'contact.erased': 'Erased a contact',
  'audit_log.pruned': 'Pruned old audit entries',
  'touchpoint.created': 'Logged a touchpoint',
  'touchpoint.changed': 'Changed a touchpoint',
  'touchpoint.deleted': 'Deleted a touchpoint',
  'plan_share.created': 'Shared an account plan with a contact',
  'plan_share.revoked': 'Revoked a shared account plan link',
  'pulse_event_type.created': 'Added a pulse event type',
  'pulse_event_type.changed': 'Changed a pulse event type',
  'webhook.created': 'Added a webhook endpoint',
  'webhook.deleted': 'Deleted a webhook endpoint',
  'webhook.secret_rotated': "Rotated a webhook endpoint's signing secret",
  'webhook.enabled': 'Turned a webhook endpoint on',
  'webhook.disabled': 'Turned a webhook endpoint off',
  'import.delighted': 'Imported answers from Delighted',
  'import.portfolio': 'Imported a portfolio file',
  'chat_channel.created': 'Added a Slack or Teams channel',
  'chat_channel.changed': 'Changed a Slack or Teams channel',
  'chat_channel.deleted': 'Removed a Slack or Teams channel',
} satisfies Record<AuditAction, string>;

/** One or more actions: repeated (`action=a&action=b`) or comma-separated (`action=a,b`). */
const ActionFilter = z
  .union([z.string(), z.array(z.string())])
  .transform((value, ctx) => {
    const names = [...new Set((Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
    if (!names.length || names.some((n) => !AuditAction.safeParse(n).success)) {
      ctx.addIssue({ code: 'custom', message: 'must be audit actions such as user.created, comma-separated' });
      return z.NEVER;
    }
    return names as AuditAction[];
  });

/** Who acted: their user id, or the email they had then (kept on each entry, so renamed and deleted users are found). */
const ActorFilter = z
  .string()
  .trim()
  .max(254)
  .transform((text, ctx) => {
    if (z.uuid().safeParse(text).success) return { id: text.toLowerCase() };
    const email = Email.safeParse(text);
    if (email.success) return { email: email.data };
    ctx.addIssue({ code: 'custom', message: 'must be a user id (UUID) or an email address' });
    return z.NEVER;
  });

const Instant = z.iso.datetime({ offset: true }).or(IsoDate);

export const AuditLogQuery = PageQuery.extend({
  actor: ActorFilter.optional(),
  action: ActionFilter.optional(),
  targetType: z.string().trim().min(1).max(50).optional(),
  targetId: z.string().trim().min(1).max(200).optional(),
  /** From this instant on; a date alone means from its start (UTC). */
  from: Instant.transform((v) => new Date(v)).optional(),
  /** Up to and including this instant; a date alone means through its end (UTC). */
  to: Instant.transform((v) => (v.length === 10 ? new Date(`${v}T23:59:59.999Z`) : new Date(v))).optional(),
  /** `csv` downloads every matching entry (not one page) as a spreadsheet. */
  format: z.enum(['json', 'csv']).default('json'),
}).superRefine((q, ctx) => {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
});
export type AuditLogQuery = z.infer<typeof AuditLogQuery>;
export type AuditLogFilters = Omit<AuditLogQuery, 'page' | 'pageSize' | 'format'>;
