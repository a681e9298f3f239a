import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import { accounts, campaigns, pulseEventTypes, pulses } from '../db/schema/index.js';
import { duePulses, type PulseRow } from '../db/queries/pulses.js';
import { getSurveyWithVersion, type SurveyWithVersion } from '../db/queries/surveys.js';
import { createWave, decideAudience } from '../services/campaign-waves.js';
import { pulseCampaignName } from '../domain/pulses.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { DISPATCH_CAMPAIGN } from './dispatch-campaign.js';

/** A pulse's survey link stays open this long, with one reminder after this many days. */
const PULSE_EXPIRES_AFTER_DAYS = 14;
const PULSE_REMINDER_AFTER_DAYS = 3;

/**
 * The scheduler's pulse step: every scheduled pulse whose send time has come becomes a one-contact campaign — so
 * unsubscribes, bounces, the frequency window across all campaigns, one-click answers, reminders and follow-up rules
 * work as for any campaign — or is skipped with the reason eligibility gives (unsubscribed, bounced, recently
 * surveyed …), or is cancelled when its event type was switched off meanwhile.
 *
 * Exactly once, however many processes sweep at the same time: each pulse is claimed by moving it out of `scheduled`
 * in the transaction that writes its campaign (`update … where status = 'scheduled' returning`); a second sweep waits
 * on the row and then finds nothing to claim, and a crash half-way leaves the pulse scheduled for the next sweep.
 */
export async function sendDuePulses(deps: AppDeps): Promise<number> {
  let sent = 0;
  const due = await duePulses(deps.db, deps.clock.now());
  if (!due.length) return 0;
  // The event types' surveys with their latest versions, read once per sweep (before any transaction: the embedded
  // database has one connection, which a transaction holds).
  const surveys = new Map<string, SurveyWithVersion | undefined>();
  for (const type of await deps.db.select({ surveyId: pulseEventTypes.surveyId }).from(pulseEventTypes)) {
    if (!surveys.has(type.surveyId)) surveys.set(type.surveyId, await getSurveyWithVersion(deps.db, type.surveyId));
  }
  for (const pulse of due) {
    const campaignId = await sendPulse(deps, pulse, (id) => surveys.get(id));
    if (!campaignId) continue;
    sent++;
    // Committed first, then queued: if queuing fails, the scheduler's next sweep starts the campaign anyway.
    await deps.jobs
      .enqueue(DISPATCH_CAMPAIGN, { campaignId, wave: 1 }, { singletonKey: `${campaignId}:1` })
      .catch((error) => deps.logger.warn('could not queue a pulse campaign; the scheduler will', { error: String(error) }));
  }
  return sent;
}

/** Sends one due pulse; returns its new campaign's id, or null when it was skipped, cancelled or already taken. */
async function sendPulse(
  { db, clock, links, config }: AppDeps,
  pulse: PulseRow,
  surveyOf: (id: string) => SurveyWithVersion | undefined,
): Promise<string | null> {
  const now = clock.now();
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(pulses)
      .set({ status: 'sent' })
      .where(and(eq(pulses.id, pulse.id), eq(pulses.status, 'scheduled')))
      .returning();
    if (!claimed) return null;
    const [type] = await tx.select().from(pulseEventTypes).where(eq(pulseEventTypes.id, pulse.eventTypeId));
    const survey = type && surveyOf(type.surveyId);
    if (!type || !type.enabled || !survey || survey.survey.archived) {
      await tx.update(pulses).set({ status: 'cancelled' }).where(eq(pulses.id, pulse.id));
      return null;
    }
    const audience = { accountIds: [], contactIds: [pulse.contactId], levels: [], buyingRoles: [] };
    const [decided] = await decideAudience(tx, audience, { sendAt: now, minDaysBetweenSurveys: config.minDaysBetweenSurveys });
    if (!decided || !decided.decision.eligible) {
      const reason = decided && !decided.decision.eligible ? decided.decision.reason : 'deleted_contact';
      await tx.update(pulses).set({ status: 'skipped', skipReason: reason }).where(eq(pulses.id, pulse.id));
      return null;
    }
    // The pulse's poster made the campaign; when that user is gone, the account's owner stands in.
    const [account] = await tx.select({ ownerId: accounts.ownerId }).from(accounts).where(eq(accounts.id, pulse.accountId));
    const [campaign] = await tx
      .insert(campaigns)
      .values({
        name: pulseCampaignName(type.key, pulse.reference),
        surveyId: survey.survey.id,
        surveyVersionId: survey.version.id,
        createdBy: pulse.createdBy ?? account!.ownerId,
        audience,
        status: 'scheduled',
        sendAt: now,
        reminderAfterDays: PULSE_REMINDER_AFTER_DAYS,
        reminderMax: 1,
        expiresAfterDays: PULSE_EXPIRES_AFTER_DAYS,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await createWave(tx, links, campaign!, 1, {
      sendAt: now,
      now,
      minDaysBetweenSurveys: config.minDaysBetweenSurveys,
      surveyLanguages: surveyLanguages(survey.version.definition),
      decided: [decided],
    });
    await tx.update(pulses).set({ campaignId: campaign!.id }).where(eq(pulses.id, pulse.id));
    return campaign!.id;
  });
}
