import { describe, expect, it } from 'vitest';
import { mayCreateSsoUser, ssoUserName, verifiedEmail } from '../../src/server/domain/sso.js';

describe('the email a provider vouches for', () => {
  it('needs email_verified to be exactly true', () => {
    expect(verifiedEmail({ email: 'Ana@Example.com', email_verified: true })).toEqual({ ok: true, email: 'ana@example.com' });
    for (const email_verified of [false, 'true', 1, null, undefined]) {
      expect(verifiedEmail({ email: 'ana@example.com', email_verified })).toMatchObject({ ok: false, reason: 'email_unverified' });
    }
  });

  it('takes Entra ID’s xms_edov only when email_verified is absent, never over an explicit false', () => {
    expect(verifiedEmail({ email: 'ana@example.com', xms_edov: true })).toMatchObject({ ok: true });
    expect(verifiedEmail({ email: 'ana@example.com', email_verified: false, xms_edov: true })).toMatchObject({ ok: false });
    expect(verifiedEmail({ email: 'ana@example.com', xms_edov: 'true' })).toMatchObject({ ok: false });
  });

  it('needs an email address at all', () => {
    for (const email of [undefined, '', 'not an address', 42]) {
      expect(verifiedEmail({ email, email_verified: true })).toEqual({ ok: false, reason: 'email_missing' });
    }
  });
});

describe('accounts made at first sign-in', () => {
  it('only for the listed domains, exactly', () => {
    expect(mayCreateSsoUser('cleo@newco.example', ['newco.example'])).toBe(true);
    expect(mayCreateSsoUser('cleo@sub.newco.example', ['newco.example'])).toBe(false);
    expect(mayCreateSsoUser('cleo@evilnewco.example', ['newco.example'])).toBe(false);
    expect(mayCreateSsoUser('cleo@newco.example', [])).toBe(false);
  });

  it('are named by the provider, else by the address', () => {
    expect(ssoUserName({ name: '  Cleo Novak ' }, 'cleo@newco.example')).toBe('Cleo Novak');
    expect(ssoUserName({ given_name: 'Cleo', family_name: 'Novak' }, 'cleo@newco.example')).toBe('Cleo Novak');
    expect(ssoUserName({ name: '   ' }, 'cleo.n@newco.example')).toBe('cleo.n');
  });
});
