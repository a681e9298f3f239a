import { accounts, campaigns, contacts, invitations, responses } from '../../src/server/db/schema/index.js';
import { getSurveyWithVersion } from '../../src/server/db/queries/surveys.js';
import type { Level } from '../../src/shared/schemas/contact.js';
import type { Answers } from '../../src/shared/schemas/survey.js';
import type { TestContext } from './test-app.js';
import { templateSurveyId } from './survey-fixtures.js';

/**
 * "Who is speaking" fixtures, written straight into the database at the dates wanted: accounts whose contacts have
 * decision levels, and waves that ask some of them. Shared by the API test and the account page's Chromium test.
 */

type LevelCounts = Record<Level, number>;
export interface LevelAccount {
  id: string;
  contacts: Record<Level, { id: string; email: string }[]>;
}

export async function seedLevelAccount(ctx: TestContext, ownerId: string, name: string, people: LevelCounts): Promise<LevelAccount> {
  const db = ctx.database.db;
  const [account] = await db.insert(accounts).values({ name, industry: 'Logistics', stage: 'key_account', ownerId }).returning();
  const byLevel = { instigator: [], influencer: [], implementer: [] } as LevelAccount['contacts'];
  for (const level of ['instigator', 'influencer', 'implementer'] as const) {
    if (!people[level]) continue;
    byLevel[level] = await db
      .insert(contacts)
      .values(
        Array.from({ length: people[level] }, (_, i) => ({
          accountId: account!.id,
          name: `${name} ${level} ${i + 1}`,
          email: `${level}${i + 1}@${account!.id}.example`,
          level,
          buyingRole: 'user' as const,
        })),
      )
      .returning();
  }
  return { id: account!.id, contacts: byLevel };
}

/**
 * One NPS wave to the first contacts of each level: per contact, a score 0–10, `null` (answered only the reason, no
 * score) or '-' (asked, never answered). Everyone answers two days after `sentAt`.
 */
export async function seedLevelWave(
  ctx: TestContext,
  createdBy: string,
  account: LevelAccount,
  name: string,
  sentAt: string,
  asked: Partial<Record<Level, (number | null | '-')[]>>,
): Promise<string> {
  const db = ctx.database.db;
  const surveyId = await templateSurveyId(ctx, 'nps');
  const versionId = (await getSurveyWithVersion(db, surveyId))!.version.id;
  const [campaign] = await db
    .insert(campaigns)
    .values({
      name,
      surveyId,
      surveyVersionId: versionId,
      createdBy,
      audience: { accountIds: [account.id], contactIds: [], levels: [], buyingRoles: [] },
      status: 'closed',
      sendAt: new Date(sentAt),
    })
    .returning();
  const answeredAt = new Date(new Date(sentAt).getTime() + 2 * 86_400_000);
  for (const [level, answers] of Object.entries(asked) as [Level, (number | null | '-')[]][]) {
    for (const [i, answer] of answers.entries()) {
      const contact = account.contacts[level][i]!;
      const [invitation] = await db
        .insert(invitations)
        .values({
          campaignId: campaign!.id,
          accountId: account.id,
          contactId: contact.id,
          email: contact.email,
          language: 'en',
          status: 'sent',
          sentAt: new Date(sentAt),
          respondedAt: answer === '-' ? null : answeredAt,
        })
        .returning();
      if (answer === '-') continue;
      await db.insert(responses).values({
        invitationId: invitation!.id,
        campaignId: campaign!.id,
        surveyId,
        surveyVersionId: versionId,
        accountId: account.id,
        contactId: contact.id,
        language: 'en',
        answers: (answer === null ? { reason: 'Words, no score' } : { nps: answer }) as Answers,
        npsScore: answer,
        startedAt: answeredAt,
        updatedAt: answeredAt,
        completedAt: answeredAt,
      });
    }
  }
  return campaign!.id;
}

/**
 * The hand-computed fixture of tests/api/reports-nps-levels.test.ts (see the figures there).
 * Pulse Logistics: 2 instigators, 5 influencers, 4 implementers.
 *   Q1 2025 wave to all 11: instigators 10 9; influencers 9 7 3 0 and one silent; implementers 8 6 and two silent.
 *   Q3 2025 wave (the latest) to 2 instigators and 3 influencers, no implementer: instigators 4 and one silent;
 *   influencers 10, one reason without a score, one silent.
 * Quiet Co: 1 instigator, 4 implementers; one wave in September 2025: the instigator 9, the implementers silent.
 */
export async function seedWhoIsSpeaking(ctx: TestContext, ownerId: string, createdBy: string) {
  const pulse = await seedLevelAccount(ctx, ownerId, 'Pulse Logistics', { instigator: 2, influencer: 5, implementer: 4 });
  await seedLevelWave(ctx, createdBy, pulse, 'Spring pulse', '2025-02-03T12:00:00Z', {
    instigator: [10, 9],
    influencer: [9, 7, 3, 0, '-'],
    implementer: [8, 6, '-', '-'],
  });
  const latest = await seedLevelWave(ctx, createdBy, pulse, 'Summer pulse', '2025-08-04T12:00:00Z', {
    instigator: [4, '-'],
    influencer: [10, null, '-'],
  });
  const quiet = await seedLevelAccount(ctx, ownerId, 'Quiet Co', { instigator: 1, influencer: 0, implementer: 4 });
  await seedLevelWave(ctx, createdBy, quiet, 'Autumn pulse', '2025-09-01T12:00:00Z', { instigator: [9], implementer: ['-', '-', '-', '-'] });
  const empty = await seedLevelAccount(ctx, ownerId, 'Empty Co', { instigator: 1, influencer: 1, implementer: 1 });
  return { pulse, quiet, empty, latest };
}
