import type { AppDeps } from '../http/context.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { insertSession } from '../db/queries/sessions.js';
import { initialExpiry } from '../domain/session-lifetime.js';

/**
 * Opens a browser session for a user who has proved who they are (password or SSO): a 256-bit token for the
 * cookie, only its hash in the table, with the device and address for the user's own "your sessions" list.
 */
export async function openSession(
  deps: AppDeps,
  userId: string,
  client: { ip: string | null; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const now = deps.clock.now();
  const token = generateToken();
  const expiresAt = initialExpiry(now, { ttlMs: deps.config.sessionTtlMs, maxMs: deps.config.sessionMaxMs });
  await insertSession(deps.db, {
    tokenHash: hashToken(token),
    userId,
    expiresAt,
    userAgent: client.userAgent?.slice(0, 300) ?? null,
    ip: client.ip,
    now,
  });
  return { token, expiresAt };
}
