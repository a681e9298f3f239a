import type { Role } from '../../shared/schemas/user.js';

export interface Actor {
  id: string;
  role: Role;
  email: string;
  name: string;
}

interface Owned {
  ownerId: string;
}

/** Admins and executives see the whole portfolio; a manager only the accounts they own. */
export function canViewAccount(actor: Actor, account: Owned): boolean {
  return actor.role !== 'account_manager' || account.ownerId === actor.id;
}

/** Executives read everything but change nothing; managers change only their own accounts. */
export function canEditAccount(actor: Actor, account: Owned): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'account_manager' && account.ownerId === actor.id;
}

export function canCreateAccounts(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'account_manager';
}

/** The owner filter every account listing must apply for this actor (null: no restriction). */
export function accountOwnerScope(actor: Actor): string | null {
  return actor.role === 'account_manager' ? actor.id : null;
}

/** Who may own accounts: managers and admins (an executive reads, never owns). */
export function canOwnAccounts(role: Role): boolean {
  return role === 'account_manager' || role === 'admin';
}
