import { and, eq, gt, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import { campaigns, contacts, invitations } from '../db/schema/index.js';
import { dueRepeatCampaigns, dueScheduledCampaigns } from '../db/queries/campaigns.js';
import { queueMessages, staleBatchKeys } from '../db/queries/messages.js';
import { getSurveyVersion } from '../db/queries/surveys.js';
import { nextWaveDate, reminderDue } from '../domain/eligibility.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { createWave } from '../services/campaign-waves.js';
import { evaluateFollowUps, responsesAwaitingFollowUp } from '../services/follow-up.js';
import { escalateOverdueTasks, sendTaskDigests } from '../services/task-notifications.js';
import { sendWeeklyRiskReport } from '../services/risk-report-emails.js';
import { scheduleRenewalAudits } from '../services/renewal-audits.js';
import { refreshSettings } from '../services/settings.js';
import { pruneAuditLog } from '../services/audit-retention.js';
import { pruneEmailBodies } from '../services/email-retention.js';
import { pruneRateLimits } from '../services/rate-limits.js';
import { DISPATCH_CAMPAIGN } from './dispatch-campaign.js';
import { SEND_EMAILS } from './send-emails.js';
import { sendDuePulses } from './send-pulses.js';
import { syncWhenDue } from '../services/crm-sync.js';
import { hasDueDeliveries, nudgeDeliveries } from '../integrations/delivery/engine.js';
import { announceFinishedCampaigns, announceRiskChanges } from '../services/webhook-sweeps.js';

export const SCHEDULER_TICK = 'scheduler-tick';
/**
 * A batch whose job was lost (a crash between queuing its emails and queuing their job) is queued again once its
 * emails sat this long untouched with no job: a few ticks after a restart, not fifteen minutes. It only has to be
 * longer than the gap between writing the emails and queuing the job.
 */
const STALE_BATCH_MS = 30_000;

/**
 * The periodic sweep (every minute): sends due pulses after events, starts scheduled campaigns, opens repeat waves, sends reminders,
 * re-queues email batches whose job was lost, follows up answers, escalates overdue tasks, launches pre-renewal
 * audits, sends the Monday Morning Report, prunes audit entries past their retention and rate-limit events past
 * every window. Every step is idempotent, so overlapping ticks are harmless.
 */
export async function schedulerTick(deps: AppDeps): Promise<void> {
  // Settings an admin saved in another process (the web app) reach this one's config here.
  await refreshSettings(deps.db, deps.config);
  await sendDuePulses(deps);
  await startDueCampaigns(deps);
  await openRepeatWaves(deps);
  await queueReminders(deps);
  await requeueStaleBatches(deps);
  await followUpResponses(deps);
  await escalateOverdueTasks(deps);
  await sendTaskDigests(deps);
  await scheduleRenewalAudits(deps);
  await sendWeeklyRiskReport(deps);
  await pruneAuditLog(deps);
  await pruneEmailBodies(deps);
  await pruneRateLimits(deps.db, deps.clock.now(), deps.config.loginThrottle.windowMs);
  // HubSpot: a sync every `syncEveryMinutes`, and a run whose worker died resumed from its cursor.
  await syncWhenDue(deps);
  await announceFinishedCampaigns(deps);
  await announceRiskChanges(deps);
  // Webhook retries come due with time, and a nudge after a commit can be lost: the tick queues the delivery job.
  if (await hasDueDeliveries(deps.db, deps.clock.now())) await nudgeDeliveries(deps);
}

/** Completed responses the request path could not evaluate, and partial ones idle for a day. */
async function followUpResponses(deps: AppDeps) {
  for (const id of await responsesAwaitingFollowUp(deps.db, deps.clock.now())) await evaluateFollowUps(deps, id);
}

async function startDueCampaigns({ db, clock, jobs }: AppDeps) {
  for (const campaign of await dueScheduledCampaigns(db, clock.now())) {
    await jobs.enqueue(DISPATCH_CAMPAIGN, { campaignId: campaign.id, wave: campaign.wave }, { singletonKey: `${campaign.id}:${campaign.wave}` });
  }
}

async function openRepeatWaves(deps: AppDeps) {
  const { db, clock, jobs, links, config } = deps;
  for (const campaign of await dueRepeatCampaigns(db, clock.now())) {
    const version = await getSurveyVersion(db, campaign.surveyVersionId);
    const wave = campaign.wave + 1;
    const sendAt = campaign.nextWaveAt!;
    // Claim the wave and write its invitations in one transaction: of two overlapping ticks only one advances
    // the campaign, and a crash half-way leaves the wave unclaimed for the next tick.
    const opened = await db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(campaigns)
        .set({ wave, nextWaveAt: nextWaveDate(campaign.sendAt, campaign.repeat, wave), updatedAt: clock.now() })
        .where(and(eq(campaigns.id, campaign.id), eq(campaigns.wave, campaign.wave)))
        .returning();
      if (!claimed) return false;
      await createWave(tx, links, campaign, wave, {
        sendAt,
        now: clock.now(),
        minDaysBetweenSurveys: config.minDaysBetweenSurveys,
        surveyLanguages: surveyLanguages(version!.definition),
      });
      return true;
    });
    if (!opened) continue;
    await jobs.enqueue(DISPATCH_CAMPAIGN, { campaignId: campaign.id, wave }, { singletonKey: `${campaign.id}:${wave}` });
  }
}

async function queueReminders({ db, clock, jobs }: AppDeps) {
  const now = clock.now();
  const candidates = await db
    .select({
      invitationId: invitations.id,
      campaignId: invitations.campaignId,
      toAddress: invitations.email,
      lastSentAt: invitations.lastSentAt,
      remindersSent: invitations.remindersSent,
      expiresAt: invitations.expiresAt,
      respondedAt: invitations.respondedAt,
      afterDays: campaigns.reminderAfterDays,
      max: campaigns.reminderMax,
    })
    .from(invitations)
    .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
    .innerJoin(contacts, eq(contacts.id, invitations.contactId))
    .where(
      and(
        eq(invitations.status, 'sent'),
        isNull(invitations.respondedAt),
        isNotNull(campaigns.reminderAfterDays),
        lt(invitations.remindersSent, campaigns.reminderMax),
        gt(invitations.expiresAt, now),
        inArray(campaigns.status, ['active', 'sending']),
        eq(contacts.unsubscribed, false),
        eq(contacts.bounced, false),
        isNull(contacts.erasedAt),
        sql`${invitations.lastSentAt} <= ${now.toISOString()}::timestamptz - make_interval(days => ${campaigns.reminderAfterDays}::int)`,
      ),
    )
    .limit(10_000);
  const due = candidates.filter((c) => reminderDue(c, { afterDays: c.afterDays, max: c.max }, now));
  const sequence = new Map(due.map((c) => [c.invitationId, c.remindersSent + 1]));
  const batchKeys = await queueMessages(db, due, 'reminder', (id) => sequence.get(id)!, now);
  await jobs.enqueueMany(SEND_EMAILS, batchKeys.map((batchKey) => ({ data: { batchKey }, singletonKey: batchKey })));
}

/**
 * Only batches with no job waiting, retrying or running: a batch in a long queue, waiting out a provider's 429 or
 * claimed by a worker that died (its lease runs out, queue.ts) already has one. A second job next to a running one
 * is worse than useless: pg-boss could not start it, and that failed start would hold up the jobs behind it.
 */
async function requeueStaleBatches({ db, clock, jobs }: AppDeps) {
  const stale = await staleBatchKeys(db, new Date(clock.now().getTime() - STALE_BATCH_MS));
  if (!stale.length) return;
  const lost = await jobs.keysWithoutLiveJob(SEND_EMAILS, stale);
  await jobs.enqueueMany(SEND_EMAILS, lost.map((batchKey) => ({ data: { batchKey }, singletonKey: batchKey })));
}


