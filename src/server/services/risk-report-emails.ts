import { and, eq, or, sql } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import { accounts, users } from '../db/schema/index.js';
import { queuedReportKeys, queueReportEmails } from '../db/queries/report-emails.js';
import { dueWeeklySlot } from '../domain/report-schedule.js';
import { renderRiskReport } from '../email/risk-report-template.js';
import { buildRiskReport } from './account-risk.js';
import { dispatch } from './task-notifications.js';
import { queueRiskSummaries } from './chat-alerts.js';

/**
 * The Monday Morning Report by email: executives get the whole portfolio, each account manager their own
 * accounts. One email per recipient and edition, guaranteed by the unique report key on messages.
 */

/** Who gets an edition: active executives, and active managers who own at least one account in the report. */
async function reportRecipients(deps: Pick<AppDeps, 'db'>) {
  const ownsReportedAccounts = sql`exists (select 1 from ${accounts} a where a.owner_id = ${users.id}
    and not a.archived and a.stage in ('key_account', 'customer'))`;
  return deps.db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(
      and(
        eq(users.disabled, false),
        or(eq(users.role, 'executive'), and(eq(users.role, 'account_manager'), ownsReportedAccounts)),
      ),
    );
}

/**
 * Queues one edition of the report for every recipient who has not had it yet. `keyPrefix` names the edition
 * (`risk:2026-W10`); the report itself is built once, and only when someone still needs it, so the sweep that
 * calls this every minute costs two indexed lookups once the week's emails are out.
 */
export async function queueRiskReportEdition(
  deps: AppDeps,
  edition: { keyPrefix: string; weekOf: string | null },
): Promise<number> {
  // Slack and Teams channels get the edition's summary, each audience once (its own dedupe keys). A failure there
  // must not hold the emails back; the next sweep tries the summaries again.
  await queueRiskSummaries(deps, { edition: edition.keyPrefix.replace(/^risk:/, ''), weekOf: edition.weekOf }).catch((error) =>
    deps.logger.warn('could not queue the risk summary for chat channels', { error: String(error) }),
  );
  const recipients = await reportRecipients(deps);
  const keyOf = (userId: string) => `${edition.keyPrefix}:${userId}`;
  const done = await queuedReportKeys(deps.db, recipients.map((r) => keyOf(r.id)));
  const pending = recipients.filter((r) => !done.has(keyOf(r.id)));
  if (!pending.length) return 0;

  const report = await buildRiskReport(deps, { ownerId: null });
  const reportUrl = `${deps.config.publicUrl}/api/reports/risk`;
  const emails = pending.flatMap((recipient) => {
    const portfolio = recipient.role === 'executive';
    const mine = portfolio ? report.accounts : report.accounts.filter((a) => a.owner.id === recipient.id);
    if (!mine.length && !portfolio) return []; // their last account was archived a moment ago
    const content = renderRiskReport({
      recipientName: recipient.name,
      scope: portfolio ? 'portfolio' : 'own',
      weekOf: edition.weekOf,
      accounts: mine,
      reportUrl,
    });
    return [{ reportKey: keyOf(recipient.id), to: recipient.email, ...content }];
  });
  const { queued, batchKeys } = await queueReportEmails(deps.db, emails, deps.clock.now());
  // Committed, then handed to the sender; a lost hand-over is picked up by the sweep's stale-batch step.
  await dispatch(deps, batchKeys);
  return queued;
}

/**
 * The scheduler's step: from Monday 07:00 in KEYPULSE_TIMEZONE (and for a day after, should the server have been
 * down at that moment), queue this week's edition. Safe to call every minute and from overlapping sweeps.
 */
export async function sendWeeklyRiskReport(deps: AppDeps): Promise<number> {
  const slot = dueWeeklySlot(deps.clock.now(), deps.config.timeZone);
  if (!slot) return 0;
  return queueRiskReportEdition(deps, { keyPrefix: `risk:${slot.week}`, weekOf: slot.monday });
}

/** Sends the report now, outside the schedule (admin): a fresh edition key each time, so each call sends. */
export async function sendRiskReportNow(deps: AppDeps, requestId: string): Promise<number> {
  return queueRiskReportEdition(deps, { keyPrefix: `risk:now:${deps.clock.now().toISOString()}:${requestId}`, weekOf: null });
}
