import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: for session cookies, API keys and survey links. */
export function generateToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are stored only as their SHA-256, so a database leak does not leak live credentials. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
