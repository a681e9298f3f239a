import { createHmac, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { settings } from '../db/schema/index.js';
import { hashToken } from './tokens.js';

/**
 * Survey and unsubscribe links carry 256-bit tokens derived from a server secret and the invitation id.
 * Deriving (instead of storing) them means the database holds only their hashes, yet a retried or
 * reminder email can carry the same link and the same bytes — which keeps provider idempotency intact.
 */
export interface LinkTokens {
  survey(invitationId: string): string;
  unsubscribe(invitationId: string): string;
}

export function createLinkTokens(secret: string): LinkTokens {
  const derive = (purpose: string, id: string) => createHmac('sha256', secret).update(`${purpose}:${id}`).digest('base64url');
  return {
    survey: (id) => derive('survey', id),
    unsubscribe: (id) => derive('unsubscribe', id),
  };
}

export const hashLinkToken = hashToken;

const SECRET_KEY = 'link_secret';

/** KEYPULSE_SECRET when set; otherwise a random secret generated once and kept in the database. */
export async function loadLinkSecret(db: Db, configured: string | null): Promise<string> {
  if (configured) return configured;
  await db
    .insert(settings)
    .values({ key: SECRET_KEY, value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing({ target: settings.key });
  const [row] = await db.select().from(settings).where(eq(settings.key, SECRET_KEY));
  return row!.value;
}
