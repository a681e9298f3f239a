import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Svix webhook signatures, as Resend sends them (`svix-id`, `svix-timestamp`, `svix-signature` headers).
 *
 * Done by hand rather than with the `svix`/`standardwebhooks` package so the clock is ours (tests use a fake
 * one) and so a bad request is a plain `false`, never an exception. The scheme: HMAC-SHA256, keyed with the
 * base64-decoded secret (after its `whsec_` prefix), over `${id}.${timestamp}.${body}`, where body is the raw
 * request body exactly as received. The header lists one or more space-separated `v1,<base64>` signatures
 * (several while a secret is being rotated); any one matching is enough.
 */

export interface SvixSignatureInput {
  /** The endpoint's signing secret, `whsec_…` (the prefix is optional). */
  secret: string;
  /** `svix-id` header. */
  id: string;
  /** `svix-timestamp` header: seconds since the epoch. */
  timestamp: string;
  /** `svix-signature` header. */
  signatureHeader: string;
  /** The raw body: re-serialized JSON would not match. */
  body: string | Uint8Array;
  now: Date;
  /** How far the timestamp may be from `now`, either way; stops replays of old deliveries. */
  toleranceSeconds?: number;
}

function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

function hmac(key: Buffer, id: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', key)
    .update(`${id}.${timestamp}.`)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('base64');
}

export function verifySvixSignature({
  secret,
  id,
  timestamp,
  signatureHeader,
  body,
  now,
  toleranceSeconds = 300,
}: SvixSignatureInput): boolean {
  const key = secretKey(secret);
  // An empty key would make signatures anyone can compute.
  if (key.length === 0 || !id || !signatureHeader) return false;
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
  if (!(skew <= toleranceSeconds)) return false;

  const expected = Buffer.from(hmac(key, id, timestamp, body));
  let matched = false;
  for (const entry of signatureHeader.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue; // other schemes (v1a) and junk are skipped
    const candidate = Buffer.from(entry.slice(comma + 1));
    // Compared as base64 text, which is canonical for a 32-byte digest; timingSafeEqual needs equal lengths.
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched;
}

/** The `svix-signature` header value for a payload: for tests and the fake Resend. */
export function signSvixPayload(input: {
  secret: string;
  id: string;
  timestamp: string | number;
  body: string | Uint8Array;
}): string {
  return `v1,${hmac(secretKey(input.secret), input.id, String(input.timestamp), input.body)}`;
}
