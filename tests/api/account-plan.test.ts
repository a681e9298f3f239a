import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { seedDemo } from '../../src/server/seed/demo.js';
import { seedDemoPlans } from '../../src/server/seed/demo-plans.js';
import { createAccountWithContacts } from '../helpers/survey-fixtures.js';
import { accountCounterpartPairs, accountPlanChanges, accountPlans, accountTeamMembers, tasks } from '../../src/server/db/schema/index.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** How many rows each plan table and the tasks hold: "nothing written" means these do not move. */
async function tally() {
  const db = ctx.deps.db;
  const n = async (table: any) => (await db.select({ n: count() }).from(table))[0]!.n;
  return { plans: await n(accountPlans), changes: await n(accountPlanChanges), tasks: await n(tasks), team: await n(accountTeamMembers), pairs: await n(accountCounterpartPairs) };
}

describe('the account plan', () => {
  it('a manager writes the SWOT and goals, adds an action that lands on her task list, and closing the task shows on the plan', async () => {
    const maria = await ctx.signIn('account_manager');
    const { accountId, contactIds } = await createAccountWithContacts(maria, [{ name: 'Chen (CFO)' }, { name: 'Dana' }], { renewalDate: '2027-03-31' });

    const empty = await maria.get(`/api/accounts/${accountId}/plan`);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ planId: null, intelligence: { strengths: [] }, implementation: { total: 0, doneShare: null }, updatedBy: null });
    expect(empty.body.profile.renewalDate).toBe('2027-03-31');

    const patched = await maria.patch(`/api/accounts/${accountId}/plan`, {
      profile: { strategicInitiatives: 'Move all plants to one ERP' },
      intelligence: { strengths: ['Trusted by their CFO'], threats: ['Rival bundles service'], competitors: [{ name: 'Rival', shareOfSpend: 40 }], ourShareOfSpend: 35 },
      intentions: { year: 2027, salesExpected: 120_000_00, relationships: 'Meet the new COO' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.planId).toBeTruthy();
    expect(patched.body.intelligence).toMatchObject({ strengths: ['Trusted by their CFO'], threats: ['Rival bundles service'], ourShareOfSpend: 35 });
    expect(patched.body.intentions).toEqual({ year: 2027, salesExpected: 120_000_00, valueToAdd: null, relationships: 'Meet the new COO', jointGoals: [] });
    expect(patched.body.updatedBy).toEqual({ id: maria.user.id, name: maria.user.name });

    const step = () => ctx.clock.advance(60_000); // history is ordered by time
    step();
    const action = await maria.post(`/api/accounts/${accountId}/plan/actions`, {
      title: 'Quarterly review with the CFO',
      assigneeId: maria.user.id,
      dueDate: '2027-01-15',
      goal: 'relationships',
    });
    expect(action.status).toBe(201);
    expect(action.body).toMatchObject({ title: 'Quarterly review with the CFO', status: 'open', goal: 'relationships', assignee: { id: maria.user.id } });

    // The action is a task on her list…
    const mine = await maria.get('/api/tasks?assignee=me');
    const task = mine.body.data.find((t: any) => t.id === action.body.taskId);
    expect(task).toMatchObject({ accountId, title: 'Quarterly review with the CFO', status: 'open' });

    // …and closing it like any task shows on the plan.
    expect((await maria.post(`/api/tasks/${task.id}/close`, { resolution: 'Met on the 10th' })).status).toBe(200);
    const plan = await maria.get(`/api/accounts/${accountId}/plan`);
    expect(plan.body.implementation).toMatchObject({ total: 1, done: 1, doneShare: 1 });
    expect(plan.body.implementation.actions[0]).toMatchObject({ status: 'done', resolution: 'Met on the 10th' });

    // Team and counterpart pairs.
    const tom = await ctx.createUser('account_manager', { name: 'Tom Finance' });
    step();
    const member = await maria.post(`/api/accounts/${accountId}/plan/team`, { userId: tom.id, teamRole: 'Finance' });
    expect(member.status).toBe(201);
    step();
    const pair = await maria.post(`/api/accounts/${accountId}/plan/counterparts`, { userId: tom.id, contactId: contactIds[0], function: 'Finance' });
    expect(pair.status).toBe(201);
    expect(pair.body).toMatchObject({ function: 'Finance', user: { id: tom.id, name: 'Tom Finance' }, contact: { id: contactIds[0], name: 'Chen (CFO)' } });
    const withTeam = await maria.get(`/api/accounts/${accountId}/plan`);
    expect(withTeam.body.team).toEqual([{ id: member.body.id, userId: tom.id, name: 'Tom Finance', email: tom.email, teamRole: 'Finance' }]);
    expect(withTeam.body.counterparts).toHaveLength(1);
    expect((await maria.post(`/api/accounts/${accountId}/plan/team`, { userId: tom.id, teamRole: 'Again' })).status).toBe(409);
    step();
    expect((await maria.delete(`/api/accounts/${accountId}/plan/counterparts/${pair.body.id}`)).status).toBe(204);
    step();
    expect((await maria.delete(`/api/accounts/${accountId}/plan/team/${member.body.id}`)).status).toBe(204);
    expect((await maria.delete(`/api/accounts/${accountId}/plan/team/${member.body.id}`)).status).toBe(404);

    // The history, newest first, says who changed what.
    const history = await maria.get(`/api/accounts/${accountId}/plan/history`);
    expect(history.status).toBe(200);
    const summaries = history.body.data.map((h: any) => h.summary);
    expect(summaries.slice(0, 5)).toEqual([
      'Removed from the account team: Tom Finance (Finance)',
      'Unpaired for Finance: Tom Finance ↔ Chen (CFO)',
      'Paired for Finance: Chen (CFO)',
      'Added to the account team: Tom Finance (Finance)',
      'Added action: Quarterly review with the CFO',
    ]);
    // One PATCH touching three sections: three entries at the same instant.
    expect(summaries.slice(5).sort()).toEqual([
      'Intelligence: changed strengths, threats, competitors, our share of spend',
      'Intentions: changed goal year, sales expected, relationships to build',
      'Profile: changed strategic initiatives',
    ]);
    expect(summaries).toHaveLength(8);
    expect(history.body).toMatchObject({ page: 1, total: 8 });
    const second = await maria.get(`/api/accounts/${accountId}/plan/history?page=2&pageSize=3`);
    expect(second.body.data.map((h: any) => h.summary)).toEqual(summaries.slice(3, 6));
    const intelligence = history.body.data.find((h: any) => h.section === 'intelligence');
    expect(intelligence.changedBy).toEqual({ id: maria.user.id, name: maria.user.name });
    expect(intelligence.changes.ourShareOfSpend).toEqual({ from: null, to: 35 });
    expect(intelligence.changes.strengths).toEqual({ from: [], to: ['Trusted by their CFO'] });

    // Sending a field with its current value changes nothing and records nothing.
    const before = await tally();
    expect((await maria.patch(`/api/accounts/${accountId}/plan`, { intelligence: { ourShareOfSpend: 35 } })).status).toBe(200);
    expect(await tally()).toEqual(before);

    step();
    const edit = await maria.patch(`/api/accounts/${accountId}/plan`, { intelligence: { ourShareOfSpend: 40 } });
    expect(edit.status).toBe(200);
    const latest = (await maria.get(`/api/accounts/${accountId}/plan/history`)).body.data[0];
    expect(latest).toMatchObject({ section: 'intelligence', summary: 'Intelligence: changed our share of spend', changes: { ourShareOfSpend: { from: 35, to: 40 } } });
  });

  it('role rules: another manager gets 404, an executive reads but may not change (403), an admin changes', async () => {
    const owner = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const executive = await ctx.signIn('executive');
    const admin = await ctx.signIn('admin');
    const { accountId, contactIds } = await createAccountWithContacts(owner, [{ name: 'Lee' }]);
    await owner.patch(`/api/accounts/${accountId}/plan`, { intelligence: { strengths: ['Long history'] } });
    const base = `/api/accounts/${accountId}/plan`;

    const before = await tally();
    for (const [method, path, body] of [
      ['GET', base, undefined],
      ['GET', `${base}/history`, undefined],
      ['PATCH', base, { intelligence: { weaknesses: ['x'] } }],
      ['POST', `${base}/actions`, { title: 'x', assigneeId: other.user.id, dueDate: '2027-01-01' }],
      ['POST', `${base}/team`, { userId: other.user.id, teamRole: 'x' }],
      ['POST', `${base}/counterparts`, { userId: other.user.id, contactId: contactIds[0], function: 'x' }],
    ] as const) {
      expect((await other.request(method, path, { json: body })).status, `${method} ${path}`).toBe(404);
      if (method !== 'GET') expect((await executive.request(method, path, { json: body })).status, `${method} ${path}`).toBe(403);
    }
    expect(await tally()).toEqual(before);

    const read = await executive.get(base);
    expect(read.status).toBe(200);
    expect(read.body.intelligence.strengths).toEqual(['Long history']);
    expect((await executive.get(`${base}/history`)).body.data).toHaveLength(1);

    const byAdmin = await admin.post(`${base}/actions`, { title: 'Executive sponsor call', assigneeId: owner.user.id, dueDate: '2027-02-01' });
    expect(byAdmin.status).toBe(201);
    expect((await owner.get('/api/tasks?assignee=me')).body.data.map((t: any) => t.id)).toContain(byAdmin.body.taskId);
  });

  it('an action given to a colleague is on their task list and theirs to work, but the rest of the account stays hidden', async () => {
    const owner = await ctx.signIn('account_manager');
    const colleague = await ctx.signIn('account_manager');
    const stranger = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(owner, [{ name: 'Ana' }]);
    const base = `/api/accounts/${accountId}/plan`;
    const given = await owner.post(`${base}/actions`, { title: 'Prepare the pricing review', assigneeId: colleague.user.id, dueDate: '2027-03-01' });
    const ownerOwn = await owner.post(`${base}/actions`, { title: 'Dinner with the CEO', assigneeId: owner.user.id, dueDate: '2027-03-02' });
    expect([given.status, ownerOwn.status]).toEqual([201, 201]);
    const taskId = given.body.taskId;

    // On the colleague's list (what My day shows: /api/tasks?assignee=me), and only that task of the account.
    const mine = await colleague.get('/api/tasks?assignee=me');
    expect(mine.body.data.map((t: any) => t.id)).toEqual([taskId]);
    expect(mine.body.data[0]).toMatchObject({ accountId, title: 'Prepare the pricing review', assigneeId: colleague.user.id });
    expect((await colleague.get(`/api/tasks?accountId=${accountId}`)).body.data.map((t: any) => t.id)).toEqual([taskId]);

    // They open it and work it: comment, start, close.
    const opened = await colleague.get(`/api/tasks/${taskId}`);
    expect(opened.status).toBe(200);
    const context = await colleague.get(`/api/tasks/${taskId}/context`);
    expect(context.status).toBe(200);
    expect(context.body.account).toMatchObject({ id: accountId, owner: { id: owner.user.id } });
    expect(context.body.assignees.length).toBeGreaterThan(0); // the page offers them the work controls
    expect((await colleague.post(`/api/tasks/${taskId}/comments`, { body: 'Draft sent to finance' })).status).toBe(201);
    expect((await colleague.patch(`/api/tasks/${taskId}`, { status: 'in_progress' })).body.status).toBe('in_progress');
    expect((await colleague.post(`/api/tasks/${taskId}/close`, { resolution: 'Reviewed with their CFO' })).status).toBe(200);
    expect((await owner.get(base)).body.implementation.actions.find((a: any) => a.taskId === taskId)).toMatchObject({ status: 'done' });

    // The rest of the account is still another manager's: 404, as is the owner's own action.
    for (const path of [`/api/accounts/${accountId}`, base, `${base}/history`, `/api/accounts/${accountId}/contacts`, `/api/tasks/${ownerOwn.body.taskId}`]) {
      expect((await colleague.get(path)).status, path).toBe(404);
    }
    expect((await colleague.post(`/api/tasks/${ownerOwn.body.taskId}/comments`, { body: 'x' })).status).toBe(404);
    // Someone it was not given to sees none of it.
    expect((await stranger.get(`/api/tasks/${taskId}`)).status).toBe(404);
    expect((await stranger.get('/api/tasks')).body.data.map((t: any) => t.id)).not.toContain(taskId);

    // Handed back to the owner, it leaves the colleague's list and their reach.
    const another = await owner.post(`${base}/actions`, { title: 'Visit the plant', assigneeId: colleague.user.id, dueDate: '2027-04-01' });
    expect((await owner.patch(`/api/tasks/${another.body.taskId}`, { assigneeId: owner.user.id })).status).toBe(200);
    expect((await colleague.get(`/api/tasks/${another.body.taskId}`)).status).toBe(404);
    expect((await colleague.get('/api/tasks?assignee=me&status=open')).body.data).toEqual([]);
  });

  it('bad input is a 400 and writes nothing', async () => {
    const owner = await ctx.signIn('account_manager');
    const executive = await ctx.createUser('executive');
    const { accountId } = await createAccountWithContacts(owner, [{ name: 'Kim' }]);
    const elsewhere = await createAccountWithContacts(owner, [{ name: 'Not theirs' }]);
    const base = `/api/accounts/${accountId}/plan`;
    const before = await tally();

    const cases: [string, string, unknown][] = [
      ['PATCH', base, {}],
      ['PATCH', base, { intelligence: { ourShareOfSpend: 120 } }],
      ['PATCH', base, { intelligence: { strengths: [''] } }],
      ['PATCH', base, { intentions: { salesExpected: -5 } }],
      ['PATCH', base, { profile: { renewalDate: '2027-01-01' } }],
      ['POST', `${base}/actions`, { title: 'Exec cannot own tasks', assigneeId: executive.id, dueDate: '2027-01-01' }],
      ['POST', `${base}/actions`, { title: 'Nobody', assigneeId: '00000000-0000-4000-8000-000000000000', dueDate: '2027-01-01' }],
      ['POST', `${base}/actions`, { title: 'Bad date', assigneeId: owner.user.id, dueDate: 'tomorrow' }],
      ['POST', `${base}/actions`, { title: '', assigneeId: owner.user.id, dueDate: '2027-01-01' }],
      ['POST', `${base}/counterparts`, { userId: owner.user.id, contactId: elsewhere.contactIds[0], function: 'Finance' }],
      ['POST', `${base}/team`, { userId: owner.user.id }],
    ];
    for (const [method, path, json] of cases) {
      const res = await owner.request(method, path, { json });
      expect(res.status, `${method} ${path} ${JSON.stringify(json)}`).toBe(400);
    }
    expect(await tally()).toEqual(before);
    expect((await owner.get(`/api/tasks?accountId=${accountId}`)).body.total).toBe(0);
    expect((await owner.get(base)).body.planId).toBeNull();
  });

  it('the demo has plans for two key accounts, each action on the owner\'s task list; seeding again adds nothing', async () => {
    await seedDemo(ctx.deps.db, ctx.clock, () => {}, cheapDemoPassword());
    expect(await seedDemoPlans(ctx.deps.db, ctx.clock)).toBe(2);
    expect(await seedDemoPlans(ctx.deps.db, ctx.clock)).toBe(0);
    const maria = await ctx.signInDemo('maria.manager@keypulse.demo');
    const accounts = (await maria.get('/api/accounts?q=Northwind')).body.data;
    const plan = (await maria.get(`/api/accounts/${accounts[0].id}/plan`)).body;
    expect(plan.intelligence.strengths.length).toBeGreaterThan(0);
    expect(plan.intentions.salesExpected).toBeGreaterThan(0);
    expect(plan.implementation).toMatchObject({ total: 2, done: 1, doneShare: 0.5 });
    expect(plan.team.map((t: any) => t.teamRole)).toEqual(['Executive sponsor']);
    const open = plan.implementation.actions.find((a: any) => a.status === 'open');
    expect((await maria.get('/api/tasks?assignee=me&pageSize=100')).body.data.map((t: any) => t.id)).toContain(open.taskId);
    expect((await maria.get(`/api/accounts/${accounts[0].id}/plan/history`)).body.data.length).toBe(4);
  }, 60_000);
});
