import { and, eq, sql } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import { hashLinkToken } from '../auth/link-tokens.js';
import { findInvitationByUnsubscribeHash } from '../db/queries/responses.js';
import { contacts } from '../db/schema/index.js';
import { recordContactUnsubscribed } from '../integrations/webhook-events.js';
import { nudgeDeliveries } from '../integrations/delivery/engine.js';

export interface UnsubscribeTarget {
  email: string;
  language: string;
  unsubscribed: boolean;
}

/** Unsubscribe links stay valid after the survey expires: stopping email must always work. */
export async function findUnsubscribeTarget(deps: AppDeps, token: string): Promise<UnsubscribeTarget | null> {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const found = await findInvitationByUnsubscribeHash(deps.db, hashLinkToken(token));
  if (!found) return null;
  return { email: found.contact.email, language: found.invitation.language, unsubscribed: found.contact.unsubscribed };
}

/** Marks the contact unsubscribed; repeating it changes nothing. */
export async function unsubscribeByToken(deps: AppDeps, token: string): Promise<UnsubscribeTarget | null> {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const found = await findInvitationByUnsubscribeHash(deps.db, hashLinkToken(token));
  if (!found) return null;
  // The person asked to stop: every contact record with their address, in any account.
  const now = deps.clock.now();
  const announced = await deps.db.transaction(async (tx) => {
    const changed = await tx
      .update(contacts)
      .set({ unsubscribed: true, updatedAt: now })
      .where(and(sql`lower(${contacts.email}) = ${found.contact.email.toLowerCase()}`, eq(contacts.unsubscribed, false)))
      .returning({ id: contacts.id });
    // Webhooks hear it with the change, once per contact record.
    let events = 0;
    for (const c of changed) if (await recordContactUnsubscribed(tx, c.id, deps.config.publicUrl, now)) events++;
    return events;
  });
  if (announced) await nudgeDeliveries(deps);
  return { email: found.contact.email, language: found.invitation.language, unsubscribed: true };
}
