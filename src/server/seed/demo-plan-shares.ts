import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import { accountPlanActions, accountPlans, contacts, planShares } from '../db/schema/index.js';
import { findAccountByName } from '../db/queries/accounts.js';
import { createTask } from '../db/queries/tasks.js';
import { getPlan, insertPlanAction, listPlanActions, recordPlanChange } from '../db/queries/account-plans.js';
import { insertPlanComment, insertPlanShare } from '../db/queries/plan-shares.js';
import { generateToken, hashToken } from '../auth/tokens.js';

/**
 * The demo's plan shared with its customer (issue 14, part 3): Northwind Logistics' plan has both goals and two
 * actions marked joint (one on their side), shared with their instigator, who opened it three days ago, commented
 * twice (the owner answered once) and proposed an action. The link's token is random and thrown away — only its
 * hash is kept, as for every link; to see the customer's page, share the plan again from the plan page.
 * Idempotent: a plan that already has a share is left alone. Returns how many plans it shared.
 */

const DAY = 86_400_000;

export async function seedDemoPlanShares(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const account = await findAccountByName(db, 'Northwind Logistics');
  const plan = account ? await getPlan(db, account.id) : undefined;
  if (!account || !plan) return 0;
  const [existing] = await db.select({ id: planShares.id }).from(planShares).where(eq(planShares.planId, plan.id)).limit(1);
  if (existing) return 0;
  const [contact] = await db
    .select({ id: contacts.id, name: contacts.name })
    .from(contacts)
    .where(and(eq(contacts.accountId, account.id), eq(contacts.level, 'instigator'), isNull(contacts.deletedAt)))
    .orderBy(asc(contacts.createdAt), asc(contacts.id))
    .limit(1);
  if (!contact) return 0;
  const actions = await listPlanActions(db, plan.id);
  const review = actions.find((a) => a.task.title.startsWith('Quarterly business review'));

  await db.transaction(async (tx) => {
    await tx.update(accountPlans).set({ jointGoals: ['value', 'relationships'] }).where(eq(accountPlans.id, plan.id));
    if (review) await tx.update(accountPlanActions).set({ joint: true }).where(eq(accountPlanActions.id, review.action.id));
    // Their side: carried out by their instigator, followed up by our owner.
    const calendar = await createTask(
      tx,
      { accountId: account.id, title: 'Share the hub roll-out calendar with our planners', priority: 'normal', assigneeId: account.ownerId, createdBy: account.ownerId, dueAt: new Date(now.getTime() + 10 * DAY) },
      new Date(now.getTime() - 20 * DAY),
    );
    const theirs = await insertPlanAction(tx, {
      planId: plan.id,
      taskId: calendar.id,
      goal: 'value',
      createdAt: new Date(now.getTime() - 20 * DAY),
      joint: true,
      side: 'theirs',
      theirOwnerContactId: contact.id,
    });
    await recordPlanChange(tx, { planId: plan.id, changedBy: account.ownerId, changedAt: new Date(now.getTime() - 20 * DAY), section: 'implementation', summary: 'Added action: Share the hub roll-out calendar with our planners' });
    const share = await insertPlanShare(tx, {
      planId: plan.id,
      accountId: account.id,
      contactId: contact.id,
      tokenHash: hashToken(generateToken()),
      createdBy: account.ownerId,
      createdAt: new Date(now.getTime() - 14 * DAY),
      expiresAt: new Date(now.getTime() + 76 * DAY),
    });
    await tx.update(planShares).set({ lastViewedAt: new Date(now.getTime() - 3 * DAY) }).where(eq(planShares.id, share.id));
    const by = { planId: plan.id, shareId: share.id, contactId: contact.id };
    await insertPlanComment(tx, { ...by, actionId: review?.action.id ?? null, body: 'Could our new finance lead join the review? She owns the hub budget.', createdAt: new Date(now.getTime() - 9 * DAY) });
    await insertPlanComment(tx, { planId: plan.id, actionId: review?.action.id ?? null, userId: account.ownerId, body: 'Of course — I will send her the invitation this week.', createdAt: new Date(now.getTime() - 8 * DAY) });
    await insertPlanComment(tx, { ...by, actionId: theirs.id, body: 'The calendar is waiting for the board’s sign-off; expect it next week.', createdAt: new Date(now.getTime() - 3 * DAY) });
    // Their proposal: a task for our owner, a joint action on their side.
    const proposalTitle = 'Joint visit to the Rotterdam hub before the cold-chain pilot';
    const proposal = await createTask(
      tx,
      { accountId: account.id, contactId: contact.id, title: proposalTitle, priority: 'normal', assigneeId: account.ownerId, dueAt: new Date(now.getTime() + 30 * DAY) },
      new Date(now.getTime() - 3 * DAY),
    );
    await insertPlanAction(tx, {
      planId: plan.id,
      taskId: proposal.id,
      goal: 'other',
      createdAt: new Date(now.getTime() - 3 * DAY),
      joint: true,
      side: 'theirs',
      theirOwnerContactId: contact.id,
      proposedByContactId: contact.id,
    });
    await recordPlanChange(tx, {
      planId: plan.id,
      changedBy: null,
      changedByContactId: contact.id,
      changedAt: new Date(now.getTime() - 3 * DAY),
      section: 'implementation',
      summary: `Proposed on the shared plan by ${contact.name}: ${proposalTitle}`,
    });
  });
  return 1;
}
