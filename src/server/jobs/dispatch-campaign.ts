import { and, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import { campaigns } from '../db/schema/index.js';
import { getCampaign } from '../db/queries/campaigns.js';
import { queueInvitationEmails } from '../db/queries/messages.js';
import { SEND_EMAILS } from './send-emails.js';

export const DISPATCH_CAMPAIGN = 'dispatch-campaign';
export interface DispatchCampaignData {
  campaignId: string;
  wave: number;
}

/**
 * Turns a wave's pending invitations into queued emails, in batches, and hands each batch to the sender.
 * Safe to repeat: invitations that already have their email are left alone.
 */
export async function dispatchCampaign(deps: AppDeps, data: DispatchCampaignData): Promise<void> {
  const { db, clock, jobs } = deps;
  const campaign = await getCampaign(db, data.campaignId);
  if (!campaign || campaign.status === 'cancelled' || campaign.status === 'closed') return;
  if (campaign.sendAt > clock.now() && data.wave === 1) return; // not yet: the scheduler comes back for it

  await db
    .update(campaigns)
    .set({ status: 'sending', updatedAt: clock.now() })
    .where(and(eq(campaigns.id, campaign.id), inArray(campaigns.status, ['scheduled', 'active'])));

  const batchKeys = await queueInvitationEmails(db, campaign.id, data.wave, clock.now());
  await jobs.enqueueMany(SEND_EMAILS, batchKeys.map((batchKey) => ({ data: { batchKey }, singletonKey: batchKey })));

  await db
    .update(campaigns)
    .set({ status: 'active', updatedAt: clock.now() })
    .where(and(eq(campaigns.id, campaign.id), eq(campaigns.status, 'sending')));
}
