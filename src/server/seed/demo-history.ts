import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import { findUserByEmail } from '../db/queries/users.js';
import { accounts, campaigns, invitations, responses, surveys, surveyVersions } from '../db/schema/index.js';
import { createWave } from '../services/campaign-waves.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { demoUsers } from './demo-data.js';
import type { Answers } from '../../shared/schemas/survey.js';

/** How each demo account's customers feel, wave by wave (oldest first): the stories the reports should tell. */
const moods: Record<string, number[]> = {
  'Northwind Logistics': [8, 8.5, 9, 9, 9],
  'Iberia Foods': [7, 7.5, 8, 8, 8.5],
  'Helios Energy': [7, 7, 7.5, 7, 7.5],
  'Atlas Health Group': [8.5, 8, 7, 6, 4.5], // sliding: the risk report should flag it
  'Brightline Retail': [6, 5.5, 6, 5, 5],
  'Quantum Components': [8, 8, 8.5, 9, 9],
  'Meridian Telecom': [9, 9, 8.5, 9, 9.5],
  'Verde Agritech': [8, 8.5, 8, 8.5, 9],
  'Summit Construction': [7, 6.5, 6, 6.5, 6],
};

const reasons = {
  high: ['Always quick to respond, and they know our business.', 'The account team is excellent.', 'Reliable, and the new portal saves us hours.'],
  mid: ['Good service, but invoices are often wrong.', 'Fine overall; onboarding of new staff is slow.', 'Solid product, support could be faster.'],
  low: ['Three missed deliveries this quarter and nobody called us.', 'Prices went up and the service went down.', 'We escalated an issue twice with no answer.'],
} as const;

/** A small deterministic generator, so every fresh demo tells the same story. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Five quarterly NPS waves of history for the demo's customers, answered, so trends, margins and risk have
 * something real to show. Idempotent by campaign name. The latest wave's answers are left for the
 * follow-up rules (the start-up sweep turns its detractors into tasks); older ones count as handled.
 */
export async function seedDemoHistory(db: Db, links: LinkTokens, clock: Clock): Promise<number> {
  const admin = await findUserByEmail(db, demoUsers[0]!.email);
  const [nps] = await db.select().from(surveys).where(eq(surveys.templateKey, 'nps'));
  if (!admin || !nps) return 0;
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, nps.id)).orderBy(desc(surveyVersions.version)).limit(1);
  const now = clock.now();
  const accountRows = await db.select().from(accounts).where(and(eq(accounts.archived, false), sql`${accounts.stage} in ('customer', 'key_account')`));
  const random = seeded(20261125);
  let created = 0;
  for (let wave = 0; wave < 5; wave++) {
    const monthsAgo = 3 * (5 - wave);
    const name = `Demo history: NPS wave ${wave + 1}`;
    const [existing] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.name, name));
    if (existing) continue;
    const sendAt = new Date(now.getTime() - monthsAgo * 30.4 * 86_400_000);
    await db.transaction(async (tx) => {
      const [campaign] = await tx
        .insert(campaigns)
        .values({
          name,
          surveyId: nps.id,
          surveyVersionId: version!.id,
          createdBy: admin.id,
          audience: { accountIds: accountRows.map((a) => a.id), contactIds: [], levels: [], buyingRoles: [] },
          status: 'closed',
          sendAt,
          createdAt: sendAt,
          updatedAt: sendAt,
        })
        .returning();
      await createWave(tx, links, campaign!, 1, { sendAt, now: sendAt, minDaysBetweenSurveys: 0, surveyLanguages: surveyLanguages(version!.definition) });
      const invited = await tx.select().from(invitations).where(and(eq(invitations.campaignId, campaign!.id), eq(invitations.status, 'pending')));
      await tx.update(invitations).set({ status: 'sent', sentAt: sendAt, lastSentAt: sendAt }).where(eq(invitations.campaignId, campaign!.id));
      const byId = new Map(accountRows.map((a) => [a.id, a]));
      for (const inv of invited) {
        const mood = moods[byId.get(inv.accountId)!.name];
        if (!mood || random() < 0.3) continue; // about 70 % answer
        const score = Math.max(0, Math.min(10, Math.round(mood[wave]! + (random() - 0.5) * 4)));
        const band = score >= 9 ? reasons.high : score >= 7 ? reasons.mid : reasons.low;
        const at = new Date(sendAt.getTime() + (1 + random() * 10) * 86_400_000);
        const answers: Answers = random() < 0.7 ? { nps: score, reason: band[Math.floor(random() * band.length)]! } : { nps: score };
        await tx.insert(responses).values({
          invitationId: inv.id,
          campaignId: campaign!.id,
          surveyId: nps.id,
          surveyVersionId: version!.id,
          accountId: inv.accountId,
          contactId: inv.contactId,
          language: inv.language,
          answers,
          npsScore: score,
          startedAt: at,
          updatedAt: at,
          completedAt: at,
          rulesEvaluatedAt: wave < 4 ? at : null,
        });
        await tx.update(invitations).set({ respondedAt: at }).where(eq(invitations.id, inv.id));
        created++;
      }
    });
  }
  return created;
}
