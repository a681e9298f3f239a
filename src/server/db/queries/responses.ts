import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, campaigns, contacts, invitations, responses, surveys, surveyVersions } from '../schema/index.js';
import type { Answers } from '../../../shared/schemas/survey.js';
import type { Page, PageQuery } from '../../../shared/schemas/common.js';

export type ResponseRow = typeof responses.$inferSelect;

/** An invitation found by its link token, with what the survey page needs. */
export async function findInvitationByTokenHash(db: Db, tokenHash: string) {
  const [row] = await db
    .select({
      invitation: invitations,
      campaign: { id: campaigns.id, status: campaigns.status, surveyId: campaigns.surveyId, surveyVersionId: campaigns.surveyVersionId },
      definition: surveyVersions.definition,
      surveyKind: surveys.kind,
      contact: { name: contacts.name, email: contacts.email, unsubscribed: contacts.unsubscribed },
    })
    .from(invitations)
    .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
    .innerJoin(surveyVersions, eq(surveyVersions.id, campaigns.surveyVersionId))
    .innerJoin(surveys, eq(surveys.id, campaigns.surveyId))
    .innerJoin(contacts, eq(contacts.id, invitations.contactId))
    .where(eq(invitations.tokenHash, tokenHash));
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

export async function getResponseByInvitation(db: Db, invitationId: string): Promise<ResponseRow | undefined> {
  const [row] = await db.select().from(responses).where(eq(responses.invitationId, invitationId));
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

export type ResponseUpdate<E> = { answers: Answers; npsScore: number | null; complete: boolean } | { errors: E };

/**
 * Writes the one response of an invitation. The invitation row is locked first, so concurrent saves (a
 * double click, a retry racing the original) apply one after the other, each merging over the last;
 * `decide` sees the stored answers and returns the new ones (or errors, and nothing is written).
 */
export async function saveResponse<E>(
  db: Db,
  keys: ResponseKeys,
  now: Date,
  decide: (previous: Answers) => ResponseUpdate<E>,
): Promise<{ response: ResponseRow } | { errors: E }> {
  return db.transaction(async (tx) => {
    await tx.select({ id: invitations.id }).from(invitations).where(eq(invitations.id, keys.invitationId)).for('update');
    const [previous] = await tx.select().from(responses).where(eq(responses.invitationId, keys.invitationId));
    const next = decide(previous?.answers ?? {});
    if ('errors' in next) return { errors: next.errors };
    const stamp = now.toISOString();
    const [row] = await tx
      .insert(responses)
      .values({
        ...keys,
        answers: next.answers,
        npsScore: next.npsScore,
        startedAt: now,
        updatedAt: now,
        completedAt: next.complete ? now : null,
      })
      .onConflictDoUpdate({
        target: responses.invitationId,
        set: {
          answers: next.answers,
          npsScore: next.npsScore,
          updatedAt: now,
          // The first completion time is kept: revising an answer does not make it a new response.
          completedAt: next.complete ? sql`coalesce(${responses.completedAt}, ${stamp}::timestamptz)` : sql`${responses.completedAt}`,
        },
      })
      .returning();
    if (Object.keys(next.answers).length > 0) {
      await tx
        .update(invitations)
        .set({ respondedAt: sql`coalesce(${invitations.respondedAt}, ${stamp}::timestamptz)` })
        .where(eq(invitations.id, keys.invitationId));
    }
    return { response: row! };
  });
}

export interface ResponseFilters extends PageQuery {
  accountId?: string;
  campaignId?: string;
  surveyId?: string;
  from?: string;
  to?: string;
  category?: 'promoter' | 'passive' | 'detractor';
}

export async function listResponses(db: Db, query: ResponseFilters, ownerScope: string | null): Promise<Page<ResponseRow & { accountName: string; contactName: string }>> {
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
