import { eq, sql } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import { rowsOf } from '../db/rows.js';
import { settings } from '../db/schema/index.js';
import { dueWeeklySlot } from '../domain/report-schedule.js';
import { buildRiskReport } from './account-risk.js';
import { anyEndpointListens, recordCampaignFinished, recordRiskChanged } from '../integrations/webhook-events.js';
import { nudgeDeliveries } from '../integrations/delivery/engine.js';

/*
 * Webhook events that no single request causes (issue 15), found by the scheduler's sweep: `campaign.finished` and
 * `account.risk_changed`. Both are safe to run every minute and from overlapping sweeps (dedupe keys, a row lock).
 */

/** Campaigns finished in the last week are looked at; older ones were announced (or nobody listened) long ago. */
const FINISHED_LOOKBACK_DAYS = 7;

/**
 * `campaign.finished`: Keypulse has no "closed" transition for a live campaign (only imports arrive closed), so a
 * campaign is finished when its last wave is out (no next wave) and every invitation was answered or expired.
 * Announced once (dedupe key); a finished campaign whose event was written is not looked at again.
 */
export async function announceFinishedCampaigns(deps: AppDeps): Promise<number> {
  // Every minute: when nobody listens, the scan over campaigns and their invitations is not run at all.
  if (!(await anyEndpointListens(deps.db, 'campaign.finished'))) return 0;
  const now = deps.clock.now();
  const at = now.toISOString();
  const rows = rowsOf<{ id: string }>(
    await deps.db.execute(sql`
      select c.id from campaigns c
      where c.status = 'active' and c.next_wave_at is null
        and not exists (select 1 from outgoing_events e where e.dedupe_key = 'campaign.finished:' || c.id::text)
        and exists (
          select 1 from invitations i where i.campaign_id = c.id and i.status = 'sent'
          having bool_and(i.responded_at is not null or (i.expires_at is not null and i.expires_at <= ${at}::timestamptz))
            and max(greatest(i.responded_at, i.expires_at)) > ${at}::timestamptz - make_interval(days => ${FINISHED_LOOKBACK_DAYS})
        )
        and not exists (select 1 from invitations i where i.campaign_id = c.id and i.status = 'pending')
      limit 100`),
  );
  let written = 0;
  for (const row of rows) if (await recordCampaignFinished(deps.db, row.id, deps.config.publicUrl, now)) written++;
  if (written) await nudgeDeliveries(deps);
  return written;
}

/** Where the weekly risk run keeps the levels it saw (the next run compares with them); not an admin setting. */
const RISK_LEVELS_KEY = 'webhooks.risk_levels';
interface StoredLevels {
  week: string;
  levels: Record<string, string>;
}

/** A reason's words without a person's name (the decision-maker reason names them; the event holds no contact). */
function reasonForWebhook(reason: { code: string; text: string }) {
  return reason.code === 'decision_maker_silent'
    ? { code: reason.code, text: 'A decision maker has not answered the last two waves and was not touched lately' }
    : reason;
}

/**
 * `account.risk_changed`: accounts keep no stored risk level — it is computed on demand — so the weekly run (Monday
 * 07:00, as the risk report) compares each account's level with the level the previous weekly run saw, kept in one
 * settings row, and announces the accounts whose level differs. The first run only records the levels. The row is
 * locked while comparing, so two sweeps at once announce a change once (also its dedupe key: account and week).
 */
export async function announceRiskChanges(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const slot = dueWeeklySlot(now, deps.config.timeZone);
  if (!slot) return 0;
  const [stored] = await deps.db.select({ value: settings.value }).from(settings).where(eq(settings.key, RISK_LEVELS_KEY));
  const previous = stored ? (JSON.parse(stored.value) as StoredLevels) : null;
  if (previous?.week === slot.week) return 0;
  const report = await buildRiskReport(deps, { ownerId: null });
  const written = await deps.db.transaction(async (tx) => {
    await tx
      .insert(settings)
      .values({ key: RISK_LEVELS_KEY, value: JSON.stringify({ week: '', levels: {} }), updatedAt: now })
      .onConflictDoNothing();
    const [locked] = await tx.select({ value: settings.value }).from(settings).where(eq(settings.key, RISK_LEVELS_KEY)).for('update');
    const before = JSON.parse(locked!.value) as StoredLevels;
    if (before.week === slot.week) return 0;
    let count = 0;
    for (const account of report.accounts) {
      const from = before.levels[account.accountId];
      if (!from || from === account.level) continue;
      const id = await recordRiskChanged(
        tx,
        {
          accountId: account.accountId,
          from,
          to: account.level,
          reasons: account.reasons.map(reasonForWebhook),
          week: slot.week,
          dedupeKey: `account.risk_changed:${account.accountId}:${slot.week}`,
        },
        deps.config.publicUrl,
        now,
      );
      if (id) count++;
    }
    const levels = Object.fromEntries(report.accounts.map((a) => [a.accountId, a.level]));
    await tx
      .update(settings)
      .set({ value: JSON.stringify({ week: slot.week, levels } satisfies StoredLevels), updatedAt: now })
      .where(eq(settings.key, RISK_LEVELS_KEY));
    return count;
  });
  if (written) await nudgeDeliveries(deps);
  return written;
}
