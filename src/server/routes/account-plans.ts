import { Hono, type Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { conflict, invalid, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { assertUserReference, loadAccountFor } from '../http/access.js';
import { isOverdue } from '../domain/business-days.js';
import { diffPlanUpdate, shareDone } from '../domain/account-plan.js';
import { createTask } from '../db/queries/tasks.js';
import { getContactWithOwner } from '../db/queries/contacts.js';
import { getUser } from '../db/queries/users.js';
import {
  getCounterpartPair,
  getPlan,
  getTeamMember,
  insertPlanAction,
  listCounterpartPairs,
  listPlanActions,
  listPlanChanges,
  listRecentQuarterValues,
  listTeam,
  recordPlanChange,
  touchPlan,
} from '../db/queries/account-plans.js';
import { accountCounterpartPairs, accountPlanActions, accountTeamMembers } from '../db/schema/index.js';
import type { AccountRow } from '../db/queries/accounts.js';
import type { Db } from '../db/client.js';
import { IdParams, PageQuery } from '../../shared/schemas/common.js';
import {
  AccountPlan,
  CreateCounterpartPair,
  CreatePlanAction,
  CreateTeamMember,
  PlanAction,
  PlanCounterpartPair,
  PlanHistory,
  PlanItemParams,
  PlanTeamMember,
  UpdateAccountPlan,
  UpdatePlanAction,
} from '../../shared/schemas/account-plan.js';

/**
 * The account plan of a key account (issue 6, section 3). The account's manager and admins change it, executives
 * read it, another manager gets a 404. The plan row is created on the first write; every write is recorded in the
 * plan history. Actions are tasks: created with the task code, they show on the assignee's task list and close
 * like any task, and the plan reads their status from the task.
 */

/** A due date means the end of that working day, as for tasks created by hand. */
const dueDate = (value: string) => new Date(`${value}T17:00:00Z`);

type ActionRow = Awaited<ReturnType<typeof listPlanActions>>[number];

function toAction(row: ActionRow, now: Date): PlanAction {
  const open = row.task.status === 'open' || row.task.status === 'in_progress';
  return {
    id: row.action.id,
    taskId: row.task.id,
    title: row.task.title,
    description: row.task.description,
    goal: row.action.goal,
    status: row.task.status,
    assignee: { id: row.task.assigneeId, name: row.assigneeName },
    dueAt: row.task.dueAt.toISOString(),
    overdue: open && isOverdue(row.task.dueAt, now),
    closedAt: row.task.closedAt?.toISOString() ?? null,
    resolution: row.task.resolution,
    joint: row.action.joint,
    side: row.action.side,
    theirOwner: row.action.theirOwnerContactId ? { id: row.action.theirOwnerContactId, name: row.theirOwnerName ?? '' } : null,
    proposedBy: row.action.proposedByContactId ? { id: row.action.proposedByContactId, name: row.proposerName ?? '' } : null,
  };
}

/** A contact named on an action must be a current contact of this account. */
async function assertAccountContact(db: Db, accountId: string, path: string, contactId: string | null | undefined): Promise<string | null> {
  if (!contactId) return null;
  const contact = await getContactWithOwner(db, contactId);
  if (!contact || contact.contact.accountId !== accountId || contact.contact.erasedAt) throw invalid(path, 'is not a contact of this account');
  return contact.contact.name;
}

type PairRow = Awaited<ReturnType<typeof listCounterpartPairs>>[number];
const toPair = (r: PairRow) => ({
  id: r.pair.id,
  function: r.pair.function,
  notes: r.pair.notes,
  user: { id: r.pair.userId, name: r.userName },
  contact: { id: r.contact.id, name: r.contact.name, title: r.contact.title, level: r.contact.level, deleted: r.contact.deletedAt !== null },
});

async function readPlan(db: Db, account: AccountRow, now: Date): Promise<AccountPlan> {
  const [plan, values, team, pairs] = await Promise.all([
    getPlan(db, account.id),
    listRecentQuarterValues(db, account.id),
    listTeam(db, account.id),
    listCounterpartPairs(db, account.id),
  ]);
  const actions = plan ? await listPlanActions(db, plan.id) : [];
  const updater = plan?.updatedBy ? await getUser(db, plan.updatedBy) : undefined;
  return {
    accountId: account.id,
    accountName: account.name,
    planId: plan?.id ?? null,
    profile: {
      strategicInitiatives: plan?.strategicInitiatives ?? null,
      contractTerms: plan?.contractTerms ?? null,
      renewalDate: account.renewalDate ?? null,
      valueTrend: values.map((v) => ({
        quarter: v.quarter,
        revenue: v.revenue,
        grossProfit: v.grossProfit,
        contribution: v.grossProfit - v.teamCost - v.discounts,
      })),
    },
    intelligence: {
      strengths: plan?.strengths ?? [],
      weaknesses: plan?.weaknesses ?? [],
      opportunities: plan?.opportunities ?? [],
      threats: plan?.threats ?? [],
      competitors: plan?.competitors ?? [],
      ourShareOfSpend: plan?.ourShareOfSpend ?? null,
    },
    intentions: {
      year: plan?.goalsYear ?? null,
      salesExpected: plan?.goalSalesExpected ?? null,
      valueToAdd: plan?.goalValueToAdd ?? null,
      relationships: plan?.goalRelationships ?? null,
      jointGoals: plan?.jointGoals ?? [],
    },
    implementation: { actions: actions.map((a) => toAction(a, now)), ...shareDone(actions.map((a) => a.task.status)) },
    team: team.map((t) => ({ id: t.member.id, userId: t.member.userId, name: t.name, email: t.email, teamRole: t.member.teamRole })),
    counterparts: pairs.map(toPair),
    updatedAt: plan?.updatedAt.toISOString() ?? null,
    updatedBy: updater ? { id: updater.id, name: updater.name } : null,
  };
}

/** The key account of the path, for reading or (mode 'edit') changing its plan. */
async function planAccount(c: Context<AppEnv>, id: string, mode: 'view' | 'edit') {
  return loadAccountFor(c, id, mode);
}

export const accountPlanRoutes = new Hono<AppEnv>()
  .get(
    '/accounts/:id/plan',
    describe({
      summary: 'The account plan: profile, intelligence (SWOT), intentions, implementation (actions as tasks), team, counterpart pairs',
      description: 'An account without a plan answers an empty plan with planId null; the first change creates it.',
      tags: ['Account plan'],
      responses: { 200: AccountPlan },
    }),
    valid('param', IdParams),
    async (c) => {
      const account = await planAccount(c, c.req.valid('param').id, 'view');
      return c.json(await readPlan(c.var.deps.db, account, c.var.deps.clock.now()));
    },
  )
  .patch(
    '/accounts/:id/plan',
    describe({
      summary: 'Change parts of the plan (profile, intelligence, intentions); each changed section is recorded in the history',
      description: 'Lists (strengths, competitors, …) are replaced as a whole. Fields sent with their current value are not changes.',
      tags: ['Account plan'],
      responses: { 200: AccountPlan },
    }),
    valid('param', IdParams),
    valid('json', UpdateAccountPlan),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const account = await planAccount(c, c.req.valid('param').id, 'edit');
      const now = clock.now();
      await db.transaction(async (tx) => {
        const current = (await getPlan(tx, account.id)) ?? {};
        const sections = diffPlanUpdate(current as Record<string, unknown>, c.req.valid('json'));
        if (!sections.length) return;
        const columns = Object.assign({}, ...sections.map((s) => s.columns));
        const plan = await touchPlan(tx, account.id, user.id, now, columns);
        for (const s of sections) {
          await recordPlanChange(tx, { planId: plan.id, changedBy: user.id, changedAt: now, section: s.section, summary: s.summary, changes: s.changes });
        }
      });
      return c.json(await readPlan(db, account, now));
    },
  )
  .get(
    '/accounts/:id/plan/history',
    describe({ summary: 'Changes to the plan, newest first: who, when, which section, each field from → to', tags: ['Account plan'], responses: { 200: PlanHistory } }),
    valid('param', IdParams),
    valid('query', PageQuery),
    async (c) => {
      const { db } = c.var.deps;
      const q = c.req.valid('query');
      const account = await planAccount(c, c.req.valid('param').id, 'view');
      const plan = await getPlan(db, account.id);
      const { rows, total } = plan ? await listPlanChanges(db, plan.id, q) : { rows: [], total: 0 };
      return c.json({
        data: rows.map((r) => ({
          id: r.change.id,
          changedAt: r.change.changedAt.toISOString(),
          changedBy: r.change.changedBy
            ? { id: r.change.changedBy, name: r.name ?? '' }
            : r.change.changedByContactId
              ? { id: r.change.changedByContactId, name: `${r.contactName ?? ''} (customer)` }
              : null,
          section: r.change.section,
          summary: r.change.summary,
          changes: r.change.changes,
        })),
        page: q.page,
        pageSize: q.pageSize,
        total,
      });
    },
  )
  .post(
    '/accounts/:id/plan/actions',
    describe({
      summary: "Add an action: a task for the assignee (on their task list, closed like any task) linked to the plan",
      description: 'The assignee must be an active account manager or admin. The task is due at the end of the due date.',
      tags: ['Account plan'],
      responses: { 201: PlanAction },
    }),
    valid('param', IdParams),
    valid('json', CreatePlanAction),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const account = await planAccount(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      await assertUserReference(db, 'assigneeId', body.assigneeId, true);
      const theirOwnerContactId = body.side === 'theirs' ? (body.theirOwnerContactId ?? null) : null;
      if (body.side !== 'theirs' && body.theirOwnerContactId) throw invalid('theirOwnerContactId', "is only for an action on the customer's side");
      await assertAccountContact(db, account.id, 'theirOwnerContactId', theirOwnerContactId);
      const now = clock.now();
      const actionId = await db.transaction(async (tx) => {
        const plan = await touchPlan(tx, account.id, user.id, now);
        const task = await createTask(
          tx,
          { accountId: account.id, title: body.title, description: body.description, priority: body.priority, assigneeId: body.assigneeId, createdBy: user.id, dueAt: dueDate(body.dueDate) },
          now,
        );
        const action = await insertPlanAction(tx, { planId: plan.id, taskId: task.id, goal: body.goal, createdAt: now, joint: body.joint, side: body.side, theirOwnerContactId });
        await recordPlanChange(tx, {
          planId: plan.id,
          changedBy: user.id,
          changedAt: now,
          section: 'implementation',
          summary: `Added action: ${body.title}`,
          changes: { action: { from: null, to: { title: body.title, assigneeId: body.assigneeId, dueDate: body.dueDate, goal: body.goal, joint: body.joint, side: body.side } } },
        });
        return action.id;
      });
      const plan = (await getPlan(db, account.id))!;
      const row = (await listPlanActions(db, plan.id)).find((a) => a.action.id === actionId)!;
      return c.json(toAction(row, now), 201);
    },
  )
  .patch(
    '/accounts/:id/plan/actions/:itemId',
    describe({
      summary: "Mark an action joint (shared with the customer's contacts the plan is shared with) or not, its side, and who carries it out on their side",
      description: "Moving an action to our side forgets their owner. Their owner must be a current contact of this account.",
      tags: ['Account plan'],
      responses: { 200: PlanAction },
    }),
    valid('param', PlanItemParams),
    valid('json', UpdatePlanAction),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const { id, itemId } = c.req.valid('param');
      const account = await planAccount(c, id, 'edit');
      const plan = await getPlan(db, account.id);
      const current = plan ? (await listPlanActions(db, plan.id)).find((a) => a.action.id === itemId) : undefined;
      if (!plan || !current) throw notFound('action');
      const body = c.req.valid('json');
      const side = body.side ?? current.action.side;
      let theirOwnerContactId = body.theirOwnerContactId !== undefined ? body.theirOwnerContactId : current.action.theirOwnerContactId;
      if (side === 'ours') {
        if (body.theirOwnerContactId) throw invalid('theirOwnerContactId', "is only for an action on the customer's side");
        theirOwnerContactId = null;
      }
      if (body.theirOwnerContactId) await assertAccountContact(db, account.id, 'theirOwnerContactId', body.theirOwnerContactId);
      const next = { joint: body.joint ?? current.action.joint, side, theirOwnerContactId };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of ['joint', 'side', 'theirOwnerContactId'] as const) {
        if (current.action[key] !== next[key]) changes[key] = { from: current.action[key], to: next[key] };
      }
      const now = clock.now();
      if (Object.keys(changes).length) {
        await db.transaction(async (tx) => {
          await tx.update(accountPlanActions).set(next).where(eq(accountPlanActions.id, current.action.id));
          await touchPlan(tx, account.id, user.id, now);
          const words = [
            changes.joint ? (next.joint ? 'shared with the customer' : 'no longer shared') : '',
            changes.side ? (next.side === 'theirs' ? "on the customer's side" : 'on our side') : '',
            changes.theirOwnerContactId && !changes.side ? 'their owner changed' : '',
          ].filter(Boolean);
          await recordPlanChange(tx, {
            planId: plan.id,
            changedBy: user.id,
            changedAt: now,
            section: 'implementation',
            summary: `Action ${words.join(', ')}: ${current.task.title}`,
            changes,
          });
        });
      }
      const row = (await listPlanActions(db, plan.id)).find((a) => a.action.id === current.action.id)!;
      return c.json(toAction(row, now));
    },
  )
  .post(
    '/accounts/:id/plan/team',
    describe({ summary: 'Add a person of ours to the account team with their role on it', tags: ['Account plan'], responses: { 201: PlanTeamMember } }),
    valid('param', IdParams),
    valid('json', CreateTeamMember),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const account = await planAccount(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      await assertUserReference(db, 'userId', body.userId, false);
      const member = (await getUser(db, body.userId))!;
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(accountTeamMembers)
          .values({ accountId: account.id, userId: body.userId, teamRole: body.teamRole, createdAt: now })
          .onConflictDoNothing()
          .returning();
        if (!row) throw conflict('this person is already on the account team', 'userId');
        const plan = await touchPlan(tx, account.id, user.id, now);
        await recordPlanChange(tx, {
          planId: plan.id,
          changedBy: user.id,
          changedAt: now,
          section: 'team',
          summary: `Added to the account team: ${member.name} (${body.teamRole})`,
          changes: { teamMember: { from: null, to: { userId: member.id, name: member.name, teamRole: body.teamRole } } },
        });
        return row;
      });
      return c.json({ id: row.id, userId: member.id, name: member.name, email: member.email, teamRole: row.teamRole }, 201);
    },
  )
  .delete(
    '/accounts/:id/plan/team/:itemId',
    describe({ summary: 'Take a person off the account team', tags: ['Account plan'] }),
    valid('param', PlanItemParams),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const { id, itemId } = c.req.valid('param');
      const account = await planAccount(c, id, 'edit');
      const member = await getTeamMember(db, account.id, itemId);
      if (!member) throw notFound('team member');
      const person = await getUser(db, member.userId);
      const now = clock.now();
      await db.transaction(async (tx) => {
        await tx.delete(accountTeamMembers).where(and(eq(accountTeamMembers.id, member.id), eq(accountTeamMembers.accountId, account.id)));
        const plan = await touchPlan(tx, account.id, user.id, now);
        await recordPlanChange(tx, {
          planId: plan.id,
          changedBy: user.id,
          changedAt: now,
          section: 'team',
          summary: `Removed from the account team: ${person?.name ?? member.userId} (${member.teamRole})`,
          changes: { teamMember: { from: { userId: member.userId, name: person?.name ?? null, teamRole: member.teamRole }, to: null } },
        });
      });
      return c.body(null, 204);
    },
  )
  .post(
    '/accounts/:id/plan/counterparts',
    describe({
      summary: 'Pair a person of ours with a contact of theirs for a function (our finance ↔ their finance)',
      description: "The contact must be a current contact of this account (400 otherwise).",
      tags: ['Account plan'],
      responses: { 201: PlanCounterpartPair },
    }),
    valid('param', IdParams),
    valid('json', CreateCounterpartPair),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const account = await planAccount(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      await assertUserReference(db, 'userId', body.userId, false);
      const contact = await getContactWithOwner(db, body.contactId);
      if (!contact || contact.contact.accountId !== account.id) throw invalid('contactId', 'is not a contact of this account');
      const now = clock.now();
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(accountCounterpartPairs)
          .values({ accountId: account.id, userId: body.userId, contactId: body.contactId, function: body.function, notes: body.notes ?? null, createdAt: now })
          .onConflictDoNothing()
          .returning();
        if (!row) throw conflict('this pair already exists', 'contactId');
        const plan = await touchPlan(tx, account.id, user.id, now);
        await recordPlanChange(tx, {
          planId: plan.id,
          changedBy: user.id,
          changedAt: now,
          section: 'team',
          summary: `Paired for ${body.function}: ${contact.contact.name}`,
          changes: { counterpart: { from: null, to: { userId: body.userId, contactId: body.contactId, function: body.function } } },
        });
        return row.id;
      });
      const pair = (await listCounterpartPairs(db, account.id)).find((p) => p.pair.id === id)!;
      return c.json(toPair(pair), 201);
    },
  )
  .delete(
    '/accounts/:id/plan/counterparts/:itemId',
    describe({ summary: 'Remove a counterpart pair', tags: ['Account plan'] }),
    valid('param', PlanItemParams),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const { id, itemId } = c.req.valid('param');
      const account = await planAccount(c, id, 'edit');
      const found = await getCounterpartPair(db, account.id, itemId);
      if (!found) throw notFound('counterpart pair');
      const now = clock.now();
      await db.transaction(async (tx) => {
        await tx.delete(accountCounterpartPairs).where(eq(accountCounterpartPairs.id, found.pair.id));
        const plan = await touchPlan(tx, account.id, user.id, now);
        await recordPlanChange(tx, {
          planId: plan.id,
          changedBy: user.id,
          changedAt: now,
          section: 'team',
          summary: `Unpaired for ${found.pair.function}: ${found.userName} ↔ ${found.contactName}`,
          changes: { counterpart: { from: { userId: found.pair.userId, contactId: found.pair.contactId, function: found.pair.function }, to: null } },
        });
      });
      return c.body(null, 204);
    },
  );
