import { describe, expect, it } from 'vitest';
import { userChangeEvents } from '../../src/server/domain/audit-events.js';

const nadia = { email: 'nadia@example.com', name: 'Nadia', role: 'account_manager', disabled: false };

describe('what a change to a user amounts to in the audit log', () => {
  it('a role change, disabling and enabling are events of their own', () => {
    expect(userChangeEvents(nadia, { ...nadia, role: 'admin', disabled: true }, ['role', 'disabled'])).toEqual([
      { action: 'user.role_changed', details: { email: 'nadia@example.com', from: 'account_manager', to: 'admin' } },
      { action: 'user.disabled', details: { email: 'nadia@example.com' } },
    ]);
    expect(userChangeEvents({ ...nadia, disabled: true }, nadia, ['disabled'])).toEqual([{ action: 'user.enabled', details: { email: 'nadia@example.com' } }]);
  });

  it('other fields are named, never their values; a new email keeps the old one beside it', () => {
    expect(userChangeEvents(nadia, { ...nadia, email: 'n.k@example.com' }, ['email', 'password'])).toEqual([
      { action: 'user.updated', details: { email: 'n.k@example.com', fields: ['email', 'password'], previousEmail: 'nadia@example.com' } },
    ]);
  });

  it('sending the values a user already has records nothing', () => {
    expect(userChangeEvents(nadia, nadia, ['name', 'email', 'role', 'disabled'])).toEqual([]);
  });
});
