import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import { accounts, campaigns, contacts, surveys, surveyVersions } from '../db/schema/index.js';
import type { CampaignAudience } from '../db/schema/index.js';
import { instantAt, wallClockIn } from '../domain/business-days.js';
import { findAudienceCandidates } from '../db/queries/campaigns.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { createWave } from './campaign-waves.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import { DISPATCH_CAMPAIGN } from '../jobs/dispatch-campaign.js';

/**
 * Key accounts are asked at the right time: KEYPULSE_RENEWAL_AUDIT_DAYS before a key account's renewal date (120 by
 * default, 0 turns it off) the scheduler launches the key-account audit to that account's contacts at all three
 * levels, in the name of the account owner, with one reminder. It is sent at once — or, when the contacts were
 * surveyed lately, as soon as KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS allows asking them again (never after the renewal).
 *
 * Once per renewal: the campaign records the account and the renewal date it was launched for, unique together
 * (campaigns_renewal_audit_idx), so overlapping sweeps create one campaign, and a renewal moved to a new date
 * (the contract was renewed) gets its own audit when that date comes near.
 */

/** The reminder every pre-renewal audit carries: a week after the invitation, once. */
export const RENEWAL_AUDIT_REMINDER = { afterDays: 7, max: 1 } as const;
/** Accounts handled per sweep; the rest follow a minute later. */
const PER_SWEEP = 100;
const DAY = 86_400_000;

const allLevels: CampaignAudience['levels'] = ['instigator', 'influencer', 'implementer'];
const dateParts = (ymd: string) => {
  const [year, month, day] = ymd.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

/** Creates the audits that are due; returns how many campaigns were created. */
export async function scheduleRenewalAudits(deps: AppDeps): Promise<number> {
  const { db, clock, config, links, jobs, logger } = deps;
  const days = config.renewalAuditDays;
  if (days <= 0) return 0;
  const now = clock.now();
  // Renewal dates are calendar dates: compare them with today's date on the company's calendar.
  const today = wallClockIn(now, config.timeZone);
  const from = new Date(Date.UTC(today.year, today.month - 1, today.day));
  const until = new Date(from.getTime() + days * DAY);
  const ymd = (d: Date) => d.toISOString().slice(0, 10);

  const due = await db
    .select({ id: accounts.id, name: accounts.name, ownerId: accounts.ownerId, renewalDate: accounts.renewalDate })
    .from(accounts)
    .where(
      and(
        eq(accounts.stage, 'key_account'),
        eq(accounts.archived, false),
        gte(accounts.renewalDate, ymd(from)),
        lte(accounts.renewalDate, ymd(until)),
        sql`not exists (select 1 from ${campaigns} c where c.renewal_account_id = ${accounts.id} and c.renewal_date = ${accounts.renewalDate})`,
        // Nobody to ask yet: wait (and keep the renewal open) until contacts are added.
        sql`exists (select 1 from ${contacts} k where k.account_id = ${accounts.id} and k.deleted_at is null)`,
      ),
    )
    .orderBy(accounts.renewalDate, accounts.id)
    .limit(PER_SWEEP);
  if (!due.length) return 0;

  const [survey] = await db.select().from(surveys).where(eq(surveys.templateKey, 'audit'));
  if (!survey) throw new Error('the built-in audit survey is missing');
  const [version] = await db
    .select()
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, survey.id))
    .orderBy(desc(surveyVersions.version))
    .limit(1);
  const languages = surveyLanguages(version!.definition);

  const created: { id: string; sendAt: Date }[] = [];
  for (const account of due) {
    const audience: CampaignAudience = { accountIds: [account.id], contactIds: [], levels: allLevels, buyingRoles: [] };
    const campaign = await db.transaction(async (tx) => {
      // Contacts surveyed lately (an NPS wave last week) would all be skipped as "recently surveyed", and this
      // renewal's audit is created only once: send it when they may be asked again, still before the renewal.
      const candidates = await findAudienceCandidates(tx, audience);
      const askable = candidates.filter((c) => !c.deleted && !c.unsubscribed && !c.bounced && c.lastInvitedAt);
      const lastAsked = Math.max(0, ...askable.map((c) => c.lastInvitedAt!.getTime()));
      const renewal = instantAt(dateParts(account.renewalDate!), config.timeZone).getTime();
      const sendAt = new Date(Math.max(now.getTime(), Math.min(lastAsked + config.minDaysBetweenSurveys * DAY, renewal)));
      const [row] = await tx
        .insert(campaigns)
        .values({
          name: `Pre-renewal audit: ${account.name} (renewal ${account.renewalDate})`,
          surveyId: survey.id,
          surveyVersionId: version!.id,
          createdBy: account.ownerId,
          audience,
          status: 'scheduled',
          sendAt,
          reminderAfterDays: RENEWAL_AUDIT_REMINDER.afterDays,
          reminderMax: RENEWAL_AUDIT_REMINDER.max,
          renewalAccountId: account.id,
          renewalDate: account.renewalDate,
          createdAt: now,
          updatedAt: now,
        })
        // Another sweep got there first: its campaign stands, this one is not created.
        .onConflictDoNothing()
        .returning();
      if (!row) return null;
      await createWave(tx, links, row, 1, {
        sendAt,
        now,
        minDaysBetweenSurveys: config.minDaysBetweenSurveys,
        surveyLanguages: languages,
      });
      await insertAuditEntry(tx, {
        at: now,
        action: 'campaign.launched',
        via: 'system',
        targetType: 'campaign',
        targetId: row.id,
        details: { name: row.name, surveyId: survey.id, sendAt: sendAt.toISOString(), renewalOf: account.id },
      });
      return row;
    });
    if (campaign) created.push(campaign);
  }
  // Committed first, then queued: a failed hand-over (or a later send time) is the scheduled-campaign step's.
  for (const { id } of created.filter((c) => c.sendAt <= now)) {
    await jobs
      .enqueue(DISPATCH_CAMPAIGN, { campaignId: id, wave: 1 }, { singletonKey: `${id}:1` })
      .catch((error) => logger.warn('could not queue the pre-renewal audit; the scheduler will', { campaignId: id, error: String(error) }));
  }
  if (created.length) logger.info('pre-renewal audits launched', { campaigns: created.length });
  return created.length;
}
