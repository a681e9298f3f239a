import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/server/auth/secret-box.js';

describe('secret box', () => {
  const box = createSecretBox('server secret one, long enough to be a real one');

  it('unseals what it sealed, and seals the same text differently each time', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';
    const a = box.seal(url);
    const b = box.seal(url);
    expect(a).not.toBe(b);
    expect(a).not.toContain('hooks.slack.com');
    expect(box.unseal(a)).toBe(url);
    expect(box.unseal(b)).toBe(url);
  });

  it('refuses a sealed value that was tampered with', () => {
    const sealed = box.seal('whsec_secret');
    const [version, iv, body] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped.writeUInt8(flipped.readUInt8(0) ^ 1, 0);
    expect(() => box.unseal(`${version}.${iv}.${flipped.toString('base64url')}`)).toThrow();
    expect(() => box.unseal('plain text')).toThrow();
  });

  it('cannot be opened under another server secret', () => {
    const sealed = box.seal('a CRM access token');
    expect(() => createSecretBox('another server secret, equally long').unseal(sealed)).toThrow();
  });
});
