import { and, count, eq, gt, inArray, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../http/context.js';
import type { Db } from '../db/client.js';
import { hashToken } from '../auth/tokens.js';
import { accountPlanActions, messages, planComments, tasks, type PlanFieldChanges } from '../db/schema/index.js';
import { listPlanActions, recordPlanChange, insertPlanAction } from '../db/queries/account-plans.js';
import { findPlanShareByHash, insertPlanComment, listPlanComments, markPlanShareViewed, type FoundPlanShare } from '../db/queries/plan-shares.js';
import { storedNotification } from '../db/queries/messages.js';
import { createTask, firstAction } from '../db/queries/tasks.js';
import { contactMayMarkDone, jointGoalTexts, shareState, sharedActions, type ActionFacts } from '../domain/plan-share.js';
import { renderPlanFeedback } from '../email/plan-share-templates.js';
import { dispatch } from './task-notifications.js';
import { recordTaskEvent } from '../integrations/webhook-events.js';
import { nudgeDeliveries } from '../integrations/delivery/engine.js';
import type { PlanComment, SharedPlan } from '../../shared/schemas/plan-share.js';

/**
 * The customer's side of a shared plan (issue 14, part 3): opening a link, reading the joint part of the plan, and
 * what the contact may do there. Every read goes through `readSharedPlan`, which lists what may leave the house.
 */

export type OpenedShare =
  | { status: 'unknown' }
  /** Revoked, expired, or the contact is gone: the page says so in their language, and nothing is written. */
  | { status: 'gone'; language: string }
  | { status: 'ok'; found: FoundPlanShare };

export async function openPlanShare(deps: AppDeps, token: string): Promise<OpenedShare> {
  if (!/^[\w-]{20,100}$/.test(token)) return { status: 'unknown' };
  const found = await findPlanShareByHash(deps.db, hashToken(token));
  if (!found) return { status: 'unknown' };
  const gone = shareState(found.share, deps.clock.now()) !== 'active' || found.contact.erasedAt || found.contact.deletedAt;
  if (gone) return { status: 'gone', language: found.contact.erasedAt ? 'en' : found.contact.language };
  return { status: 'ok', found };
}

/** Reading the plan counts as a view ("last viewed 3 days ago" beside the partnership signal). */
export async function markViewed(deps: AppDeps, found: FoundPlanShare): Promise<void> {
  await markPlanShareViewed(deps.db, found.share.id, deps.clock.now());
}

type ActionRow = Awaited<ReturnType<typeof listPlanActions>>[number];
const factsOf = (r: ActionRow): ActionFacts => ({
  id: r.action.id,
  joint: r.action.joint,
  side: r.action.side,
  title: r.task.title,
  status: r.task.status,
  dueAt: r.task.dueAt,
  assigneeName: r.assigneeName,
  theirOwnerName: r.theirOwnerName,
  proposedByContactId: r.action.proposedByContactId,
});

/** Comments on the plan as a whole or on one of the given actions, oldest first. */
export async function planCommentsOn(db: Db, planId: string, actionIds: Set<string> | null): Promise<PlanComment[]> {
  const rows = await listPlanComments(db, planId);
  return rows
    .filter((r) => actionIds === null || r.comment.actionId === null || actionIds.has(r.comment.actionId))
    .map((r) => ({
      id: r.comment.id,
      actionId: r.comment.actionId,
      body: r.comment.body,
      createdAt: r.comment.createdAt.toISOString(),
      author: r.comment.contactId ? { kind: 'contact' as const, name: r.contactName ?? '' } : { kind: 'user' as const, name: r.userName ?? '' },
    }));
}

/** The joint part of the plan: joint goals' texts, joint actions (title, owner, status, due date), their comments. */
export async function readSharedPlan(db: Db, found: FoundPlanShare): Promise<SharedPlan> {
  const actions = sharedActions((await listPlanActions(db, found.plan.id)).map(factsOf));
  const comments = await planCommentsOn(db, found.plan.id, new Set(actions.map((a) => a.id)));
  return {
    accountName: found.account.name,
    contactName: found.contact.name,
    language: found.contact.language,
    goals: jointGoalTexts(found.plan),
    actions,
    comments,
    expiresAt: found.share.expiresAt.toISOString(),
  };
}

/** The joint action of this plan, if it is one; a non-joint action does not exist for the contact. */
async function jointAction(db: Db, found: FoundPlanShare, actionId: string) {
  const row = (await listPlanActions(db, found.plan.id)).find((r) => r.action.id === actionId);
  return row && row.action.joint ? row : undefined;
}

/**
 * Tells the account owner, once per comment or proposal (the report key is unique), by an email that names the
 * contact and the account but quotes nothing they wrote.
 */
async function queueOwnerNotice(deps: AppDeps, tx: Db, found: FoundPlanShare, kind: 'comment' | 'proposal', key: string): Promise<string | null> {
  if (found.owner.disabled) return null;
  const content = renderPlanFeedback({
    ownerName: found.owner.name,
    contactName: found.contact.name,
    accountName: found.account.name,
    kind,
    planUrl: `${deps.config.publicUrl}/accounts/${found.account.id}/plan`,
  });
  const batchKey = randomUUID();
  const [row] = await tx
    .insert(messages)
    .values(storedNotification({ to: found.owner.email, replyTo: null, ...content, purpose: `plan_${kind}`, reportKey: `plan_${kind}:${key}`, batchKey }, deps.clock.now()))
    .onConflictDoNothing()
    .returning({ id: messages.id });
  return row ? batchKey : null;
}

export type ContactActionResult = { ok: true } | { ok: false; reason: 'unknown_action' | 'not_their_side' | 'too_many' };

/**
 * What one contact may write on a shared plan in 24 hours (comments and proposals together): more than any real
 * conversation needs, few enough that a leaked link cannot flood the owner's inbox. Counted in the database, so it
 * holds across processes.
 */
export const SHARED_PLAN_WRITES_PER_DAY = 30;
/** The same words sent again this soon are one comment or proposal: a double click, a resent form. */
const REPEAT_WINDOW_MS = 10 * 60_000;

/**
 * Serializes one contact's writes on one plan (two clicks at once), then answers whether this write is a repeat
 * of one just made, or one too many today.
 */
async function guardContactWrite(tx: Db, found: FoundPlanShare, now: Date, repeatOf: () => Promise<boolean>): Promise<'write' | 'repeat' | 'too_many'> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`shared-plan:${found.plan.id}:${found.contact.id}`}, 0))`);
  if (await repeatOf()) return 'repeat';
  const since = new Date(now.getTime() - 86_400_000);
  const [comments] = await tx
    .select({ n: count() })
    .from(planComments)
    .where(and(eq(planComments.planId, found.plan.id), eq(planComments.contactId, found.contact.id), gt(planComments.createdAt, since)));
  const [proposals] = await tx
    .select({ n: count() })
    .from(accountPlanActions)
    .where(and(eq(accountPlanActions.planId, found.plan.id), eq(accountPlanActions.proposedByContactId, found.contact.id), gt(accountPlanActions.createdAt, since)));
  return (comments?.n ?? 0) + (proposals?.n ?? 0) >= SHARED_PLAN_WRITES_PER_DAY ? 'too_many' : 'write';
}

/** A comment from the contact, on the plan or one joint action; the owner is told. */
export async function addContactComment(deps: AppDeps, found: FoundPlanShare, input: { body: string; actionId: string | null }): Promise<ContactActionResult> {
  const { db, clock } = deps;
  if (input.actionId && !(await jointAction(db, found, input.actionId))) return { ok: false, reason: 'unknown_action' };
  const now = clock.now();
  const outcome = await db.transaction(async (tx) => {
    const guard = await guardContactWrite(tx, found, now, async () => {
      const [same] = await tx
        .select({ id: planComments.id })
        .from(planComments)
        .where(
          and(
            eq(planComments.planId, found.plan.id),
            eq(planComments.contactId, found.contact.id),
            input.actionId ? eq(planComments.actionId, input.actionId) : sql`${planComments.actionId} is null`,
            eq(planComments.body, input.body),
            gt(planComments.createdAt, new Date(now.getTime() - REPEAT_WINDOW_MS)),
          ),
        )
        .limit(1);
      return Boolean(same);
    });
    if (guard !== 'write') return guard;
    const comment = await insertPlanComment(tx, { planId: found.plan.id, actionId: input.actionId, shareId: found.share.id, contactId: found.contact.id, body: input.body, createdAt: now });
    return queueOwnerNotice(deps, tx, found, 'comment', comment.id);
  });
  if (outcome === 'too_many') return { ok: false, reason: 'too_many' };
  if (outcome !== 'repeat') await dispatch(deps, [outcome]);
  return { ok: true };
}

/** A line in the plan's history by the contact (their actions are the plan's implementation). */
function recordContactChange(tx: Db, found: FoundPlanShare, now: Date, summary: string, changes: PlanFieldChanges): Promise<void> {
  return recordPlanChange(tx, { planId: found.plan.id, changedBy: null, changedByContactId: found.contact.id, changedAt: now, section: 'implementation', summary, changes });
}

/** The contact closes one of their own side's open joint actions; ours are refused. Done twice is harmless. */
export async function markTheirActionDone(deps: AppDeps, found: FoundPlanShare, actionId: string): Promise<ContactActionResult> {
  const { db, clock } = deps;
  const row = await jointAction(db, found, actionId);
  if (!row) return { ok: false, reason: 'unknown_action' };
  if (row.action.side !== 'theirs') return { ok: false, reason: 'not_their_side' };
  if (!contactMayMarkDone({ joint: row.action.joint, side: row.action.side, status: row.task.status })) return { ok: true };
  const now = clock.now();
  const announced = await db.transaction(async (tx) => {
    const [closed] = await tx
      .update(tasks)
      .set({ status: 'done', resolution: `Marked done by ${found.contact.name} on the shared plan`, closedAt: now, firstActionAt: firstAction(now), updatedAt: now })
      .where(and(eq(tasks.id, row.task.id), inArray(tasks.status, ['open', 'in_progress'])))
      .returning({ id: tasks.id });
    if (!closed) return null;
    await recordContactChange(tx, found, now, `Marked done on the shared plan by ${found.contact.name}: ${row.task.title}`, {
      status: { from: row.task.status, to: 'done' },
    });
    return recordTaskEvent(tx, 'task.closed', closed.id, deps.config.publicUrl, now);
  });
  if (announced) await nudgeDeliveries(deps);
  return { ok: true };
}

const DEFAULT_PROPOSAL_DAYS = 30;

/**
 * The contact proposes an action: a task for the account owner to follow up, linked to the plan as a joint action
 * on their side, carried out by the contact; the history says who proposed it, and the owner is told.
 */
export async function proposeAction(deps: AppDeps, found: FoundPlanShare, input: { title: string; dueDate: string | null }): Promise<ContactActionResult> {
  const { db, clock } = deps;
  const now = clock.now();
  const dueAt = input.dueDate ? new Date(`${input.dueDate}T17:00:00Z`) : new Date(now.getTime() + DEFAULT_PROPOSAL_DAYS * 86_400_000);
  let announcedTask = false;
  const outcome = await db.transaction(async (tx) => {
    const guard = await guardContactWrite(tx, found, now, async () => {
      const [same] = await tx
        .select({ id: accountPlanActions.id })
        .from(accountPlanActions)
        .innerJoin(tasks, eq(tasks.id, accountPlanActions.taskId))
        .where(
          and(
            eq(accountPlanActions.planId, found.plan.id),
            eq(accountPlanActions.proposedByContactId, found.contact.id),
            eq(tasks.title, input.title),
            gt(accountPlanActions.createdAt, new Date(now.getTime() - REPEAT_WINDOW_MS)),
          ),
        )
        .limit(1);
      return Boolean(same);
    });
    if (guard !== 'write') return guard;
    const task = await createTask(
      tx,
      { accountId: found.account.id, contactId: found.contact.id, title: input.title, priority: 'normal', assigneeId: found.account.ownerId, dueAt },
      now,
    );
    if (await recordTaskEvent(tx, 'task.created', task.id, deps.config.publicUrl, now)) announcedTask = true;
    const action = await insertPlanAction(tx, {
      planId: found.plan.id,
      taskId: task.id,
      goal: 'other',
      createdAt: now,
      joint: true,
      side: 'theirs',
      theirOwnerContactId: found.contact.id,
      proposedByContactId: found.contact.id,
    });
    await recordContactChange(tx, found, now, `Proposed on the shared plan by ${found.contact.name}: ${input.title}`, {
      action: { from: null, to: { title: input.title, dueDate: dueAt.toISOString().slice(0, 10), side: 'theirs', joint: true } },
    });
    return queueOwnerNotice(deps, tx, found, 'proposal', action.id);
  });
  if (outcome === 'too_many') return { ok: false, reason: 'too_many' };
  if (outcome !== 'repeat') await dispatch(deps, [outcome]);
  if (announcedTask) await nudgeDeliveries(deps);
  return { ok: true };
}

