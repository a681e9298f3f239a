import type { RecentSurvey, SkipReason } from '../../../shared/schemas/campaign.js';
import { formatDate } from '../format.js';
import type { z } from 'zod';

/** Why a person is not asked, in words (the new-campaign preview and the campaign page). */
export const skipReasonWords: Record<z.infer<typeof SkipReason>, string> = {
  unsubscribed: 'Unsubscribed',
  bounced: 'Email bounced before',
  archived_account: 'Account archived',
  recently_surveyed: 'Surveyed recently',
  duplicate_email: 'Same email as another contact',
  deleted_contact: 'Contact removed',
  erased: 'Personal data erased: this address is never surveyed again',
};

/** A skip reason in words, with the detail that makes it useful: "Surveyed recently by “Q1 NPS” on 2 Mar 2026; can be asked again from 1 Apr 2026". */
export function skipReasonText(reason: z.infer<typeof SkipReason>, recent?: RecentSurvey | null): string {
  if (reason === 'recently_surveyed' && recent) {
    return `Surveyed recently by “${recent.campaignName}” on ${formatDate(recent.askedAt)}; can be asked again from ${formatDate(recent.until)}`;
  }
  return skipReasonWords[reason];
}
