import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import { accounts, campaigns, contacts, invitations, pulses, responses, surveyVersions } from '../db/schema/index.js';
import { ensureBuiltInEventTypes, getEventTypeByKey } from '../db/queries/pulses.js';
import { createWave } from '../services/campaign-waves.js';
import { pulseCampaignName } from '../domain/pulses.js';
import { PULSE_COMMENT_KEY, PULSE_RATING_KEY, surveyLanguages } from '../domain/survey-templates.js';
import type { Answers } from '../../shared/schemas/survey.js';

const DAY = 86_400_000;

/**
 * The deliveries the demo's pulses follow: which account, how many days ago, the mark given (null: not answered) and
 * the comment. Atlas Health Group's latest delivery went badly: its low mark is left for the follow-up rules, so the
 * start-up sweep opens a task for Tom ("Low pulse from …: 4/10"), as the latest NPS wave's detractors do.
 */
const deliveries: { account: string; daysAgo: number; reference: string; mark: number | null; comment?: string }[] = [
  { account: 'Northwind Logistics', daysAgo: 150, reference: 'D-1031', mark: 9, comment: 'On time, and the driver called ahead.' },
  { account: 'Northwind Logistics', daysAgo: 95, reference: 'D-1036', mark: 8 },
  { account: 'Northwind Logistics', daysAgo: 48, reference: 'D-1042', mark: 10, comment: 'Perfect: the new labels save our dock team time.' },
  { account: 'Iberia Foods', daysAgo: 120, reference: 'D-2210', mark: 7, comment: 'Good, but the paperwork was missing a page.' },
  { account: 'Iberia Foods', daysAgo: 62, reference: 'D-2231', mark: null },
  { account: 'Atlas Health Group', daysAgo: 130, reference: 'D-3304', mark: 8 },
  { account: 'Atlas Health Group', daysAgo: 75, reference: 'D-3318', mark: 6, comment: 'Half a day late; nobody told us.' },
  { account: 'Atlas Health Group', daysAgo: 40, reference: 'D-3325', mark: 4, comment: 'Two pallets arrived damaged and we had to chase a replacement.' },
];

/**
 * A few delivery pulses over the last months for the demo's key accounts (issue 14, part 2), each sent as the
 * one-contact campaign the scheduler would have made, most answered with a mark out of ten and a comment. The contact
 * is each account's first implementer (the person who receives deliveries). Idempotent: a pulse already there (same
 * event, reference and contact) is left alone. Returns the pulses written.
 */
export async function seedDemoPulses(db: Db, links: LinkTokens, clock: Clock): Promise<number> {
  const now = clock.now();
  await ensureBuiltInEventTypes(db, now);
  const type = await getEventTypeByKey(db, 'delivery');
  if (!type) return 0;
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, type.surveyId)).orderBy(desc(surveyVersions.version)).limit(1);
  if (!version) return 0;
  const names = [...new Set(deliveries.map((d) => d.account))];
  const accountRows = await db.select({ id: accounts.id, name: accounts.name, ownerId: accounts.ownerId }).from(accounts).where(inArray(accounts.name, names));
  let created = 0;
  for (const delivery of deliveries) {
    const account = accountRows.find((a) => a.name === delivery.account);
    if (!account) continue;
    const [contact] = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.accountId, account.id), eq(contacts.level, 'implementer'), isNull(contacts.deletedAt)))
      .orderBy(asc(contacts.createdAt), asc(contacts.id))
      .limit(1);
    if (!contact) continue;
    const [existing] = await db
      .select({ id: pulses.id })
      .from(pulses)
      .where(and(eq(pulses.eventTypeId, type.id), eq(pulses.reference, delivery.reference), eq(pulses.contactId, contact.id)));
    if (existing) continue;
    const occurredAt = new Date(now.getTime() - delivery.daysAgo * DAY);
    const sendAt = new Date(occurredAt.getTime() + DAY);
    await db.transaction(async (tx) => {
      const audience = { accountIds: [], contactIds: [contact.id], levels: [], buyingRoles: [] };
      const [campaign] = await tx
        .insert(campaigns)
        .values({
          name: pulseCampaignName(type.key, delivery.reference),
          surveyId: type.surveyId,
          surveyVersionId: version.id,
          createdBy: account.ownerId,
          audience,
          status: 'closed',
          sendAt,
          expiresAfterDays: 14,
          createdAt: sendAt,
          updatedAt: sendAt,
        })
        .returning();
      await createWave(tx, links, campaign!, 1, { sendAt, now: sendAt, minDaysBetweenSurveys: 0, surveyLanguages: surveyLanguages(version.definition) });
      const [invitation] = await tx
        .update(invitations)
        .set({ status: 'sent', sentAt: sendAt, lastSentAt: sendAt })
        .where(and(eq(invitations.campaignId, campaign!.id), eq(invitations.status, 'pending')))
        .returning();
      await tx.insert(pulses).values({
        eventTypeId: type.id,
        reference: delivery.reference,
        accountId: account.id,
        contactId: contact.id,
        occurredAt,
        sendAt,
        status: 'sent',
        campaignId: campaign!.id,
        createdBy: account.ownerId,
        createdAt: occurredAt,
      });
      if (!invitation || delivery.mark === null) return;
      const at = new Date(sendAt.getTime() + 0.3 * DAY);
      const answers: Answers = { [PULSE_RATING_KEY]: delivery.mark, ...(delivery.comment ? { [PULSE_COMMENT_KEY]: delivery.comment } : {}) };
      await tx.insert(responses).values({
        id: randomUUID(),
        invitationId: invitation.id,
        campaignId: campaign!.id,
        surveyId: type.surveyId,
        surveyVersionId: version.id,
        accountId: account.id,
        contactId: contact.id,
        language: invitation.language,
        answers,
        npsScore: null,
        startedAt: at,
        updatedAt: at,
        completedAt: at,
        // The latest low mark is left for the follow-up rules (the start-up sweep opens its task); the rest count as handled.
        rulesEvaluatedAt: delivery.mark <= 6 && delivery.daysAgo < 45 ? null : at,
      });
      await tx.update(invitations).set({ respondedAt: at }).where(eq(invitations.id, invitation.id));
    });
    created++;
  }
  return created;
}
