import { describe, expect, it } from 'vitest';
import { signSvixPayload, verifySvixSignature } from '../../src/server/email/webhook-signature.js';

// The published Svix test vector.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const timestamp = '1614265330';
const body = '{"test": 2432232314}';
const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const sentAt = new Date(Number(timestamp) * 1000);

const delivery = { secret, id, timestamp, body, signatureHeader: signature, now: sentAt };

describe('verifying a Resend (Svix) webhook signature', () => {
  it('accepts the published test vector, as a string or as raw bytes', () => {
    expect(verifySvixSignature(delivery)).toBe(true);
    expect(verifySvixSignature({ ...delivery, body: new TextEncoder().encode(body) })).toBe(true);
    expect(verifySvixSignature({ ...delivery, secret: secret.slice('whsec_'.length) })).toBe(true);
  });

  it('signs the same way it verifies', () => {
    expect(signSvixPayload({ secret, id, timestamp: Number(timestamp), body })).toBe(signature);
  });

  it('rejects a tampered body, id or timestamp', () => {
    expect(verifySvixSignature({ ...delivery, body: '{"test": 2432232315}' })).toBe(false);
    // Re-serialized JSON is a different body: the raw request body must be verified.
    expect(verifySvixSignature({ ...delivery, body: JSON.stringify(JSON.parse(body)) })).toBe(false);
    expect(verifySvixSignature({ ...delivery, id: 'msg_p5jXN8AQM9LWM0D4loKWxJeK' })).toBe(false);
    expect(verifySvixSignature({ ...delivery, timestamp: '1614265331', now: sentAt })).toBe(false);
  });

  it('rejects a signature made with another secret, and an empty secret', () => {
    expect(verifySvixSignature({ ...delivery, secret: 'whsec_' + Buffer.from('another secret').toString('base64') })).toBe(false);
    expect(verifySvixSignature({ ...delivery, secret: 'whsec_' })).toBe(false);
  });

  it('accepts deliveries within five minutes either way and rejects older or later ones', () => {
    const at = (seconds: number) => new Date(sentAt.getTime() + seconds * 1000);
    expect(verifySvixSignature({ ...delivery, now: at(300) })).toBe(true);
    expect(verifySvixSignature({ ...delivery, now: at(-300) })).toBe(true);
    expect(verifySvixSignature({ ...delivery, now: at(301) })).toBe(false);
    expect(verifySvixSignature({ ...delivery, now: at(-301) })).toBe(false);
    expect(verifySvixSignature({ ...delivery, now: at(3600), toleranceSeconds: 7200 })).toBe(true);
    // A replay of a genuine old delivery, today.
    expect(verifySvixSignature({ ...delivery, now: new Date('2026-03-02T09:00:00Z') })).toBe(false);
  });

  it('accepts a header with several signatures when one of them is valid (secret rotation)', () => {
    const other = signSvixPayload({ secret: 'whsec_' + Buffer.from('old secret').toString('base64'), id, timestamp, body });
    expect(verifySvixSignature({ ...delivery, signatureHeader: `${other} ${signature}` })).toBe(true);
    expect(verifySvixSignature({ ...delivery, signatureHeader: `v1a,${signature.slice(3)} ${signature}` })).toBe(true);
    expect(verifySvixSignature({ ...delivery, signatureHeader: `${other} v1,${'A'.repeat(43)}=` })).toBe(false);
  });

  it('rejects malformed headers and timestamps without throwing', () => {
    for (const signatureHeader of ['', 'garbage', signature.slice(3), `v2,${signature.slice(3)}`, 'v1,', 'v1,###', `v1,${signature.slice(3, -1)}`]) {
      expect(verifySvixSignature({ ...delivery, signatureHeader })).toBe(false);
    }
    for (const ts of ['', 'abc', '1614265330.5', '-1614265330', ' 1614265330']) {
      expect(verifySvixSignature({ ...delivery, timestamp: ts })).toBe(false);
    }
  });
});
