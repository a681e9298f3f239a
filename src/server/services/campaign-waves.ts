import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import { hashLinkToken } from '../auth/link-tokens.js';
import { decideEligibility, type EligibilityDecision } from '../domain/eligibility.js';
import { surveyLanguage } from '../../shared/i18n.js';
import {
  findAudienceCandidates,
  insertInvitations,
  type AudienceMember,
  type CampaignRow,
  type NewInvitation,
} from '../db/queries/campaigns.js';

const DAY = 86_400_000;

/**
 * Who an audience reaches at `sendAt`: everyone it names, each with the decision (asked, or skipped and why).
 * The one place the audience is resolved and judged: a campaign's waves and the preview both call it, so the
 * preview shows exactly what creating the campaign would do. Reads only.
 */
export async function decideAudience(
  db: Db,
  audience: CampaignRow['audience'],
  options: { sendAt: Date; minDaysBetweenSurveys: number },
): Promise<{ member: AudienceMember; decision: EligibilityDecision }[]> {
  const candidates = await findAudienceCandidates(db, audience);
  const decisions = decideEligibility(candidates, options);
  return decisions.map((decision, i) => ({ member: candidates[i]!, decision }));
}

/**
 * Creates one wave of a campaign: resolves the audience now, decides who is asked (recording each skip
 * with its reason) and writes the invitations. Safe to run twice: invitations are unique per wave and contact.
 */
export async function createWave(
  db: Db,
  links: LinkTokens,
  campaign: Pick<CampaignRow, 'id' | 'audience' | 'expiresAfterDays'>,
  wave: number,
  options: {
    sendAt: Date;
    now: Date;
    minDaysBetweenSurveys: number;
    surveyLanguages: string[];
    /** The audience already decided in this transaction (`decideAudience`), so it is not resolved twice. */
    decided?: Awaited<ReturnType<typeof decideAudience>>;
  },
): Promise<{ eligible: number; skipped: number }> {
  const decided =
    options.decided ??
    (await decideAudience(db, campaign.audience, {
      sendAt: options.sendAt,
      minDaysBetweenSurveys: options.minDaysBetweenSurveys,
    }));
  const expiresAt = new Date(options.sendAt.getTime() + campaign.expiresAfterDays * DAY);
  const rows: NewInvitation[] = decided.map(({ member, decision }) => {
    const id = randomUUID();
    return {
      id,
      decision,
      language: surveyLanguage(options.surveyLanguages, member.language),
      tokenHash: decision.eligible ? hashLinkToken(links.survey(id)) : null,
      unsubscribeTokenHash: decision.eligible ? hashLinkToken(links.unsubscribe(id)) : null,
      expiresAt: decision.eligible ? expiresAt : null,
    };
  });
  await insertInvitations(db, campaign.id, wave, rows, options.now);
  const eligible = decided.filter((d) => d.decision.eligible).length;
  return { eligible, skipped: decided.length - eligible };
}
