import { describe, expect, it } from 'vitest';
import { redactPath } from '../../src/server/http/redact-path.js';

const token = 'Zq3v9Xk_2bW-8yN1pQ7rT4uV6sA0cE5dF1gH3jK8mLo';

describe('redactPath', () => {
  it('hides the token of survey and unsubscribe links, keeping the rest of the path', () => {
    expect(redactPath(`/s/${token}`)).toBe('/s/[redacted]');
    expect(redactPath(`/s/${token}/answers`)).toBe('/s/[redacted]/answers');
    expect(redactPath(`/s/${token}?edit=1&score=9`)).toBe('/s/[redacted]?edit=1&score=9');
    expect(redactPath(`/u/${token}`)).toBe('/u/[redacted]');
    expect(redactPath(`https://feedback.example.com/s/${token}?score=10`)).toBe('https://feedback.example.com/s/[redacted]?score=10');
  });

  it('hides a token sent as a query parameter (password reset links) and other secret-looking parameters', () => {
    expect(redactPath(`/reset-password?token=${token}`)).toBe('/reset-password?token=[redacted]');
    expect(redactPath(`/reset-password?lang=es&token=${token}#top`)).toBe('/reset-password?lang=es&token=[redacted]#top');
    expect(redactPath(`/auth/oidc/callback?code=abc123&state=xyz`)).toBe('/auth/oidc/callback?code=[redacted]&state=xyz');
    expect(redactPath(`/x?reset_token=${token}&page=2`)).toBe('/x?reset_token=[redacted]&page=2');
  });

  it('finds percent-encoded forms the router would decode into the same route, and links inside a redirect target', () => {
    expect(redactPath(`/%73/${token}`)).toBe('/%73/[redacted]');
    expect(redactPath(`/signin?next=%2Fs%2F${token}`)).toBe('/signin?next=%2Fs%2F[redacted]');
    expect(redactPath(`/signin?next=%2Freset-password%3Ftoken%3D${token}`)).toBe('/signin?next=%2Freset-password%3Ftoken%3D[redacted]');
  });

  it('works inside any text: an error message, a stack, a JSON log line', () => {
    expect(redactPath(`TypeError: failed for GET /s/${token}/answers\n    at handler (/s/${token})`)).not.toContain(token);
    const line = JSON.stringify({ message: 'unhandled error', path: `/u/${token}`, url: `http://h/reset-password?token=${token}` });
    expect(redactPath(line)).not.toContain(token);
    expect(JSON.parse(redactPath(line))).toEqual({ message: 'unhandled error', path: '/u/[redacted]', url: 'http://h/reset-password?token=[redacted]' });
  });

  it('leaves paths without a token alone, and redacting twice changes nothing more', () => {
    for (const path of ['/api/accounts/3f1c', '/surveys/abc', '/signin?next=%2Faccounts', '/assets/survey-0a1b2c.js', '/s', '/api/reports/nps?format=csv']) {
      expect(redactPath(path)).toBe(path);
    }
    const once = redactPath(`/s/${token}/answers?token=${token}`);
    expect(redactPath(once)).toBe(once);
  });
});
