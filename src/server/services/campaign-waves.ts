import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import { hashLinkToken } from '../auth/link-tokens.js';
import { decideEligibility } from '../domain/eligibility.js';
import { surveyLanguage } from '../../shared/i18n.js';
import { findAudienceCandidates, insertInvitations, type CampaignRow, type NewInvitation } from '../db/queries/campaigns.js';

const DAY = 86_400_000;

/**
 * Creates one wave of a campaign: resolves the audience now, decides who is asked (recording each skip
 * with its reason) and writes the invitations. Safe to run twice: invitations are unique per wave and contact.
 */
export async function createWave(
  db: Db,
  links: LinkTokens,
  campaign: Pick<CampaignRow, 'id' | 'audience' | 'expiresAfterDays'>,
  wave: number,
  options: { sendAt: Date; now: Date; minDaysBetweenSurveys: number; surveyLanguages: string[] },
): Promise<{ eligible: number; skipped: number }> {
  const candidates = await findAudienceCandidates(db, campaign.audience);
  const decisions = decideEligibility(candidates, {
    sendAt: options.sendAt,
    minDaysBetweenSurveys: options.minDaysBetweenSurveys,
  });
  const languages = new Map(candidates.map((c) => [c.contactId, c.language]));
  const expiresAt = new Date(options.sendAt.getTime() + campaign.expiresAfterDays * DAY);
  const rows: NewInvitation[] = decisions.map((decision) => {
    const id = randomUUID();
    return {
      id,
      decision,
      language: surveyLanguage(options.surveyLanguages, languages.get(decision.contactId) ?? 'en'),
      tokenHash: decision.eligible ? hashLinkToken(links.survey(id)) : null,
      unsubscribeTokenHash: decision.eligible ? hashLinkToken(links.unsubscribe(id)) : null,
      expiresAt: decision.eligible ? expiresAt : null,
    };
  });
  await insertInvitations(db, campaign.id, wave, rows, options.now);
  const eligible = decisions.filter((d) => d.eligible).length;
  return { eligible, skipped: decisions.length - eligible };
}
