import type { AppDeps } from '../http/context.js';
import { hashLinkToken } from '../auth/link-tokens.js';
import {
  findInvitationByTokenHash,
  getSurveyVersionWithKind,
  saveResponseAnswers,
  type SavedResponse,
} from '../db/queries/responses.js';
import type { Db } from '../db/client.js';
import { evaluateFollowUps } from './follow-up.js';
import { checkAnswers, mergeAnswers } from '../../shared/answers.js';
import type { Answers, SurveyDefinition, SurveyKind } from '../../shared/schemas/survey.js';

/** An open survey link: everything the survey page shows and saves against. */
export interface SurveyLink {
  invitationId: string;
  campaignId: string;
  surveyId: string;
  surveyVersionId: string;
  accountId: string;
  contactId: string;
  language: string;
  surveyKind: SurveyKind;
  definition: SurveyDefinition;
  expiresAt: Date | null;
  response: SavedResponse | null;
}

/**
 * Survey versions that a campaign has used never change (an edit creates a new version), so their
 * definitions can be kept in memory: the answer path then needs one query to read and one to write.
 */
const versionCache = new Map<string, { definition: SurveyDefinition; kind: SurveyKind }>();
async function surveyVersion(db: Db, versionId: string) {
  let found = versionCache.get(versionId);
  if (!found) {
    found = await getSurveyVersionWithKind(db, versionId);
    if (!found) return undefined;
    if (versionCache.size > 1000) versionCache.delete(versionCache.keys().next().value!);
    versionCache.set(versionId, found);
  }
  return found;
}

/**
 * Resolves a survey token. Unknown, expired and closed links all come back as null, after the same single
 * indexed lookup, so a caller cannot tell which — nor learn anything about the survey or the person.
 */
export async function openSurveyLink(deps: AppDeps, token: string): Promise<SurveyLink | null> {
  const wellFormed = /^[\w-]{20,100}$/.test(token);
  const found = await findInvitationByTokenHash(deps.db, hashLinkToken(wellFormed ? token : 'x'.repeat(43)));
  if (!wellFormed || !found) return null;
  const now = deps.clock.now();
  const { invitation, campaign } = found;
  if (campaign.status === 'cancelled' || campaign.status === 'closed') return null;
  if (invitation.status !== 'sent' && invitation.status !== 'pending') return null;
  if (invitation.expiresAt && invitation.expiresAt <= now) return null;
  const version = await surveyVersion(deps.db, campaign.surveyVersionId);
  if (!version) return null;
  return {
    invitationId: invitation.id,
    campaignId: campaign.id,
    surveyId: campaign.surveyId,
    surveyVersionId: campaign.surveyVersionId,
    accountId: invitation.accountId,
    contactId: invitation.contactId,
    language: invitation.language,
    surveyKind: version.kind,
    definition: version.definition,
    expiresAt: invitation.expiresAt,
    response: found.response?.updatedAt ? (found.response as SavedResponse) : null,
  };
}

export type SaveResult = { ok: true; response: SavedResponse } | { ok: false; errors: Record<string, string> };

/**
 * Saves answers as the respondent goes. Partial saves merge into what was saved before (a null clears an
 * answer); `complete` checks the whole survey. Invalid input writes nothing and returns messages in the
 * respondent's language.
 */
export async function saveSurveyAnswers(
  deps: AppDeps,
  link: SurveyLink,
  input: { answers: Answers; complete: boolean },
): Promise<SaveResult> {
  const lang = link.language;
  const checked = checkAnswers(link.definition, input.answers, { complete: false, lang });
  if (Object.keys(checked.errors).length) return { ok: false, errors: checked.errors };
  if (input.complete) {
    const whole = checkAnswers(link.definition, mergeAnswers(link.response?.answers ?? {}, checked.answers), { complete: true, lang });
    if (Object.keys(whole.errors).length) return { ok: false, errors: whole.errors };
  }
  const given = Object.entries(checked.answers);
  const response = await saveResponseAnswers(
    deps.db,
    {
      invitationId: link.invitationId,
      campaignId: link.campaignId,
      surveyId: link.surveyId,
      surveyVersionId: link.surveyVersionId,
      accountId: link.accountId,
      contactId: link.contactId,
      language: lang,
    },
    {
      answers: Object.fromEntries(given.filter(([, v]) => v !== null)),
      cleared: given.filter(([, v]) => v === null).map(([k]) => k),
      npsKey: link.definition.questions.find((q) => q.kind === 'nps')?.key ?? null,
      complete: input.complete,
      now: deps.clock.now(),
    },
  );
  if (input.complete) {
    // Worrying answers become tasks now; should this fail, the scheduler's sweep picks the response up.
    await evaluateFollowUps(deps, response.id).catch((error) =>
      deps.logger.error('follow-up rules failed; the scheduler will retry', { responseId: response.id, error: String(error) }),
    );
  }
  return { ok: true, response };
}
