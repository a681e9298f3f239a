import { and, gte, inArray, isNotNull, lt, ne, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { messages } from '../schema/index.js';

/**
 * Deletes the stored bodies (HTML and text) of up to `limit` emails created before `before` (and, when given,
 * not before `since`); subject, address, status and dates stay. Emails still queued keep theirs: notifications
 * are sent as stored. Returns how many emails lost their bodies.
 */
export async function clearEmailBodies(db: Db, range: { before: Date; since: Date | null }, limit: number): Promise<number> {
  const due = db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        lt(messages.createdAt, range.before),
        range.since ? gte(messages.createdAt, range.since) : undefined,
        ne(messages.status, 'queued'),
        or(isNotNull(messages.html), isNotNull(messages.text)),
      ),
    )
    .limit(limit);
  const cleared = await db.update(messages).set({ html: null, text: null }).where(inArray(messages.id, due)).returning({ id: messages.id });
  return cleared.length;
}
