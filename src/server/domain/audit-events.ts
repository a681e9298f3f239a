import type { AuditAction } from '../../shared/schemas/audit.js';

export interface AuditEvent {
  action: AuditAction;
  details: Record<string, unknown>;
}

interface UserState {
  email: string;
  name: string;
  role: string;
  disabled: boolean;
}

/**
 * What an admin's change to a user amounts to in the audit log: a role change, disabling and enabling are
 * events of their own (a reviewer filters on them); other fields are one `user.updated` naming them (never values).
 * `requested` are the fields the request sent, since a password cannot be compared after hashing.
 */
export function userChangeEvents(before: UserState, after: UserState, requested: readonly string[]): AuditEvent[] {
  const events: AuditEvent[] = [];
  const email = after.email;
  if (before.role !== after.role) events.push({ action: 'user.role_changed', details: { email, from: before.role, to: after.role } });
  if (!before.disabled && after.disabled) events.push({ action: 'user.disabled', details: { email } });
  if (before.disabled && !after.disabled) events.push({ action: 'user.enabled', details: { email } });
  const fields = requested.filter((key) => {
    if (key === 'role' || key === 'disabled') return false;
    if (key === 'email' || key === 'name') return before[key] !== after[key];
    return true;
  });
  if (fields.length) {
    events.push({ action: 'user.updated', details: { email, fields, ...(fields.includes('email') ? { previousEmail: before.email } : {}) } });
  }
  return events;
}
