import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { executePrepared } from '../prepared.js';
import { accounts, campaigns, contacts, invitations, responses, surveys, surveyVersions } from '../schema/index.js';
import type { Answers } from '../../../shared/schemas/survey.js';
import type { Page, PageQuery } from '../../../shared/schemas/common.js';

export type ResponseRow = typeof responses.$inferSelect;

/** What a survey page needs of a saved response. */
export interface SavedResponse {
  id: string;
  answers: Answers;
  completedAt: Date | null;
  updatedAt: Date;
}

/**
 * An invitation found by its link token, with its campaign and its response so far: one indexed query,
 * the hot path of every survey page view and answer. The survey definition is fetched separately (and cached).
 */
const preparedLookups = new WeakMap<Db, ReturnType<typeof prepareLookup>>();
function prepareLookup(db: Db) {
  return db
    .select({
      invitation: {
        id: invitations.id,
        accountId: invitations.accountId,
        contactId: invitations.contactId,
        language: invitations.language,
        status: invitations.status,
        expiresAt: invitations.expiresAt,
      },
      campaign: { id: campaigns.id, status: campaigns.status, surveyId: campaigns.surveyId, surveyVersionId: campaigns.surveyVersionId },
      response: { id: responses.id, answers: responses.answers, completedAt: responses.completedAt, updatedAt: responses.updatedAt },
    })
    .from(invitations)
    .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
    .leftJoin(responses, eq(responses.invitationId, invitations.id))
    .where(eq(invitations.tokenHash, sql.placeholder('tokenHash')))
    .prepare('find_invitation_by_token');
}

/**
 * An invitation found by its link token, with its campaign and its response so far: one indexed query
 * (prepared: it is the hot path of every survey view and answer). The survey definition is cached apart.
 */
export async function findInvitationByTokenHash(db: Db, tokenHash: string) {
  let lookup = preparedLookups.get(db);
  if (!lookup) preparedLookups.set(db, (lookup = prepareLookup(db)));
  const [row] = await lookup.execute({ tokenHash });
  return row;
}

export async function getSurveyVersionWithKind(db: Db, versionId: string) {
  const [row] = await db
    .select({ definition: surveyVersions.definition, kind: surveys.kind })
    .from(surveyVersions)
    .innerJoin(surveys, eq(surveys.id, surveyVersions.surveyId))
    .where(eq(surveyVersions.id, versionId));
  return row;
}

export async function findInvitationByUnsubscribeHash(db: Db, tokenHash: string) {
  const [row] = await db
    .select({ invitation: invitations, contact: { id: contacts.id, email: contacts.email, unsubscribed: contacts.unsubscribed } })
    .from(invitations)
    .innerJoin(contacts, eq(contacts.id, invitations.contactId))
    .where(eq(invitations.unsubscribeTokenHash, tokenHash));
  return row;
}


export interface ResponseKeys {
  invitationId: string;
  campaignId: string;
  surveyId: string;
  surveyVersionId: string;
  accountId: string;
  contactId: string;
  language: string;
}

/**
 * Saves answers in one statement: creates the invitation's one response or merges into it. The merge happens
 * inside PostgreSQL (`stored - cleared || new`), so concurrent saves of the same response (a double click, a
 * retry racing the original) each apply on top of the other instead of overwriting it.
 */
export async function saveResponseAnswers(
  db: Db,
  keys: ResponseKeys,
  change: { answers: Answers; cleared: string[]; npsKey: string | null; complete: boolean; now: Date },
): Promise<SavedResponse> {
  const answers = JSON.stringify(change.answers);
  const cleared = JSON.stringify(change.cleared);
  const stamp = change.now.toISOString();
  const [row] = await executePrepared<{ id: string; answers: Answers | string; completed_at: string | Date | null; updated_at: string | Date }>(db, sql`
    with saved as (
      insert into ${responses} as r (invitation_id, campaign_id, survey_id, survey_version_id, account_id, contact_id, language,
        answers, nps_score, started_at, updated_at, completed_at)
      values (${keys.invitationId}::uuid, ${keys.campaignId}::uuid, ${keys.surveyId}::uuid, ${keys.surveyVersionId}::uuid,
        ${keys.accountId}::uuid, ${keys.contactId}::uuid, ${keys.language}, ${answers}::jsonb,
        (${answers}::jsonb ->> ${change.npsKey}::text)::smallint, ${stamp}::timestamptz, ${stamp}::timestamptz,
        case when ${change.complete}::boolean then ${stamp}::timestamptz end)
      on conflict (invitation_id) do update set
        answers = (r.answers - array(select jsonb_array_elements_text(${cleared}::jsonb))) || excluded.answers,
        nps_score = (((r.answers - array(select jsonb_array_elements_text(${cleared}::jsonb))) || excluded.answers) ->> ${change.npsKey}::text)::smallint,
        updated_at = excluded.updated_at,
        -- The first completion time is kept: revising an answer does not make it a new response.
        completed_at = coalesce(r.completed_at, excluded.completed_at)
      returning r.id, r.answers, r.completed_at, r.updated_at
    ), responded as (
      update ${invitations} set responded_at = ${stamp}::timestamptz
      where id = ${keys.invitationId}::uuid and responded_at is null and ${answers}::jsonb <> '{}'::jsonb
    )
    select id, answers, completed_at, updated_at from saved`);
  if (!row) throw new Error('saving the response returned no row');
  return toSavedResponse(row);
}

/** What the answer path accepts for one survey version: its NPS question and its required questions. */
export interface AcceptedVersion {
  npsKey: string | null;
  required: string[];
}

/** One answer submission by survey link, for `saveAnswersByTokens`. */
export interface AnswersByToken {
  tokenHash: string;
  /** The survey versions the caller validated these answers against. */
  accepted: Record<string, AcceptedVersion>;
  answers: Answers;
  cleared: string[];
  complete: boolean;
  now: Date;
}

/**
 * The answer path in one statement, for a batch of submissions (distinct links): resolves each link token,
 * checks that the campaign and the invitation are still open, and creates or merges the response (as
 * `saveResponseAnswers` does) — but only when the invitation's survey version is one of the submission's
 * `accepted` versions and, for `complete`, when every required question has an answer after the merge.
 *
 * Per submission, in order — null: the link is unknown, expired or closed (one indexed lookup whatever the
 * reason); `saved: null`: the link is open but nothing was written (version not accepted, or required answers
 * missing), so the caller takes the long way, which names the problem. The statement text never changes, so
 * PostgreSQL prepares and plans it once per connection.
 */
export async function saveAnswersByTokens(
  db: Db,
  inputs: AnswersByToken[],
): Promise<Array<{ invitationId: string; saved: SavedResponse | null } | null>> {
  const batch = JSON.stringify(
    inputs.map((input, n) => ({
      n,
      token_hash: input.tokenHash,
      accepted: input.accepted,
      answers: input.answers,
      cleared: input.cleared,
      complete: input.complete,
      at: input.now.toISOString(),
    })),
  );
  const rows = await executePrepared<{
    n: number;
    invitation_id: string;
    id: string | null;
    answers: Answers | string | null;
    completed_at: string | Date | null;
    updated_at: string | Date | null;
  }>(db, sql`
    with input as (
      select * from jsonb_to_recordset(${batch}::jsonb)
        as x(n int, token_hash text, accepted jsonb, answers jsonb, cleared jsonb, complete boolean, at timestamptz)
    ), link as (
      select x.n, i.id, i.campaign_id, c.survey_id, c.survey_version_id, i.account_id, i.contact_id, i.language,
        x.accepted -> c.survey_version_id::text as version, x.answers, x.cleared, x.complete, x.at,
        (coalesce(r.answers, '{}'::jsonb) - array(select jsonb_array_elements_text(x.cleared))) || x.answers as merged
      from input x
      join ${invitations} i on i.token_hash = x.token_hash
      join ${campaigns} c on c.id = i.campaign_id
      left join ${responses} r on r.invitation_id = i.id
      where c.status not in ('cancelled', 'closed')
        and i.status in ('sent', 'pending')
        and (i.expires_at is null or i.expires_at > x.at)
    ), saved as (
      insert into ${responses} as r (invitation_id, campaign_id, survey_id, survey_version_id, account_id, contact_id, language,
        answers, nps_score, started_at, updated_at, completed_at)
      select id, campaign_id, survey_id, survey_version_id, account_id, contact_id, language,
        answers, (answers ->> (version ->> 'npsKey'))::smallint, at, at, case when complete then at end
      from link
      where version is not null
        and (not complete or merged ?& array(select jsonb_array_elements_text(version -> 'required')))
      on conflict (invitation_id) do update set
        answers = (r.answers - array(select e from link l, jsonb_array_elements_text(l.cleared) e where l.id = excluded.invitation_id))
          || excluded.answers,
        nps_score = (((r.answers - array(select e from link l, jsonb_array_elements_text(l.cleared) e where l.id = excluded.invitation_id))
          || excluded.answers) ->> (select l.version ->> 'npsKey' from link l where l.id = excluded.invitation_id))::smallint,
        updated_at = excluded.updated_at,
        -- The first completion time is kept: revising an answer does not make it a new response.
        completed_at = coalesce(r.completed_at, excluded.completed_at)
      -- Checked again on the locked row: a concurrent save may have cleared a required answer meanwhile.
      -- (excluded.completed_at is set exactly when the submission completes the survey.)
      where excluded.completed_at is null
        or ((r.answers - array(select e from link l, jsonb_array_elements_text(l.cleared) e where l.id = excluded.invitation_id))
          || excluded.answers)
          ?& array(select e from link l, jsonb_array_elements_text(l.version -> 'required') e where l.id = excluded.invitation_id)
      returning r.id, r.invitation_id, r.answers, r.completed_at, r.updated_at
    ), responded as (
      update ${invitations} i set responded_at = l.at
      from saved s join link l on l.id = s.invitation_id
      where i.id = s.invitation_id and i.responded_at is null and l.answers <> '{}'::jsonb
    )
    select link.n, link.id as invitation_id, saved.id, saved.answers, saved.completed_at, saved.updated_at
    from link left join saved on saved.invitation_id = link.id`);
  const results: Array<{ invitationId: string; saved: SavedResponse | null } | null> = inputs.map(() => null);
  for (const row of rows) {
    results[Number(row.n)] = {
      invitationId: row.invitation_id,
      saved: row.id ? toSavedResponse({ ...row, id: row.id, updated_at: row.updated_at! }) : null,
    };
  }
  return results;
}

function toSavedResponse(row: { id: string; answers: Answers | string | null; completed_at: string | Date | null; updated_at: string | Date }): SavedResponse {
  return {
    id: row.id,
    answers: typeof row.answers === 'string' ? (JSON.parse(row.answers) as Answers) : (row.answers ?? {}),
    completedAt: row.completed_at ? new Date(row.completed_at) : null,
    updatedAt: new Date(row.updated_at),
  };
}

export interface ResponseFilters extends PageQuery {
  accountId?: string;
  campaignId?: string;
  surveyId?: string;
  from?: string;
  to?: string;
  category?: 'promoter' | 'passive' | 'detractor';
}

/** The filters of GET /api/responses, shared by the list and the CSV export so both hold the same answers. */
export function responseFilterConditions(query: Omit<ResponseFilters, 'page' | 'pageSize'>, ownerScope: string | null): SQL[] {
  const conditions: SQL[] = [sql`${responses.answers} <> '{}'::jsonb`];
  if (ownerScope) conditions.push(eq(accounts.ownerId, ownerScope));
  if (query.accountId) conditions.push(eq(responses.accountId, query.accountId));
  if (query.campaignId) conditions.push(eq(responses.campaignId, query.campaignId));
  if (query.surveyId) conditions.push(eq(responses.surveyId, query.surveyId));
  if (query.from) conditions.push(gte(responses.updatedAt, new Date(query.from)));
  if (query.to) conditions.push(lte(responses.updatedAt, new Date(query.to)));
  if (query.category === 'promoter') conditions.push(gte(responses.npsScore, 9));
  if (query.category === 'passive') conditions.push(and(gte(responses.npsScore, 7), lte(responses.npsScore, 8))!);
  if (query.category === 'detractor') conditions.push(lte(responses.npsScore, 6));
  return conditions;
}

export async function listResponses(db: Db, query: ResponseFilters, ownerScope: string | null): Promise<Page<ResponseRow & { accountName: string; contactName: string }>> {
  const conditions = responseFilterConditions(query, ownerScope);
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    db
      .select({ response: responses, accountName: accounts.name, contactName: contacts.name })
      .from(responses)
      .innerJoin(accounts, eq(accounts.id, responses.accountId))
      .innerJoin(contacts, eq(contacts.id, responses.contactId))
      .where(where)
      .orderBy(desc(responses.updatedAt), desc(responses.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ n: count() })
      .from(responses)
      .innerJoin(accounts, eq(accounts.id, responses.accountId))
      .where(where),
  ]);
  return {
    data: rows.map((r) => ({ ...r.response, accountName: r.accountName, contactName: r.contactName })),
    page: query.page,
    pageSize: query.pageSize,
    total: total?.n ?? 0,
  };
}

export async function getResponseWithOwner(db: Db, id: string) {
  const [row] = await db
    .select({ response: responses, ownerId: accounts.ownerId, accountName: accounts.name, contactName: contacts.name })
    .from(responses)
    .innerJoin(accounts, eq(accounts.id, responses.accountId))
    .innerJoin(contacts, eq(contacts.id, responses.contactId))
    .where(eq(responses.id, id));
  return row;
}
