import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/server/domain/password-policy.js';
/** The password every test user has (tests/helpers/test-app.ts): it must stay acceptable. */
const TEST_PASSWORD = 'correct horse battery';

describe('new passwords (NIST SP 800-63B)', () => {
  it('asks for 12 characters, and at most 200', async () => {
    expect(await passwordProblem('eleven char')).toBe('must be at least 12 characters');
    expect(await passwordProblem('x y z '.repeat(40))).toBe('must be at most 200 characters');
  });

  it('refuses common passwords, in any case and with digits or symbols stuck on', async () => {
    for (const common of ['password1234', 'Password1234', 'qwertyuiop123', '1q2w3e4r5t6y', 'iloveyou2024!', '!!monkey123456']) {
      expect(await passwordProblem(common), common).toMatch(/common password/);
    }
  });

  it('refuses one short pattern repeated, the email, and the name of the service', async () => {
    expect(await passwordProblem('abcabcabcabc')).toBe('repeats the same few characters: choose another');
    expect(await passwordProblem('zzzzzzzzzzzzzz')).toMatch(/^(repeats|is on a list)/);
    expect(await passwordProblem('maria.manager2024', { email: 'Maria.Manager@example.com' })).toBe('is made from your email address: choose another');
    expect(await passwordProblem('keypulse2026!')).toBe('is the name of this service: choose another');
  });

  it('has no composition rules: long, uncommon passphrases of any kind pass', async () => {
    for (const good of [TEST_PASSWORD, 'purple elephants read newspapers', 'ñandú en la azotea', '日本語のパスフレーズです', 'keypulse-demo-2026']) {
      expect(await passwordProblem(good, { email: 'someone@example.com' }), good).toBeNull();
    }
  });
});
