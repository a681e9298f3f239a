import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  accountCounterpartPairs,
  accountPlanActions,
  accountPlanChanges,
  accountPlans,
  contacts,
  invitations,
  messages,
  planComments,
  planShares,
  responses,
  taskComments,
  tasks,
  touchpoints,
} from '../schema/index.js';
import { ERASED_NAME, REDACTED, anonymizeAnswers, redact, redactJson, secretsOf, wordsOf } from '../../domain/erasure.js';
import { suppressErasedAddress } from './erased-emails.js';
import { deleteContactEvents } from './webhooks.js';

export interface ErasureOutcome {
  erasedAt: Date;
  /** False when the contact had been erased before: nothing was written this time. */
  erasedNow: boolean;
  /** How many rows lost personal data, for the audit entry (counts only, never content). */
  counts: { responses: number; invitations: number; emails: number; tasks: number; comments: number };
}

/**
 * Removes a contact's personal data for good (GDPR art. 17), in the caller's transaction: their name, address
 * and title; the words they wrote (scores and choices stay, anonymous); the address on their invitations and the
 * content of every email to them; and every copy the app made of their name, address or words — follow-up task
 * titles, descriptions, resolutions and comments, notification emails to the team, account-plan history, our notes
 * of meetings with the account. The row
 * stays, erased and removed, so answers and tasks keep their foreign keys. The address's hash is kept so it is
 * never surveyed again. A second call finds `erased_at` set and writes nothing.
 */
export async function eraseContactData(tx: Db, contactId: string, now: Date): Promise<ErasureOutcome> {
  // Row lock: two erasures at once run one after the other, and the second sees the first's erased_at.
  const [contact] = await tx.select().from(contacts).where(eq(contacts.id, contactId)).for('update');
  if (!contact) throw new Error(`contact ${contactId} vanished during erasure`);
  const counts = { responses: 0, invitations: 0, emails: 0, tasks: 0, comments: 0 };
  if (contact.erasedAt) return { erasedAt: contact.erasedAt, erasedNow: false, counts };

  const theirResponses = await tx.select({ id: responses.id, answers: responses.answers }).from(responses).where(eq(responses.contactId, contactId));
  // Who they are: taken out of everything on the account. What they wrote: out of what was made from their answers.
  const identifiers = secretsOf([contact.name, contact.email]);
  // Words they wrote on a shared plan: the actions they proposed (task titles, plan history) and their comments.
  const proposed = await tx
    .select({ title: tasks.title })
    .from(accountPlanActions)
    .innerJoin(tasks, eq(tasks.id, accountPlanActions.taskId))
    .where(eq(accountPlanActions.proposedByContactId, contactId));
  const planWords = proposed.map((p) => p.title);
  const everything = secretsOf([contact.name, contact.email, ...theirResponses.flatMap((r) => wordsOf(r.answers)), ...planWords]);

  for (const r of theirResponses) {
    await tx.update(responses).set({ answers: anonymizeAnswers(r.answers) }).where(eq(responses.id, r.id));
  }
  counts.responses = theirResponses.length;

  const responseIds = new Set(theirResponses.map((r) => r.id));
  const accountTasks = await tx
    .select({ id: tasks.id, contactId: tasks.contactId, responseId: tasks.responseId, title: tasks.title, description: tasks.description, resolution: tasks.resolution })
    .from(tasks)
    .where(eq(tasks.accountId, contact.accountId));
  const isTheirs = (t: { contactId: string | null; responseId: string | null }) => t.contactId === contactId || (t.responseId !== null && responseIds.has(t.responseId));
  const secretsFor = new Map(accountTasks.map((t) => [t.id, isTheirs(t) ? everything : identifiers]));
  for (const t of accountTasks) {
    const secrets = secretsFor.get(t.id)!;
    const next = { title: redact(t.title, secrets)!, description: redact(t.description, secrets), resolution: redact(t.resolution, secrets) };
    if (next.title === t.title && next.description === t.description && next.resolution === t.resolution) continue;
    await tx.update(tasks).set(next).where(eq(tasks.id, t.id));
    counts.tasks++;
  }

  if (accountTasks.length) {
    const comments = await tx
      .select({ id: taskComments.id, taskId: taskComments.taskId, body: taskComments.body })
      .from(taskComments)
      .where(inArray(taskComments.taskId, [...secretsFor.keys()]));
    for (const comment of comments) {
      const body = redact(comment.body, secretsFor.get(comment.taskId)!)!;
      if (body === comment.body) continue;
      await tx.update(taskComments).set({ body }).where(eq(taskComments.id, comment.id));
      counts.comments++;
    }
  }

  counts.emails += await eraseEmailsToThem(tx, contactId, contact.email, accountTasks.filter(isTheirs).map((t) => t.id), now);
  counts.emails += await redactTeamEmails(tx, [...secretsFor.keys()], secretsFor, everything);
  await redactPlanHistory(tx, contact.accountId, secretsOf([contact.name, contact.email, ...planWords]));
  await redactTouchpointNotes(tx, contact.accountId, identifiers);
  // The shared plan: their links stop working, and the comments they wrote are their words.
  await tx.update(planShares).set({ revokedAt: now }).where(and(eq(planShares.contactId, contactId), isNull(planShares.revokedAt)));
  await tx.update(planComments).set({ body: REDACTED }).where(eq(planComments.contactId, contactId));
  // Our notes on the pairing are about the person; the pair itself (our side, the function) stays in the map.
  await tx.update(accountCounterpartPairs).set({ notes: null }).where(eq(accountCounterpartPairs.contactId, contactId));

  const erasedInvitations = await tx
    .update(invitations)
    .set({
      email: '',
      // Their links stop working: nobody can add words to an erased response or read it back.
      tokenHash: null,
      unsubscribeTokenHash: null,
      status: sql`case when ${invitations.status} = 'pending' then 'cancelled'::invitation_status else ${invitations.status} end`,
    })
    .where(eq(invitations.contactId, contactId))
    .returning({ id: invitations.id });
  counts.invitations = erasedInvitations.length;

  await tx
    .update(contacts)
    .set({ name: ERASED_NAME, email: '', title: null, erasedAt: now, deletedAt: contact.deletedAt ?? now, updatedAt: now })
    .where(eq(contacts.id, contactId));
  if (contact.email) await suppressErasedAddress(tx, contact.email, now);
  // Webhook events holding their name, address or words: gone, with what was still to be sent of them (cascade).
  await deleteContactEvents(tx, contactId);
  return { erasedAt: now, erasedNow: true, counts };
}

/**
 * Emails to the person (invitations, reminders, "what we did with your feedback"): subject, bodies and address
 * go, status and dates stay; one still queued is cancelled, never sent to nobody.
 */
async function eraseEmailsToThem(tx: Db, contactId: string, email: string, theirTaskIds: string[], now: Date): Promise<number> {
  const toThem = or(
    inArray(messages.invitationId, tx.select({ id: invitations.id }).from(invitations).where(eq(invitations.contactId, contactId))),
    theirTaskIds.length && email ? and(inArray(messages.taskId, theirTaskIds), sql`lower(${messages.toAddress}) = lower(${email})`) : undefined,
  );
  const rows = await tx
    .update(messages)
    .set({
      toAddress: '',
      subject: null,
      html: null,
      text: null,
      headers: null,
      // A provider's error can quote the address.
      error: sql`case when ${messages.status} = 'queued' then 'contact erased' else null end`,
      status: sql`case when ${messages.status} = 'queued' then 'cancelled'::message_status else ${messages.status} end`,
      updatedAt: sql`case when ${messages.status} = 'queued' then ${now.toISOString()}::timestamptz else ${messages.updatedAt} end`,
    })
    .where(toThem)
    .returning({ id: messages.id });
  return rows.length;
}

/**
 * Emails to the team that name the person or quote them (a new follow-up, an escalation, the morning digest):
 * the name, address and words become "[erased]"; the rest of the email and its record stay. Found by a
 * case-insensitive search of the account's task emails and of the emails about no single task (the plain-text
 * part is searched: every notification is stored with one, saying what its HTML says).
 */
async function redactTeamEmails(tx: Db, accountTaskIds: string[], secretsFor: Map<string, string[]>, everything: string[]): Promise<number> {
  if (!everything.length) return 0;
  const needles = JSON.stringify([...new Set(everything.map((s) => s.toLowerCase()))]);
  const candidates = await tx
    .select({ id: messages.id, taskId: messages.taskId, subject: messages.subject, html: messages.html, text: messages.text })
    .from(messages)
    .where(
      and(
        eq(messages.kind, 'notification'),
        or(isNull(messages.taskId), accountTaskIds.length ? inArray(messages.taskId, accountTaskIds) : undefined),
        sql`exists (select 1 from jsonb_array_elements_text(${needles}::jsonb) n(v)
          where position(n.v in lower(concat_ws(' ', ${messages.subject}, ${messages.text}))) > 0)`,
      ),
    );
  let changed = 0;
  for (const m of candidates) {
    const secrets = (m.taskId && secretsFor.get(m.taskId)) || everything;
    const next = { subject: redact(m.subject, secrets), html: redact(m.html, secrets), text: redact(m.text, secrets) };
    if (next.subject === m.subject && next.html === m.html && next.text === m.text) continue;
    await tx.update(messages).set(next).where(eq(messages.id, m.id));
    changed++;
  }
  return changed;
}

/** The plan's history names the person where a pairing was made or undone ("Paired for finance: <name>"). */
/** Our notes of meetings and calls with the account name or write to them: their name and address become "[erased]". */
async function redactTouchpointNotes(tx: Db, accountId: string, identifiers: string[]): Promise<void> {
  const rows = await tx
    .select({ id: touchpoints.id, notes: touchpoints.notes })
    .from(touchpoints)
    .where(and(eq(touchpoints.accountId, accountId), sql`${touchpoints.notes} is not null`));
  for (const row of rows) {
    const notes = redact(row.notes, identifiers);
    if (notes !== row.notes) await tx.update(touchpoints).set({ notes }).where(eq(touchpoints.id, row.id));
  }
}

async function redactPlanHistory(tx: Db, accountId: string, identifiers: string[]): Promise<void> {
  const changes = await tx
    .select({ id: accountPlanChanges.id, summary: accountPlanChanges.summary, changes: accountPlanChanges.changes })
    .from(accountPlanChanges)
    .innerJoin(accountPlans, eq(accountPlans.id, accountPlanChanges.planId))
    .where(eq(accountPlans.accountId, accountId));
  for (const row of changes) {
    const next = { summary: redact(row.summary, identifiers)!, changes: redactJson(row.changes, identifiers) };
    if (next.summary === row.summary && JSON.stringify(next.changes) === JSON.stringify(row.changes)) continue;
    await tx.update(accountPlanChanges).set(next).where(eq(accountPlanChanges.id, row.id));
  }
}
