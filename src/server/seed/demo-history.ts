import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import { findUserByEmail } from '../db/queries/users.js';
import { accounts, campaigns, contacts, invitations, responses, surveys, surveyVersions, taskComments, taskResponses, tasks } from '../db/schema/index.js';
import { createWave } from '../services/campaign-waves.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { demoUsers } from './demo-data.js';
import { handledFollowUps, handledTaskRows, type HandledFollowUps } from './demo-follow-ups.js';
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

/** What audited customers write, by how they feel (the audit's free-text questions), in their language. */
const auditTexts = {
  en: {
    high: {
      one_sentence: ['A partner who knows our business as well as we do.', 'Reliable, quick and honest.'],
      exceeds_expectations: ['Your team spots problems before we do.', 'Delivery times are the best of all our suppliers.'],
      how_we_help: ['Help us plan next year’s volumes together.', 'Join our quarterly operations review.'],
    },
    mid: {
      one_sentence: ['A good supplier with room to grow.', 'Solid, but we have to chase you too often.'],
      falls_short: ['Invoices often need correcting.', 'New staff on your side take months to learn our account.'],
      how_we_help: ['One contact who answers for everything.', 'Better reporting on our orders.'],
    },
    low: {
      one_sentence: ['Expensive, and harder to reach every year.', 'We are looking at alternatives.'],
      falls_short: ['Missed deliveries and nobody called us.', 'Escalations go unanswered.'],
      unresolved_issues: ['The pricing dispute from last spring.', 'The integration errors we reported twice.'],
    },
  },
  es: {
    high: {
      one_sentence: ['Un socio que conoce nuestro negocio tan bien como nosotros.', 'Fiables, rápidos y honestos.'],
      exceeds_expectations: ['Su equipo detecta los problemas antes que nosotros.'],
      how_we_help: ['Planificar juntos los volúmenes del próximo año.'],
    },
    mid: {
      one_sentence: ['Un buen proveedor con margen de mejora.'],
      falls_short: ['Las facturas a menudo hay que corregirlas.'],
      how_we_help: ['Un único contacto que responda de todo.'],
    },
    low: {
      one_sentence: ['Caros, y cada año más difíciles de localizar.'],
      falls_short: ['Entregas fallidas y nadie nos llamó.'],
      unresolved_issues: ['La disputa de precios de la primavera pasada.'],
    },
  },
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
 * One answer of a history wave, or null for a contact who did not answer. With `rulesEvaluatedAt` the answer
 * counts as handled: the tasks its rules raised are there, closed.
 */
type HistoryAnswer = { answers: Answers; npsScore: number; at: Date; rulesEvaluatedAt: Date | null } | null;

/**
 * One closed campaign of the demo's history: sent to every contact of `audience` at `sendAt` and answered as
 * `answer` says, invitation by invitation. Nothing when a campaign of that name exists; returns the answers made.
 */
async function seedAnsweredWave(
  db: Db,
  links: LinkTokens,
  wave: { name: string; survey: typeof surveys.$inferSelect; version: typeof surveyVersions.$inferSelect; createdBy: string; audience: Array<typeof accounts.$inferSelect>; sendAt: Date },
  answer: (invitation: typeof invitations.$inferSelect, account: typeof accounts.$inferSelect) => HistoryAnswer,
  followUps: HandledFollowUps,
): Promise<number> {
  const [existing] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.name, wave.name));
  if (existing) return 0;
  const { survey, version, sendAt } = wave;
  let created = 0;
  await db.transaction(async (tx) => {
    const [campaign] = await tx
      .insert(campaigns)
      .values({
        name: wave.name,
        surveyId: survey.id,
        surveyVersionId: version.id,
        createdBy: wave.createdBy,
        audience: { accountIds: wave.audience.map((a) => a.id), contactIds: [], levels: [], buyingRoles: [] },
        status: 'closed',
        sendAt,
        createdAt: sendAt,
        updatedAt: sendAt,
      })
      .returning();
    await createWave(tx, links, campaign!, 1, { sendAt, now: sendAt, minDaysBetweenSurveys: 0, surveyLanguages: surveyLanguages(version.definition) });
    const invited = await tx.select().from(invitations).where(and(eq(invitations.campaignId, campaign!.id), eq(invitations.status, 'pending')));
    await tx.update(invitations).set({ status: 'sent', sentAt: sendAt, lastSentAt: sendAt }).where(eq(invitations.campaignId, campaign!.id));
    const byId = new Map(wave.audience.map((a) => [a.id, a]));
    const people = new Map(
      (await tx.select().from(contacts).where(inArray(contacts.id, [...new Set(invited.map((i) => i.contactId))]))).map((c) => [c.id, c]),
    );
    // Every answer and its handled tasks are made first, in invitation order (so the random streams tell the same
    // story as ever), then written with one statement per table.
    const answered: (typeof responses.$inferInsert & { id: string; completedAt: Date })[] = [];
    const handled: ReturnType<typeof handledTaskRows>[] = [];
    for (const inv of invited) {
      const account = byId.get(inv.accountId)!;
      const given = answer(inv, account);
      if (!given) continue;
      const { at } = given;
      const id = randomUUID();
      answered.push({
        id,
        invitationId: inv.id,
        campaignId: campaign!.id,
        surveyId: survey.id,
        surveyVersionId: version.id,
        accountId: inv.accountId,
        contactId: inv.contactId,
        language: inv.language,
        answers: given.answers,
        npsScore: given.npsScore,
        startedAt: at,
        updatedAt: at,
        completedAt: at,
        rulesEvaluatedAt: given.rulesEvaluatedAt,
      });
      if (given.rulesEvaluatedAt) {
        const contact = people.get(inv.contactId)!;
        handled.push(
          handledTaskRows(followUps, { id, accountId: inv.accountId, contactId: inv.contactId, answers: given.answers, at }, version.definition, {
            contactName: contact.name,
            counterpartId: contact.counterpartId,
            ownerId: account.ownerId,
          }),
        );
      }
    }
    if (!answered.length) return;
    await tx.insert(responses).values(answered);
    const respondedAt = sql.join(
      answered.map((r) => sql`(${r.invitationId}::uuid, ${r.completedAt.toISOString()}::timestamptz)`),
      sql`, `,
    );
    await tx.execute(sql`update invitations set responded_at = v.at from (values ${respondedAt}) as v(id, at) where invitations.id = v.id`);
    const taskRows = handled.flatMap((h) => h.tasks);
    if (taskRows.length) {
      await tx.insert(tasks).values(taskRows);
      await tx.insert(taskResponses).values(taskRows.map((t) => ({ taskId: t.id!, responseId: t.responseId!, addedAt: t.createdAt })));
      await tx.insert(taskComments).values(handled.flatMap((h) => h.comments));
    }
    created = answered.length;
  });
  return created;
}

async function latestVersion(db: Db, templateKey: string) {
  const [survey] = await db.select().from(surveys).where(eq(surveys.templateKey, templateKey));
  if (!survey) return null;
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, survey.id)).orderBy(desc(surveyVersions.version)).limit(1);
  return version ? { survey, version } : null;
}

const monthsBefore = (now: Date, months: number) => new Date(now.getTime() - months * 30.4 * 86_400_000);

/**
 * Five quarterly NPS waves of history for the demo's customers, answered, so trends, margins and risk have
 * something real to show, and two yearly audits of the key accounts (`seedDemoAudits`). Idempotent by campaign
 * name. The latest NPS wave's answers are left for the follow-up rules (the start-up sweep turns its detractors
 * into tasks); older ones count as handled: their follow-up tasks are there, worked and closed.
 */
export async function seedDemoHistory(
  db: Db,
  links: LinkTokens,
  clock: Clock,
  settings: { companyName: string; timeZone: string },
): Promise<number> {
  const admin = await findUserByEmail(db, demoUsers[0]!.email);
  const nps = await latestVersion(db, 'nps');
  if (!admin || !nps) return 0;
  const now = clock.now();
  const accountRows = await db.select().from(accounts).where(and(eq(accounts.archived, false), sql`${accounts.stage} in ('customer', 'key_account')`));
  const random = seeded(20261125);
  const followUps = await handledFollowUps(db, settings, seeded(20261205));
  let created = 0;
  for (let wave = 0; wave < 5; wave++) {
    const sendAt = monthsBefore(now, 3 * (5 - wave));
    const campaign = { name: `Demo history: NPS wave ${wave + 1}`, ...nps, createdBy: admin.id, audience: accountRows, sendAt };
    created += await seedAnsweredWave(db, links, campaign, (_inv, account) => {
      const mood = moods[account.name];
      if (!mood || random() < 0.3) return null; // about 70 % answer
      const score = Math.max(0, Math.min(10, Math.round(mood[wave]! + (random() - 0.5) * 4)));
      const band = score >= 9 ? reasons.high : score >= 7 ? reasons.mid : reasons.low;
      const at = new Date(sendAt.getTime() + (1 + random() * 10) * 86_400_000);
      const answers: Answers = random() < 0.7 ? { nps: score, reason: band[Math.floor(random() * band.length)]! } : { nps: score };
      return { answers, npsScore: score, at, rulesEvaluatedAt: wave < 4 ? at : null };
    }, followUps);
  }
  return created + (await seedDemoAudits(db, links, now, admin.id, accountRows, followUps));
}

/**
 * Two yearly key-account audits of the key accounts, a year apart (the latest sent five weeks ago, just outside
 * the 30-day contact-frequency window, so part of its answers fall in My day's first 30 days), answered, so the
 * audit report, the risk report's audit signals and the program
 * evaluation's audit marks have something real to show. Their answers count as handled by the follow-up rules.
 */
async function seedDemoAudits(
  db: Db,
  links: LinkTokens,
  now: Date,
  adminId: string,
  accountRows: Array<typeof accounts.$inferSelect>,
  followUps: HandledFollowUps,
) {
  const audit = await latestVersion(db, 'audit');
  const keyAccounts = accountRows.filter((a) => a.stage === 'key_account');
  if (!audit || !keyAccounts.length) return 0;
  const random = seeded(20261201);
  let created = 0;
  // The audits fall near the second and the last NPS waves, and read like them.
  for (const [n, monthsAgo, moodWave] of [[1, 13, 1], [2, 1.2, 4]] as const) {
    const sendAt = monthsBefore(now, monthsAgo);
    const heard = new Set<string>();
    const wave = { name: `Demo history: key-account audit ${n}`, ...audit, createdBy: adminId, audience: keyAccounts, sendAt };
    created += await seedAnsweredWave(db, links, wave, (inv, account) => {
      const mood = moods[account.name]?.[moodWave];
      // Every account is heard from (an audit is a meeting); beyond the first, about 60 % take part.
      if (mood === undefined || (heard.has(account.id) && random() < 0.4)) return null;
      heard.add(account.id);
      const feel = mood + (random() - 0.5) * 3;
      const marks = Math.max(1, Math.min(10, Math.round(feel)));
      const score = Math.max(0, Math.min(10, Math.round(mood + (random() - 0.5) * 4)));
      const texts = auditTexts[inv.language === 'es' ? 'es' : 'en'][marks >= 8 ? 'high' : marks >= 6 ? 'mid' : 'low'];
      const answers: Answers = { marks, supplier_or_partner: { selected: [feel >= 7.5 ? 'partner' : 'supplier'] }, nps: score };
      for (const [key, options] of Object.entries(texts)) {
        if (random() < 0.75) answers[key] = options[Math.floor(random() * options.length)]!;
      }
      const at = new Date(sendAt.getTime() + (2 + random() * 12) * 86_400_000);
      return { answers, npsScore: score, at, rulesEvaluatedAt: at };
    }, followUps);
  }
  return created;
}
