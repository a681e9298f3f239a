import { createHmac } from 'node:crypto';
import { hashToken } from './tokens.js';

/**
 * Survey and unsubscribe links carry 256-bit tokens derived from a server secret and the invitation id.
 * Deriving (instead of storing) them means the database holds only their hashes, yet a retried or
 * reminder email can carry the same link and the same bytes — which keeps provider idempotency intact.
 * The secret comes from loadLinkSecret (link-secret.ts).
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
