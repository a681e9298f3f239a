import type { AppDeps } from '../http/context.js';
import type { Db } from '../db/client.js';
import { clearEmailBodies } from '../db/queries/email-bodies.js';

const DAY = 86_400_000;
const BATCH = 5_000;
/** How far back each later sweep looks: an email queued across the retention limit is still caught once sent. */
const LOOK_BACK_MS = 2 * DAY;

/**
 * Where each database's previous sweep (in this process) stopped. Pruned rows stay in the table, so a sweep
 * over everything older than the limit would walk the whole history every minute; after the first sweep of a
 * process, each one looks only at the emails that crossed the limit since.
 */
const sweptUpTo = new WeakMap<Db, Date>();

/**
 * KEYPULSE_EMAIL_BODY_RETENTION_DAYS (scheduler sweep): the stored bodies of emails older than that many days are
 * deleted, their record (to, subject, status, dates) kept. Unset: bodies are kept. Returns how many were cleared.
 */
export async function pruneEmailBodies({ db, config, clock }: AppDeps): Promise<number> {
  const days = config.emailBodyRetentionDays;
  if (!days) return 0;
  const before = new Date(clock.now().getTime() - days * DAY);
  const last = sweptUpTo.get(db);
  const since = last ? new Date(Math.min(last.getTime(), before.getTime()) - LOOK_BACK_MS) : null;
  let total = 0;
  for (;;) {
    const cleared = await clearEmailBodies(db, { before, since }, BATCH);
    total += cleared;
    if (cleared < BATCH) break;
  }
  sweptUpTo.set(db, before);
  return total;
}
