import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { clientIp } from './client-ip.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import type { AuditAction } from '../../shared/schemas/audit.js';

export interface AuditTarget {
  type: string;
  id: string;
}

/**
 * Records who did what from this request: the signed-in actor (or nobody), how they were signed in, and the
 * client address. Details hold ids, names of settings, counts — never passwords, tokens or customers' words.
 * Call it after the change is written, with the same `db` (a transaction) when the two must stand or fall together.
 */
export async function audit(
  c: Context<AppEnv>,
  action: AuditAction,
  target?: AuditTarget | null,
  details?: Record<string, unknown> | null,
  options: { db?: AppEnv['Variables']['deps']['db']; actor?: { id: string; email: string } | null; via?: 'oidc' | 'anonymous' } = {},
): Promise<void> {
  const auth = c.var.auth;
  const actor = options.actor !== undefined ? options.actor : auth ? { id: auth.user.id, email: auth.user.email } : null;
  await insertAuditEntry(options.db ?? c.var.deps.db, {
    at: c.var.deps.clock.now(),
    action,
    via: options.via ?? (auth ? auth.via : actor ? 'session' : 'anonymous'),
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    ip: clientIp(c),
    details: details ?? null,
  });
}
