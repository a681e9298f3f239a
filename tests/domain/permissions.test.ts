import { describe, expect, it } from 'vitest';
import {
  accountOwnerScope,
  canCreateAccounts,
  canEditAccount,
  canOwnAccounts,
  canViewAccount,
  type Actor,
} from '../../src/server/domain/permissions.js';

const actor = (role: Actor['role'], id: string): Actor => ({ id, role, email: `${id}@example.com`, name: id });
const admin = actor('admin', 'admin-1');
const executive = actor('executive', 'exec-1');
const ana = actor('account_manager', 'ana');
const bo = actor('account_manager', 'bo');
const anasAccount = { ownerId: ana.id };

describe('who sees an account', () => {
  it('admins and executives see every account, whoever owns it', () => {
    for (const who of [admin, executive]) {
      expect(canViewAccount(who, anasAccount)).toBe(true);
      expect(canViewAccount(who, { ownerId: admin.id })).toBe(true);
    }
  });

  it('a manager sees their own accounts and no one else’s', () => {
    expect(canViewAccount(ana, anasAccount)).toBe(true);
    expect(canViewAccount(bo, anasAccount)).toBe(false);
    expect(canViewAccount(bo, { ownerId: admin.id })).toBe(false);
  });
});

describe('who changes an account', () => {
  it('an admin changes any account', () => {
    expect(canEditAccount(admin, anasAccount)).toBe(true);
  });

  it('a manager changes only the accounts they own', () => {
    expect(canEditAccount(ana, anasAccount)).toBe(true);
    expect(canEditAccount(bo, anasAccount)).toBe(false);
  });

  it('an executive changes nothing, not even an account recorded as theirs', () => {
    expect(canEditAccount(executive, anasAccount)).toBe(false);
    expect(canEditAccount(executive, { ownerId: executive.id })).toBe(false);
  });

  it('whoever may change an account may also see it', () => {
    const accounts = [anasAccount, { ownerId: bo.id }, { ownerId: admin.id }, { ownerId: executive.id }];
    for (const who of [admin, executive, ana, bo]) {
      for (const account of accounts) {
        if (canEditAccount(who, account)) expect(canViewAccount(who, account), `${who.id} → ${account.ownerId}`).toBe(true);
      }
    }
  });
});

describe('creating and owning accounts', () => {
  it('admins and managers create accounts; executives do not', () => {
    expect(canCreateAccounts(admin)).toBe(true);
    expect(canCreateAccounts(ana)).toBe(true);
    expect(canCreateAccounts(executive)).toBe(false);
  });

  it('managers and admins may own accounts; executives may not', () => {
    expect(canOwnAccounts('account_manager')).toBe(true);
    expect(canOwnAccounts('admin')).toBe(true);
    expect(canOwnAccounts('executive')).toBe(false);
  });
});

describe('the owner filter on account listings', () => {
  it('limits a manager to their own accounts and leaves admins and executives unrestricted', () => {
    expect(accountOwnerScope(ana)).toBe('ana');
    expect(accountOwnerScope(bo)).toBe('bo');
    expect(accountOwnerScope(admin)).toBeNull();
    expect(accountOwnerScope(executive)).toBeNull();
  });
});
