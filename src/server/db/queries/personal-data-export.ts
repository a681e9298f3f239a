import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import {
  accountCounterpartPairs,
  accounts,
  campaigns,
  contacts,
  invitations,
  messages,
  planComments,
  planShares,
  responses,
  surveys,
  surveyVersions,
  taskComments,
  tasks,
  touchpoints,
  users,
} from '../schema/index.js';
import { isErasedAddress } from './erased-emails.js';
import { localize } from '../../../shared/i18n.js';
import type { PersonalDataExport } from '../../../shared/schemas/personal-data.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Everything held about one contact (GDPR art. 15): the contact and where they sit on the people map, every
 * invitation, answer, email to them and follow-up task raised from their answers. Reads only; the contact may
 * have been removed or erased.
 */
export async function exportPersonalData(
  db: Db,
  contactId: string,
  options: { now: Date; companyName: string },
): Promise<PersonalDataExport> {
  const counterpart = alias(users, 'counterpart');
  const [found] = await db
    .select({
      contact: contacts,
      accountName: accounts.name,
      counterpartName: counterpart.name,
      addressSuppressed: sql<boolean>`${isErasedAddress(contacts.email)}`,
    })
    .from(contacts)
    .innerJoin(accounts, eq(accounts.id, contacts.accountId))
    .leftJoin(counterpart, eq(counterpart.id, contacts.counterpartId))
    .where(eq(contacts.id, contactId));
  if (!found) throw new Error(`contact ${contactId} not found`);
  const { contact } = found;

  const [pairs, invitationRows, responseRows, taskRows, touchpointRows] = await Promise.all([
    db
      .select({ pair: accountCounterpartPairs, colleague: users.name })
      .from(accountCounterpartPairs)
      .innerJoin(users, eq(users.id, accountCounterpartPairs.userId))
      .where(eq(accountCounterpartPairs.contactId, contactId))
      .orderBy(asc(accountCounterpartPairs.createdAt)),
    db
      .select({ invitation: invitations, campaignName: campaigns.name })
      .from(invitations)
      .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
      .where(eq(invitations.contactId, contactId))
      .orderBy(asc(invitations.createdAt), asc(invitations.id)),
    db
      .select({ response: responses, campaignName: campaigns.name, surveyName: surveys.name, definition: surveyVersions.definition })
      .from(responses)
      .innerJoin(campaigns, eq(campaigns.id, responses.campaignId))
      .innerJoin(surveys, eq(surveys.id, responses.surveyId))
      .innerJoin(surveyVersions, eq(surveyVersions.id, responses.surveyVersionId))
      .where(eq(responses.contactId, contactId))
      .orderBy(asc(responses.startedAt), asc(responses.id)),
    db
      .select()
      .from(tasks)
      .where(
        or(
          eq(tasks.contactId, contactId),
          inArray(tasks.responseId, db.select({ id: responses.id }).from(responses).where(eq(responses.contactId, contactId))),
        ),
      )
      .orderBy(asc(tasks.createdAt), asc(tasks.id)),
    db
      .select({ id: touchpoints.id, occurredOn: touchpoints.occurredOn, kind: touchpoints.kind, notes: touchpoints.notes })
      .from(touchpoints)
      .where(sql`${contactId}::uuid = any(${touchpoints.contactIds})`)
      .orderBy(asc(touchpoints.occurredOn), asc(touchpoints.id)),
  ]);

  const [shareRows, planCommentRows] = await Promise.all([
    db.select().from(planShares).where(eq(planShares.contactId, contactId)).orderBy(asc(planShares.createdAt), asc(planShares.id)),
    db.select().from(planComments).where(eq(planComments.contactId, contactId)).orderBy(asc(planComments.createdAt), asc(planComments.id)),
  ]);
  const invitationIds = invitationRows.map((r) => r.invitation.id);
  const taskIds = taskRows.map((t) => t.id);
  const [emailRows, commentRows] = await Promise.all([
    db
      .select()
      .from(messages)
      .where(
        or(
          invitationIds.length ? inArray(messages.invitationId, invitationIds) : undefined,
          // "What we did with your feedback" emails: about one of their tasks, to them.
          taskIds.length && contact.email
            ? and(inArray(messages.taskId, taskIds), sql`lower(${messages.toAddress}) = lower(${contact.email})`)
            : undefined,
          sql`false`,
        ),
      )
      .orderBy(asc(messages.createdAt), asc(messages.sequence), asc(messages.id)),
    taskIds.length
      ? db.select().from(taskComments).where(inArray(taskComments.taskId, taskIds)).orderBy(asc(taskComments.createdAt), asc(taskComments.id))
      : Promise.resolve([]),
  ]);

  return {
    exportedAt: options.now.toISOString(),
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      title: contact.title,
      language: contact.language,
      createdAt: contact.createdAt.toISOString(),
      updatedAt: contact.updatedAt.toISOString(),
      removedAt: iso(contact.deletedAt),
      erasedAt: iso(contact.erasedAt),
    },
    account: { id: contact.accountId, name: found.accountName },
    peopleMap: {
      level: contact.level,
      buyingRole: contact.buyingRole,
      relationshipStrength: contact.relationshipStrength,
      counterpart: contact.counterpartId ? { id: contact.counterpartId, name: found.counterpartName ?? '' } : null,
      pairs: pairs.map((p) => ({ function: p.pair.function, colleague: p.colleague, notes: p.pair.notes, createdAt: p.pair.createdAt.toISOString() })),
    },
    touchpoints: touchpointRows,
    sharedPlan: {
      links: shareRows.map((s) => ({ id: s.id, createdAt: s.createdAt.toISOString(), expiresAt: s.expiresAt.toISOString(), revokedAt: iso(s.revokedAt), lastViewedAt: iso(s.lastViewedAt) })),
      comments: planCommentRows.map((c) => ({ id: c.id, actionId: c.actionId, body: c.body, createdAt: c.createdAt.toISOString() })),
    },
    mailing: { unsubscribed: contact.unsubscribed, bounced: contact.bounced, addressSuppressed: Boolean(found.addressSuppressed) },
    invitations: invitationRows.map(({ invitation: i, campaignName }) => ({
      id: i.id,
      campaignId: i.campaignId,
      campaignName,
      wave: i.wave,
      email: i.email,
      language: i.language,
      status: i.status,
      skipReason: i.skipReason,
      createdAt: i.createdAt.toISOString(),
      sentAt: iso(i.sentAt),
      lastSentAt: iso(i.lastSentAt),
      remindersSent: i.remindersSent,
      expiresAt: iso(i.expiresAt),
      respondedAt: iso(i.respondedAt),
    })),
    responses: responseRows.map(({ response: r, campaignName, surveyName, definition }) => {
      const asked = definition.questions.filter((q) => q.key in r.answers);
      const unknown = Object.keys(r.answers).filter((key) => !definition.questions.some((q) => q.key === key));
      return {
        id: r.id,
        invitationId: r.invitationId,
        campaignName,
        surveyName,
        language: r.language,
        npsScore: r.npsScore,
        startedAt: r.startedAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
        completedAt: iso(r.completedAt),
        answers: [
          ...asked.map((q) => ({ questionKey: q.key, question: localize(q.text, 'en', { company: options.companyName }), answer: r.answers[q.key] ?? null })),
          ...unknown.map((key) => ({ questionKey: key, question: key, answer: r.answers[key] ?? null })),
        ],
      };
    }),
    emails: emailRows.map((m) => ({
      id: m.id,
      kind: m.kind,
      to: m.toAddress,
      subject: m.subject,
      text: m.text,
      html: m.html,
      status: m.status,
      createdAt: m.createdAt.toISOString(),
      sentAt: iso(m.sentAt),
      updatedAt: m.updatedAt.toISOString(),
    })),
    tasks: taskRows.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      priority: t.priority,
      status: t.status,
      resolution: t.resolution,
      createdAt: t.createdAt.toISOString(),
      dueAt: t.dueAt.toISOString(),
      closedAt: iso(t.closedAt),
      comments: commentRows.filter((c) => c.taskId === t.id).map((c) => ({ body: c.body, createdAt: c.createdAt.toISOString() })),
    })),
  };
}
