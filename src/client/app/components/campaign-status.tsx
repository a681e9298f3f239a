import { humanize } from '../format.js';
import type { Campaign } from '../../../shared/schemas/campaign.js';

/** A campaign's status as a word in a badge (styled per status in app-campaigns.css). */
export function CampaignStatusBadge({ status }: { status: Campaign['status'] }) {
  return <span class={`badge campaign-status status-${status}`}>{humanize(status)}</span>;
}
