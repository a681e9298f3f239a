import type { SkipReason } from '../../../shared/schemas/campaign.js';
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
