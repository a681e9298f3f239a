import type { AppDeps } from '../http/context.js';
import { hashLinkToken } from '../auth/link-tokens.js';
import {
  findInvitationByTokenHash,
  getResponseByInvitation,
  saveResponse,
  type ResponseRow,
} from '../db/queries/responses.js';
import { checkAnswers, mergeAnswers, npsScoreOf } from '../../shared/answers.js';
import type { Answers, SurveyDefinition, SurveyKind } from '../../shared/schemas/survey.js';

/** An open survey link: everything the survey page shows and saves against. */
export interface SurveyLink {
  invitationId: string;
  campaignId: string;
  surveyId: string;
  surveyVersionId: string;
  accountId: string;
  contactId: string;
  contactName: string;
  language: string;
  surveyKind: SurveyKind;
  definition: SurveyDefinition;
  expiresAt: Date | null;
  response: ResponseRow | null;
}

/**
 * Resolves a survey token. Unknown, expired and closed links all come back as null, after the same single
 * indexed lookup, so a caller cannot tell which — nor learn anything about the survey or the person.
 */
export async function openSurveyLink(deps: AppDeps, token: string): Promise<SurveyLink | null> {
  if (!/^[\w-]{20,100}$/.test(token)) {
    await findInvitationByTokenHash(deps.db, hashLinkToken('x'.repeat(43))); // same work as a real lookup
    return null;
  }
  const found = await findInvitationByTokenHash(deps.db, hashLinkToken(token));
  if (!found) return null;
  const now = deps.clock.now();
  const { invitation, campaign } = found;
  if (campaign.status === 'cancelled' || campaign.status === 'closed') return null;
  if (invitation.status !== 'sent' && invitation.status !== 'pending') return null;
  if (invitation.expiresAt && invitation.expiresAt <= now) return null;
  return {
    invitationId: invitation.id,
    campaignId: campaign.id,
    surveyId: campaign.surveyId,
    surveyVersionId: campaign.surveyVersionId,
    accountId: invitation.accountId,
    contactId: invitation.contactId,
    contactName: found.contact.name,
    language: invitation.language,
    surveyKind: found.surveyKind,
    definition: found.definition,
    expiresAt: invitation.expiresAt,
    response: (await getResponseByInvitation(deps.db, invitation.id)) ?? null,
  };
}

export type SaveResult = { ok: true; response: ResponseRow } | { ok: false; errors: Record<string, string> };

/**
 * Saves answers as the respondent goes. Partial saves merge into what was saved before; `complete`
 * checks the whole survey. Invalid input writes nothing and returns messages in the respondent's language.
 */
export async function saveSurveyAnswers(
  deps: AppDeps,
  link: SurveyLink,
  input: { answers: Answers; complete: boolean },
): Promise<SaveResult> {
  const lang = link.language;
  const checked = checkAnswers(link.definition, input.answers, { complete: false, lang });
  if (Object.keys(checked.errors).length) return { ok: false, errors: checked.errors };
  const keys = {
    invitationId: link.invitationId,
    campaignId: link.campaignId,
    surveyId: link.surveyId,
    surveyVersionId: link.surveyVersionId,
    accountId: link.accountId,
    contactId: link.contactId,
    language: lang,
  };
  const result = await saveResponse<Record<string, string>>(deps.db, keys, deps.clock.now(), (previous) => {
    const answers = mergeAnswers(previous, checked.answers);
    if (input.complete) {
      const whole = checkAnswers(link.definition, answers, { complete: true, lang });
      if (Object.keys(whole.errors).length) return { errors: whole.errors };
    }
    return { answers, npsScore: npsScoreOf(link.definition, answers), complete: input.complete };
  });
  return 'errors' in result ? { ok: false, errors: result.errors } : { ok: true, response: result.response };
}
