import type { AppDeps } from '../http/context.js';
import { hashLinkToken } from '../auth/link-tokens.js';
import {
  findInvitationByTokenHash,
  getSurveyVersionWithKind,
  saveResponseAnswers,
  type AcceptedVersion,
  type SavedResponse,
} from '../db/queries/responses.js';
import type { Db } from '../db/client.js';
import { evaluateFollowUps } from './follow-up.js';
import { anyEndpointListens, recordResponseEvent } from '../integrations/webhook-events.js';
import { nudgeDeliveries } from '../integrations/delivery/engine.js';
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
/** The versions whose links were opened last, newest first: the ones `submitSurveyAnswers` validates against. */
const recentVersions: string[] = [];
const RECENT_VERSIONS = 8;
async function surveyVersion(db: Db, versionId: string) {
  let found = versionCache.get(versionId);
  if (!found) {
    found = await getSurveyVersionWithKind(db, versionId);
    if (!found) return undefined;
    if (versionCache.size > 1000) versionCache.delete(versionCache.keys().next().value!);
    versionCache.set(versionId, found);
  }
  if (recentVersions[0] !== versionId) {
    const at = recentVersions.indexOf(versionId);
    if (at >= 0) recentVersions.splice(at, 1);
    recentVersions.unshift(versionId);
    if (recentVersions.length > RECENT_VERSIONS) recentVersions.pop();
  }
  return found;
}

const WELL_FORMED_TOKEN = /^[\w-]{20,100}$/;
/** A malformed token is hashed as a stand-in, so that it costs the same lookup as an unknown one. */
const tokenHashFor = (token: string) => hashLinkToken(WELL_FORMED_TOKEN.test(token) ? token : 'x'.repeat(43));

/**
 * Resolves a survey token. Unknown, expired and closed links all come back as null, after the same single
 * indexed lookup, so a caller cannot tell which — nor learn anything about the survey or the person.
 */
export async function openSurveyLink(deps: AppDeps, token: string): Promise<SurveyLink | null> {
  const found = await findInvitationByTokenHash(deps.db, tokenHashFor(token));
  if (!WELL_FORMED_TOKEN.test(token) || !found) return null;
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
  if (input.complete) await evaluateFollowUpsLogged(deps, response.id);
  else if (!link.response) await announceResponse(deps, response, 0);
  return { ok: true, response };
}

/**
 * The answer endpoint (JavaScript on): `openSurveyLink` + `saveSurveyAnswers` in one database round trip when
 * it can. Survey versions never change, so the answers are validated up front against the recently used
 * versions' definitions (valid answers come out of `checkAnswers` the same whatever the definition); one
 * statement (shared with the answers arriving at the same time, see answer-writes.ts) then resolves the
 * token, checks the link is open and saves, only if the invitation's version is
 * one of those the answers passed (and, for `complete`, every required question is answered after the merge).
 * Anything else — a version not seen lately, invalid answers, missing required answers — takes the long way,
 * which writes nothing invalid and names the problem. Null: the link is not available, after the same single
 * lookup whether it is unknown, expired or closed.
 */
export async function submitSurveyAnswers(
  deps: AppDeps,
  token: string,
  input: { answers: Answers; complete: boolean },
): Promise<SaveResult | null> {
  const accepted: Record<string, AcceptedVersion> = {};
  let normalized: Answers | undefined;
  let normalizedJson = '';
  for (const versionId of recentVersions) {
    const definition = versionCache.get(versionId)?.definition;
    if (!definition) continue;
    const checked = checkAnswers(definition, input.answers, { complete: false, lang: 'en' });
    if (Object.keys(checked.errors).length) continue;
    const json = JSON.stringify(checked.answers);
    if (normalized === undefined) [normalized, normalizedJson] = [checked.answers, json];
    else if (json !== normalizedJson) continue;
    accepted[versionId] = {
      npsKey: definition.questions.find((q) => q.kind === 'nps')?.key ?? null,
      required: definition.questions.filter((q) => q.required).map((q) => q.key),
    };
  }
  if (normalized !== undefined) {
    const given = Object.entries(normalized);
    const found = await deps.answerWrites.submit({
      tokenHash: tokenHashFor(token),
      accepted,
      answers: Object.fromEntries(given.filter(([, v]) => v !== null)),
      cleared: given.filter(([, v]) => v === null).map(([k]) => k),
      complete: input.complete,
      now: deps.clock.now(),
    });
    if (!found || !WELL_FORMED_TOKEN.test(token)) return null;
    if (found.saved) {
      if (input.complete) await evaluateFollowUpsLogged(deps, found.saved.id);
      else await announceResponse(deps, found.saved, given.length);
      return { ok: true, response: found.saved };
    }
  }
  const link = await openSurveyLink(deps, token);
  if (!link) return null;
  return saveSurveyAnswers(deps, link, input);
}

/**
 * `response.created` for webhooks on a partial save that may be the first (a complete one is announced by the follow-up
 * evaluation, in its transaction, with the same dedupe key). A save whose merged answers hold more than it sent was
 * not the first and costs nothing; otherwise one tiny query, and the event's statement only when an endpoint listens. Not in the
 * answer's own statement (the group commit): a crash in between leaves it to the evaluation a day later.
 */
async function announceResponse(deps: AppDeps, saved: SavedResponse, sent: number) {
  if (sent > 0 && Object.keys(saved.answers).length > sent) return;
  try {
    if (!(await anyEndpointListens(deps.db, 'response.created'))) return;
    const id = await recordResponseEvent(deps.db, 'response.created', saved.id, deps.config.publicUrl, deps.clock.now());
    if (id) await nudgeDeliveries(deps);
  } catch (error) {
    deps.logger.warn('could not record response.created; the follow-up evaluation will', { responseId: saved.id, error: String(error) });
  }
}

/** Worrying answers become tasks now; should this fail, the scheduler's sweep picks the response up. */
async function evaluateFollowUpsLogged(deps: AppDeps, responseId: string) {
  await evaluateFollowUps(deps, responseId).catch((error) =>
    deps.logger.error('follow-up rules failed; the scheduler will retry', { responseId, error: String(error) }),
  );
}
