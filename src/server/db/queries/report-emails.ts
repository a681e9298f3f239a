import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { messages } from '../schema/index.js';
import { storedNotification } from './messages.js';

/**
 * Scheduled report emails (the Monday Morning Report). They are notifications — rendered when queued and sent
 * as stored by jobs/send-emails.ts — that belong to no task; what keeps each one single is its report key, unique
 * in `messages.report_key` (`risk:2026-W10:<userId>`: one per recipient and edition).
 */

const BATCH = 100;

export interface NewReportEmail {
  reportKey: string;
  /** What the email is; the Monday Morning Report unless said otherwise. */
  purpose?: 'risk_report' | 'task_digest';
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** Which of these report keys were already queued (an index lookup on the unique report key). */
export async function queuedReportKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db.select({ key: messages.reportKey }).from(messages).where(inArray(messages.reportKey, keys));
  return new Set(rows.map((r) => r.key!));
}

/**
 * Queues report emails in batches of ≤ 100 under fresh batch keys. A key queued before (by an overlapping sweep)
 * is skipped by the unique index, not sent twice. Returns how many were queued and the batches to hand the sender.
 */
export async function queueReportEmails(db: Db, emails: NewReportEmail[], now: Date): Promise<{ queued: number; batchKeys: string[] }> {
  let queued = 0;
  const batchKeys: string[] = [];
  for (let i = 0; i < emails.length; i += BATCH) {
    const batchKey = randomUUID();
    const inserted = await db
      .insert(messages)
      .values(
        emails.slice(i, i + BATCH).map((e) => storedNotification({ ...e, purpose: e.purpose ?? 'risk_report', batchKey }, now)),
      )
      .onConflictDoNothing()
      .returning({ id: messages.id });
    queued += inserted.length;
    if (inserted.length) batchKeys.push(batchKey);
  }
  return { queued, batchKeys };
}
