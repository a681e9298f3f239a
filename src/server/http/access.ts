import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { AppError, invalid, notFound } from './errors.js';
import { requireAuth } from './auth.js';
import { canEditAccount, canOwnAccounts, canViewAccount } from '../domain/permissions.js';
import { getAccount, type AccountRow } from '../db/queries/accounts.js';
import { getContactWithOwner, type ContactRow } from '../db/queries/contacts.js';
import { getUser } from '../db/queries/users.js';
import type { Db } from '../db/client.js';

type Mode = 'view' | 'edit';

function check(c: Context<AppEnv>, what: string, ownerId: string, mode: Mode): void {
  const { user } = requireAuth(c);
  // Another manager's account does not exist as far as this caller can tell: 404, never 403.
  if (!canViewAccount(user, { ownerId })) throw notFound(what);
  if (mode === 'edit' && !canEditAccount(user, { ownerId })) {
    throw new AppError('forbidden', 'your role can read this but not change it');
  }
}

/** The account, if the caller may see it (and, for 'edit', change it). */
export async function loadAccountFor(c: Context<AppEnv>, id: string, mode: Mode): Promise<AccountRow> {
  const account = await getAccount(c.var.deps.db, id);
  if (!account) throw notFound('account');
  check(c, 'account', account.ownerId, mode);
  return account;
}

export async function loadContactFor(c: Context<AppEnv>, id: string, mode: Mode, options: { includeRemoved?: boolean } = {}): Promise<ContactRow> {
  const found = await getContactWithOwner(c.var.deps.db, id, options);
  if (!found) throw notFound('contact');
  check(c, 'contact', found.ownerId, mode);
  return found.contact;
}

/** A referenced user must exist (and, for owners, be allowed to own accounts). */
export async function assertUserReference(db: Db, path: string, userId: string, asOwner: boolean): Promise<void> {
  const user = await getUser(db, userId);
  if (!user || user.disabled) throw invalid(path, 'must be the id of an active user');
  if (asOwner && !canOwnAccounts(user.role)) throw invalid(path, 'must be an account manager or an admin');
}
