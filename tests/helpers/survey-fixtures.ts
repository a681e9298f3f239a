import { asc, eq } from 'drizzle-orm';
import { campaigns, contacts, invitations, messages, responses, surveys } from '../../src/server/db/schema/index.js';
import { getSurveyWithVersion } from '../../src/server/db/queries/surveys.js';
import type { TestClient, TestContext, TestUser } from './test-app.js';

let n = 0;

export interface FixtureContact {
  name?: string;
  email?: string;
  language?: string;
  level?: 'instigator' | 'influencer' | 'implementer';
  buyingRole?: string;
}

/** An account owned by the signed-in manager (or given owner) with the given contacts, through the API. */
export async function createAccountWithContacts(
  client: TestClient,
  contacts: FixtureContact[],
  fields: Record<string, unknown> = {},
): Promise<{ accountId: string; contactIds: string[]; emails: string[] }> {
  n++;
  const account = await client.post('/api/accounts', { name: `Account ${n} ${Date.now()}`, stage: 'key_account', ...fields });
  if (account.status !== 201) throw new Error(`account: ${account.status} ${account.text}`);
  const contactIds: string[] = [];
  const emails: string[] = [];
  for (const [i, c] of contacts.entries()) {
    const email = c.email ?? `person${i}.${n}.${Date.now()}@customer.example`;
    const res = await client.post(`/api/accounts/${account.body.id}/contacts`, {
      name: c.name ?? `Person ${i}`,
      email,
      language: c.language ?? 'en',
      level: c.level ?? (['instigator', 'influencer', 'implementer'] as const)[i % 3],
      buyingRole: c.buyingRole ?? 'user',
    });
    if (res.status !== 201) throw new Error(`contact: ${res.status} ${res.text}`);
    contactIds.push(res.body.id);
    emails.push(email.toLowerCase());
  }
  return { accountId: account.body.id, contactIds, emails };
}

export async function templateSurveyId(ctx: TestContext, key: 'nps' | 'audit'): Promise<string> {
  const [row] = await ctx.database.db.select().from(surveys).where(eq(surveys.templateKey, key));
  return row!.id;
}

/** Creates a campaign through the API and runs the queue until every email is out. */
export async function sendCampaign(
  ctx: TestContext,
  client: TestClient,
  body: { accountIds?: string[]; contactIds?: string[]; survey?: 'nps' | 'audit'; [key: string]: unknown },
) {
  const { accountIds = [], contactIds = [], survey = 'nps', ...rest } = body;
  const res = await client.post('/api/campaigns', {
    name: `Campaign ${++n}`,
    surveyId: await templateSurveyId(ctx, survey),
    audience: { accountIds, contactIds },
    ...rest,
  });
  if (res.status !== 201) throw new Error(`campaign: ${res.status} ${res.text}`);
  await ctx.runJobs();
  return res.body as { id: string; [key: string]: any };
}

export interface SentEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  surveyUrl: string;
  surveyToken: string;
  unsubscribeUrl: string;
  unsubscribeToken: string;
}

/** The emails in the local outbox, with the survey and unsubscribe links taken from the body as a person would. */
export async function outbox(ctx: TestContext): Promise<SentEmail[]> {
  // Oldest first, so "the latest email to someone" is well defined on every database.
  const rows = (
    await ctx.database.db.select().from(messages).where(eq(messages.transport, 'outbox')).orderBy(asc(messages.createdAt), asc(messages.sequence))
  ).filter(
    (m) => m.kind !== 'notification', // survey emails only: task notifications carry no survey link
  );
  return rows.map((m) => {
    const survey = /(https?:\/\/[^\s"<>]+\/s\/([\w-]+))/.exec(m.text ?? '')!;
    const unsubscribe = /(https?:\/\/[^\s"<>]+\/u\/([\w-]+))/.exec(m.text ?? '')!;
    return {
      to: m.toAddress,
      subject: m.subject ?? '',
      html: m.html ?? '',
      text: m.text ?? '',
      surveyUrl: survey[1]!,
      surveyToken: survey[2]!,
      unsubscribeUrl: unsubscribe[1]!,
      unsubscribeToken: unsubscribe[2]!,
    };
  });
}

export async function emailTo(ctx: TestContext, address: string): Promise<SentEmail> {
  const found = (await outbox(ctx)).filter((e) => e.to === address.toLowerCase());
  if (!found.length) throw new Error(`no email to ${address}`);
  return found[found.length - 1]!;
}

/** Each contact answers the NPS question of the latest email they got (null: that one does not answer). */
export async function answerLatestNps(ctx: TestContext, emails: string[], scores: (number | null)[]): Promise<void> {
  for (const [i, score] of scores.entries()) {
    if (score === null) continue;
    const email = await emailTo(ctx, emails[i]!);
    const res = await ctx.anonymous().post(`/s/${email.surveyToken}/answers`, { answers: { nps: score }, complete: true });
    if (res.status >= 400) throw new Error(`answering as ${emails[i]} failed: ${res.status} ${res.text}`);
  }
}

export type { TestUser };

/**
 * One NPS wave written straight to the database (no emails): `scores.length` new contacts of the account, each
 * invited at `sentAt` and answering a day later with their score. For reports that need history in past quarters.
 */
export async function insertAnsweredNpsWave(
  ctx: TestContext,
  wave: { accountId: string; ownerId: string; sentAt: Date; scores: number[]; name: string },
): Promise<void> {
  const db = ctx.database.db;
  const surveyId = await templateSurveyId(ctx, 'nps');
  const surveyVersionId = (await getSurveyWithVersion(db, surveyId))!.version.id;
  const { accountId, sentAt, scores, name } = wave;
  const tag = `${accountId.slice(0, 8)}-${sentAt.getTime()}`;
  const people = await db
    .insert(contacts)
    .values(scores.map((_, i) => ({ accountId, name: `${name} ${i}`, email: `p${i}-${tag}@example.com`, level: 'influencer' as const, buyingRole: 'user' as const })))
    .returning();
  const [campaign] = await db
    .insert(campaigns)
    .values({ name: `${name} wave`, surveyId, surveyVersionId, createdBy: wave.ownerId, audience: { accountIds: [accountId], contactIds: [], levels: [], buyingRoles: [] }, status: 'closed', sendAt: sentAt })
    .returning();
  const answeredAt = new Date(sentAt.getTime() + 86_400_000);
  const sent = await db
    .insert(invitations)
    .values(people.map((p) => ({ campaignId: campaign!.id, accountId, contactId: p.id, email: p.email, language: 'en', status: 'sent' as const, sentAt, respondedAt: answeredAt })))
    .returning();
  await db.insert(responses).values(
    scores.map((score, i) => ({
      invitationId: sent[i]!.id,
      campaignId: campaign!.id,
      surveyId,
      surveyVersionId,
      accountId,
      contactId: sent[i]!.contactId,
      language: 'en',
      answers: { nps: score },
      npsScore: score,
      startedAt: answeredAt,
      updatedAt: answeredAt,
      completedAt: answeredAt,
    })),
  );
}
