import { and, asc, eq, inArray, isNull, lt, notInArray, or, sql } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import type { Db } from '../db/client.js';
import { accounts, contacts, followUpRules, responses, surveyVersions, taskResponses, tasks, users } from '../db/schema/index.js';
import { matchRules } from '../domain/follow-up-rules.js';
import { addBusinessDays } from '../domain/business-days.js';
import { dispatch, queueTaskAssignedEmail } from './task-notifications.js';
import { recordDetractorAlert } from './chat-alerts.js';
import { nudgeDeliveries } from '../integrations/delivery/engine.js';
import { recordResponseEvent, recordTaskEvent } from '../integrations/webhook-events.js';

const REVISED = 'The customer changed their answer; this follow-up no longer applies.';

/**
 * Turns one response into follow-up tasks. Idempotent: a task is keyed by (response, rule), so running it
 * again — after a revision, or from the scheduler's sweep — updates the task instead of adding one; a task
 * whose rule no longer matches the revised answer is dismissed while nobody has worked on it. A contact's
 * answer that triggers a rule for which they already have an open task joins that task (task_responses)
 * instead of opening a second one.
 */
export async function evaluateFollowUps(deps: AppDeps, responseId: string): Promise<number> {
  const { db, clock, config } = deps;
  const now = clock.now();
  const [found] = await db
    .select({
      response: responses,
      definition: surveyVersions.definition,
      ownerId: accounts.ownerId,
      accountName: accounts.name,
      contactName: contacts.name,
      counterpartId: contacts.counterpartId,
      counterpartActive: sql<boolean>`coalesce(not ${users.disabled}, false)`,
    })
    .from(responses)
    .innerJoin(surveyVersions, eq(surveyVersions.id, responses.surveyVersionId))
    .innerJoin(accounts, eq(accounts.id, responses.accountId))
    .innerJoin(contacts, eq(contacts.id, responses.contactId))
    .leftJoin(users, eq(users.id, contacts.counterpartId))
    .where(eq(responses.id, responseId));
  if (!found) return 0;
  const rules = await db.select().from(followUpRules).where(eq(followUpRules.enabled, true));
  const matches = matchRules(rules, found.response.answers, found.definition, { contactName: found.contactName, companyName: config.companyName });

  const contactId = found.response.contactId;
  let alerted = false;
  let webhookEvents = 0;
  const batchKeys = await db.transaction(async (tx) => {
    // One contact's answers are turned into tasks one at a time, across every process (a transaction-scoped
    // advisory lock, released at commit): two answers arriving at once cannot both open a task for one rule.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'follow-up:' + contactId}, 0))`);
    const keys: (string | null)[] = [];
    const opened: { taskId: string; questionKey: string }[] = [];
    const linked = await tx
      .select({ taskId: tasks.id, ruleId: tasks.ruleId, primary: sql<boolean>`${tasks.responseId} = ${responseId}` })
      .from(taskResponses)
      .innerJoin(tasks, eq(tasks.id, taskResponses.taskId))
      .where(eq(taskResponses.responseId, responseId));
    for (const { rule, title, description } of matches) {
      // This answer joined another answer's task earlier: keep it there, with the latest words.
      const joined = linked.find((l) => l.ruleId === rule.id && !l.primary);
      if (joined) {
        await tx.update(tasks).set({ title, description, updatedAt: now }).where(eq(tasks.id, joined.taskId));
        continue;
      }
      // The contact already has an open task for this rule (from an earlier answer): this answer joins it.
      const [open] = linked.some((l) => l.ruleId === rule.id)
        ? []
        : await tx
            .select({ id: tasks.id })
            .from(tasks)
            .where(and(eq(tasks.contactId, contactId), eq(tasks.ruleId, rule.id), inArray(tasks.status, ['open', 'in_progress'])))
            .orderBy(asc(tasks.createdAt), asc(tasks.id))
            .limit(1);
      if (open) {
        await tx.update(tasks).set({ title, description, updatedAt: now }).where(eq(tasks.id, open.id));
        await tx.insert(taskResponses).values({ taskId: open.id, responseId, addedAt: now }).onConflictDoNothing();
        continue;
      }
      const assigneeId = rule.assignee === 'counterpart' && found.counterpartId && found.counterpartActive ? found.counterpartId : found.ownerId;
      const [saved] = await tx
        .insert(tasks)
        .values({
          accountId: found.response.accountId,
          contactId,
          responseId,
          ruleId: rule.id,
          title,
          description,
          priority: rule.priority,
          assigneeId,
          dueAt: addBusinessDays(now, rule.dueInBusinessDays, config.timeZone),
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [tasks.responseId, tasks.ruleId],
          targetWhere: sql`${tasks.responseId} is not null and ${tasks.ruleId} is not null`,
          // The customer's latest words; a task dismissed by an earlier revision opens again.
          set: {
            title,
            description,
            updatedAt: now,
            status: sql`case when ${tasks.status} = 'dismissed' and ${tasks.resolution} = ${REVISED} then 'open'::task_status else ${tasks.status} end`,
            resolution: sql`case when ${tasks.resolution} = ${REVISED} then null else ${tasks.resolution} end`,
          },
        })
        .returning({ id: tasks.id, inserted: sql<boolean>`(xmax = 0)` });
      if (!saved) continue;
      await tx.insert(taskResponses).values({ taskId: saved.id, responseId, addedAt: now }).onConflictDoNothing();
      if (saved.inserted && config.taskEmails === 'immediate') keys.push(await queueTaskAssignedEmail(deps, tx, saved.id));
      if (saved.inserted) opened.push({ taskId: saved.id, questionKey: rule.questionKey });
    }
    const matched = matches.map((m) => m.rule.id);
    const unmatched = (ruleId: string | null) => ruleId !== null && !matched.includes(ruleId);
    // A revised answer that no longer triggers the rule of a task it joined leaves that task (which stays, for its own answer).
    const leaving = linked.filter((l) => !l.primary && unmatched(l.ruleId)).map((l) => l.taskId);
    if (leaving.length) await tx.delete(taskResponses).where(and(eq(taskResponses.responseId, responseId), inArray(taskResponses.taskId, leaving)));
    // The task this answer opened is dismissed while nobody has worked on it and no other answer of the contact keeps it.
    await tx
      .update(tasks)
      .set({ status: 'dismissed', resolution: REVISED, closedAt: now, updatedAt: now })
      .where(
        and(
          eq(tasks.responseId, responseId),
          eq(tasks.status, 'open'),
          isNull(tasks.firstActionAt),
          matched.length ? notInArray(tasks.ruleId, matched) : sql`true`,
          sql`not exists (select 1 from ${taskResponses} where ${taskResponses.taskId} = ${tasks.id} and ${taskResponses.responseId} <> ${responseId})`,
        ),
      );
    await tx.update(responses).set({ rulesEvaluatedAt: now }).where(eq(responses.id, responseId));
    // Webhooks, with this transaction: the response (created and completed, once each: dedupe keys; the answer path
    // announces `response.created` sooner, this catches a crash in between) and the tasks it opened.
    webhookEvents += (await recordResponseEvent(tx, 'response.created', responseId, config.publicUrl, now)) ? 1 : 0;
    webhookEvents += (await recordResponseEvent(tx, 'response.completed', responseId, config.publicUrl, now)) ? 1 : 0;
    for (const o of opened) webhookEvents += (await recordTaskEvent(tx, 'task.created', o.taskId, config.publicUrl, now)) ? 1 : 0;
    // Slack and Teams hear of a detractor with the task opened for them (once per response: its dedupe key).
    alerted = await recordDetractorAlert(tx, deps, {
      responseId,
      npsScore: found.response.npsScore,
      answers: found.response.answers,
      questions: found.definition.questions,
      account: { id: found.response.accountId, name: found.accountName, ownerId: found.ownerId },
      contact: { id: contactId, name: found.contactName },
    }, opened);
    return keys;
  });
  await dispatch(deps, batchKeys);
  if (alerted || webhookEvents > 0) await nudgeDeliveries(deps);
  return matches.length;
}

const IDLE_MS = 24 * 3600_000;

/**
 * Responses whose rules have not seen their latest answers: completed ones at once, partial ones once they
 * have been idle for a day (so a lone detractor click, never followed by "send", is not lost).
 */
export async function responsesAwaitingFollowUp(db: Db, now: Date, limit = 500): Promise<string[]> {
  const idleSince = new Date(now.getTime() - IDLE_MS);
  const stale = or(isNull(responses.rulesEvaluatedAt), lt(responses.rulesEvaluatedAt, responses.updatedAt));
  const rows = await db
    .select({ id: responses.id })
    .from(responses)
    .where(
      and(
        stale,
        sql`${responses.answers} <> '{}'::jsonb`,
        or(sql`${responses.completedAt} is not null`, lt(responses.updatedAt, idleSince)),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}


