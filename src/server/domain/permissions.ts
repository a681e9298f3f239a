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

interface AssignedTask extends Owned {
  assigneeId: string;
}

/**
 * A task is seen by whoever sees its account, and by its assignee: an account-plan action given to a colleague is
 * theirs to open and work on. Only that task, though: the rest of the account stays another manager's (404).
 */
export function canViewTask(actor: Actor, task: AssignedTask): boolean {
  return canViewAccount(actor, task) || task.assigneeId === actor.id;
}

/** Comment, change, close: whoever may change the task's account, and its assignee (if their role works on tasks). */
export function canWorkOnTask(actor: Actor, task: AssignedTask): boolean {
  return canEditAccount(actor, task) || (task.assigneeId === actor.id && canOwnAccounts(actor.role));
}

interface SurveyCopy {
  templateKey: string | null;
  createdBy: string | null;
}

/**
 * A survey copy is changed only by the person who made it and by admins; copies made before their maker was
 * kept (createdBy null) by admins only. Built-in templates are read-only for everyone.
 */
export function canEditSurvey(actor: Actor, survey: SurveyCopy): boolean {
  if (survey.templateKey !== null) return false;
  if (actor.role === 'admin') return true;
  return actor.role === 'account_manager' && survey.createdBy !== null && survey.createdBy === actor.id;
}

/**
 * Emails carrying a password link (messages.purpose 'password_reset'): in the email log for admins only. Anyone
 * else reading one could take over its recipient's account; admins can send such links anyway.
 */
export function canReadPasswordLinks(auth: { user: Actor; via: 'session' | 'api_key'; scope?: string }): boolean {
  return auth.user.role === 'admin' && (auth.via === 'session' || auth.scope === 'admin');
}
