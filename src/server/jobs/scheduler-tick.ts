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
import { DISPATCH_CAMPAIGN } from './dispatch-campaign.js';
import { SEND_EMAILS } from './send-emails.js';

export const SCHEDULER_TICK = 'scheduler-tick';
const STALE_BATCH_MS = 15 * 60_000;

/**
 * The periodic sweep (every minute): starts scheduled campaigns, opens repeat waves, sends reminders,
 * re-queues email batches whose job was lost, follows up answers, escalates overdue tasks, launches pre-renewal
 * audits and sends the Monday Morning Report. Every step is idempotent, so overlapping ticks are harmless.
 */
export async function schedulerTick(deps: AppDeps): Promise<void> {
  // Settings an admin saved in another process (the web app) reach this one's config here.
  await refreshSettings(deps.db, deps.config);
  await startDueCampaigns(deps);
  await openRepeatWaves(deps);
  await queueReminders(deps);
  await requeueStaleBatches(deps);
  await followUpResponses(deps);
  await escalateOverdueTasks(deps);
  await sendTaskDigests(deps);
  await scheduleRenewalAudits(deps);
  await sendWeeklyRiskReport(deps);
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
        sql`${invitations.lastSentAt} <= ${now.toISOString()}::timestamptz - make_interval(days => ${campaigns.reminderAfterDays}::int)`,
      ),
    )
    .limit(10_000);
  const due = candidates.filter((c) => reminderDue(c, { afterDays: c.afterDays, max: c.max }, now));
  const sequence = new Map(due.map((c) => [c.invitationId, c.remindersSent + 1]));
  const batchKeys = await queueMessages(db, due, 'reminder', (id) => sequence.get(id)!, now);
  await jobs.enqueueMany(SEND_EMAILS, batchKeys.map((batchKey) => ({ data: { batchKey }, singletonKey: batchKey })));
}

async function requeueStaleBatches({ db, clock, jobs }: AppDeps) {
  const keys = await staleBatchKeys(db, new Date(clock.now().getTime() - STALE_BATCH_MS));
  await jobs.enqueueMany(SEND_EMAILS, keys.map((batchKey) => ({ data: { batchKey }, singletonKey: batchKey })));
}


