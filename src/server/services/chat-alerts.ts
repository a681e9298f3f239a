import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import type { Db } from '../db/client.js';
import { outgoingEvents, users, webhookEndpoints } from '../db/schema/index.js';
import { recordEvent } from '../integrations/events.js';
import { customerWords, summarizeRisk } from '../domain/chat-messages.js';
import { buildRiskReport } from './account-risk.js';
import type { DetractorAlertPayload, RiskSummaryPayload } from '../../shared/schemas/chat-channels.js';
import { nudgeDeliveries, sendToOneEndpoint } from '../integrations/delivery/engine.js';

/*
 * What Slack and Teams channels hear (issue 15): a detractor alert when a follow-up task is opened for a detractor's
 * answer, and the Monday risk report's summary. Events are written with the change that causes them (recordEvent, in
 * its transaction) and sent by the delivery engine from the queue, never from the request; a channel's owner hears
 * only the accounts they own.
 */

/** NPS 0–6. */
const isDetractorScore = (score: number | null): score is number => score !== null && score >= 0 && score <= 6;

export interface DetractorAnswer {
  responseId: string;
  npsScore: number | null;
  answers: Record<string, unknown>;
  questions: { key: string; kind: string }[];
  account: { id: string; name: string; ownerId: string };
  contact: { id: string; name: string };
}

/**
 * Inside the transaction that opened follow-up tasks for a response: when the answer is a detractor's and a task was
 * opened, one `detractor.alert` (once per response, whatever the number of tasks or re-evaluations: the dedupe key).
 * The task linked is the one opened by a rule on the NPS question, else the first. Returns whether an event was
 * written (then the caller nudges the delivery engine after commit).
 */
export async function recordDetractorAlert(
  tx: Db,
  deps: Pick<AppDeps, 'config' | 'clock'>,
  answer: DetractorAnswer,
  opened: { taskId: string; questionKey: string }[],
): Promise<boolean> {
  if (!opened.length || !isDetractorScore(answer.npsScore)) return false;
  const npsKey = answer.questions.find((q) => q.kind === 'nps')?.key;
  const task = opened.find((t) => t.questionKey === npsKey) ?? opened[0]!;
  const payload: DetractorAlertPayload = {
    account: { id: answer.account.id, name: answer.account.name },
    contact: { id: answer.contact.id, name: answer.contact.name },
    score: answer.npsScore,
    comment: customerWords(answer.questions, answer.answers),
    taskId: task.taskId,
    taskUrl: `${deps.config.publicUrl}/tasks/${task.taskId}`,
    responseId: answer.responseId,
  };
  const id = await recordEvent(
    tx,
    {
      type: 'detractor.alert',
      payload: { ...payload, accountOwnerId: answer.account.ownerId, contactId: answer.contact.id },
      accountOwnerId: answer.account.ownerId,
      contactId: answer.contact.id,
      dedupeKey: `detractor.alert:${answer.responseId}`,
    },
    deps.clock.now(),
  );
  return id !== null;
}

/**
 * The risk summary of one edition of the Monday report: the portfolio for installation channels (one event, dedupe
 * key `risk.summary:<edition>`), and for each person with a channel of their own the summary of their accounts (one
 * event each, `risk.summary:<edition>:<userId>`, heard by their channels only). Safe to call every minute: it costs
 * one query once the edition's events exist, and builds the report only when some audience still needs it.
 */
export async function queueRiskSummaries(
  deps: AppDeps,
  edition: { edition: string; weekOf: string | null },
): Promise<number> {
  const { db, config, clock } = deps;
  const listening = await db
    .selectDistinct({ userId: webhookEndpoints.userId })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), sql`${'risk.summary'} = any(${webhookEndpoints.eventTypes})`));
  if (!listening.length) return 0;

  const portfolioKey = `risk.summary:${edition.edition}`;
  const ownerIds = listening.map((l) => l.userId).filter((id): id is string => id !== null);
  const audiences = [
    ...(listening.some((l) => l.userId === null) ? [{ key: portfolioKey, userId: null as string | null }] : []),
    ...ownerIds.map((userId) => ({ key: `${portfolioKey}:${userId}`, userId })),
  ];
  const done = new Set(
    (await db.select({ key: outgoingEvents.dedupeKey }).from(outgoingEvents).where(inArray(outgoingEvents.dedupeKey, audiences.map((a) => a.key))))
      .map((r) => r.key),
  );
  const pending = audiences.filter((a) => !done.has(a.key));
  if (!pending.length) return 0;

  const owners = ownerIds.length
    ? await db.select({ id: users.id, name: users.name }).from(users).where(and(inArray(users.id, ownerIds), eq(users.disabled, false)))
    : [];
  const report = await buildRiskReport(deps, { ownerId: null });
  const accountUrl = (id: string) => `${config.publicUrl}/accounts/${id}`;
  const now = clock.now();
  const events: { payload: RiskSummaryPayload; accountOwnerId: string | null; key: string }[] = [];
  for (const audience of pending) {
    if (audience.userId === null) {
      const payload = summarizeRisk(report.accounts, { ...edition, scope: 'portfolio', ownerName: null, reportUrl: `${config.publicUrl}/overview` }, accountUrl);
      events.push({ payload, accountOwnerId: null, key: audience.key });
      continue;
    }
    const owner = owners.find((o) => o.id === audience.userId);
    const mine = report.accounts.filter((a) => a.owner.id === audience.userId);
    // Someone who owns no account in the report (an executive, an admin, a manager between portfolios) has nothing
    // to hear about; a disabled person's channel stays quiet.
    if (!owner || !mine.length) continue;
    const payload = summarizeRisk(mine, { ...edition, scope: 'own', ownerName: owner.name, reportUrl: `${config.publicUrl}/my-day` }, accountUrl);
    events.push({ payload, accountOwnerId: owner.id, key: audience.key });
  }
  if (!events.length) return 0;
  let written = 0;
  await db.transaction(async (tx) => {
    for (const e of events) {
      const id = await recordEvent(
        tx,
        { type: 'risk.summary', payload: e.payload, accountOwnerId: e.accountOwnerId, ownerChannelsOnly: e.accountOwnerId !== null, dedupeKey: e.key },
        now,
      );
      if (id) written++;
    }
  });
  if (written) await nudgeDeliveries(deps);
  return written;
}

/** The sample a "Send test" posts: a made-up detractor, marked as a test in the message. */
export function sampleDetractorAlert(publicUrl: string): DetractorAlertPayload {
  return {
    account: { id: '00000000-0000-4000-8000-000000000001', name: 'Northwind Traders (sample)' },
    contact: { id: '00000000-0000-4000-8000-000000000002', name: 'Alex Example' },
    score: 4,
    comment: 'Support took three weeks to answer our last ticket. (This is a sample answer.)',
    taskId: null,
    taskUrl: `${publicUrl}/tasks`,
    responseId: null,
    test: true,
  };
}

/**
 * Sends a sample detractor alert to one channel through the delivery engine (queue, retries, log), not to the other
 * channels listening to detractor alerts: an event of its own with one delivery, for this channel only.
 */
export async function sendChatTest(deps: AppDeps, endpointId: string): Promise<string> {
  const { eventId } = await sendToOneEndpoint(deps, endpointId, { type: 'detractor.alert', payload: { ...sampleDetractorAlert(deps.config.publicUrl) } });
  return eventId;
}

/** Installation channels and a person's own channels, for the API. */
export async function listChatChannels(db: Db, filter: { installation: boolean; userId: string }) {
  const mine = eq(webhookEndpoints.userId, filter.userId);
  return db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        inArray(webhookEndpoints.format, ['slack', 'teams']),
        filter.installation ? sql`(${isNull(webhookEndpoints.userId)} or ${mine})` : mine,
      ),
    )
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
}
