import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/server/auth/passwords.js';
import { cheapTestPasswordHash } from '../helpers/test-password-hash.js';

describe('password hashing', () => {
  it('stores new passwords with memory-hard scrypt at the OWASP setting (N=2^15, r=8, p=3: 32 MiB), salted', async () => {
    const first = await hashPassword('a long passphrase');
    const second = await hashPassword('a long passphrase');
    const [scheme, n, r, p, salt] = first.split('$');
    expect([scheme, Number(n), Number(r), Number(p)]).toEqual(['scrypt', 2 ** 15, 8, 3]);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(first).not.toBe(second); // a fresh salt each time
    expect(await verifyPassword('a long passphrase', first)).toBe(true);
    expect(await verifyPassword('a long passphrase!', first)).toBe(false);
  });

  it("verifies the suite's cheaper test hashes with the same code path (the cost comes from the stored hash)", async () => {
    const stored = cheapTestPasswordHash('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('wrong horse battery', stored)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'bcrypt$whatever')).toBe(false);
  });
});
