import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';

let ctx: TestContext;
beforeAll(async () => {
  // Monday 2 March 2026, 09:00 UTC: two business days later is Wednesday 4 March.
  ctx = await createTestContext({ timeZone: 'UTC' });
});
afterAll(() => ctx.close());

type Manager = TestClient & { user: { id: string } };

/** A manager's contact who got a survey; returns how to answer it. */
async function invited(manager: Manager, survey: 'nps' | 'audit' = 'nps', name = 'Hana') {
  const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [{ name }]);
  await sendCampaign(ctx, manager, { accountIds: [accountId], survey });
  const mail = await emailTo(ctx, emails[0]!);
  const answer = (answers: Record<string, unknown>, complete = true) =>
    ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers, complete });
  return { accountId, contactId: contactIds[0]!, answer };
}

async function tasksOf(client: TestClient, accountId: string) {
  const res = await client.get(`/api/tasks?accountId=${accountId}`);
  expect(res.status).toBe(200);
  return res.body.data as any[];
}

describe('answers become follow-up tasks', () => {
  it('a detractor becomes a high-priority task for the account owner, due in two business days, quoting the customer', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, answer } = await invited(manager);
    expect((await answer({ nps: 3, reason: 'Invoices are wrong every month' })).status).toBe(200);
    const [task] = await tasksOf(manager, accountId);
    expect(task).toMatchObject({ priority: 'high', status: 'open', assigneeId: manager.user.id, dueAt: '2026-03-04T09:00:00.000Z', overdue: false });
    expect(task.title).toContain('NPS 3');
    expect(task.description).toContain('Invoices are wrong every month');
  });

  it('a passive becomes a normal task, a promoter none, and an admin can switch the passive rule off', async () => {
    const admin = await ctx.signIn('admin');
    const manager = await ctx.signIn('account_manager');
    const passive = await invited(manager);
    await passive.answer({ nps: 7 });
    expect((await tasksOf(manager, passive.accountId)).map((t) => t.priority)).toEqual(['normal']);
    const promoter = await invited(manager);
    await promoter.answer({ nps: 10 });
    expect(await tasksOf(manager, promoter.accountId)).toEqual([]);

    const rules = (await admin.get('/api/follow-up-rules')).body.data as any[];
    const rule = rules.find((r) => r.key === 'nps_passive');
    expect((await admin.patch(`/api/follow-up-rules/${rule.id}`, { enabled: false })).status).toBe(200);
    const later = await invited(manager);
    await later.answer({ nps: 8 });
    expect(await tasksOf(manager, later.accountId)).toEqual([]);
    await admin.patch(`/api/follow-up-rules/${rule.id}`, { enabled: true });
  });

  it('revising an answer updates the one task, never a second one', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, answer } = await invited(manager);
    await answer({ nps: 2, reason: 'Slow' });
    await answer({ reason: 'Slow, and nobody called back' });
    let tasks = await tasksOf(manager, accountId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].description).toContain('nobody called back');

    await answer({ nps: 9 }); // no longer a detractor: the untouched task is dismissed
    tasks = await tasksOf(manager, accountId);
    expect(tasks.map((t) => t.status)).toEqual(['dismissed']);
    await answer({ nps: 4 }); // a detractor again: the same task opens again
    tasks = await tasksOf(manager, accountId);
    expect(tasks.map((t) => t.status)).toEqual(['open']);
  });

  it('the audit: low marks, unresolved issues (quoted) and "supplier" each become a task', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, answer } = await invited(manager, 'audit');
    const res = await answer({ marks: 5, supplier_or_partner: { selected: ['supplier'] }, unresolved_issues: 'The API outage in May', nps: 8 });
    expect(res.status).toBe(200);
    const tasks = await tasksOf(manager, accountId);
    const byTitle = (text: string) => tasks.find((t) => t.title.includes(text));
    expect(byTitle('Low marks')).toMatchObject({ priority: 'high' });
    expect(byTitle('Resolve the issues')).toMatchObject({ priority: 'high' });
    expect(byTitle('Resolve the issues').description).toContain('The API outage in May');
    expect(byTitle('supplier')).toMatchObject({ priority: 'normal' });
    expect(tasks).toHaveLength(4); // plus the passive NPS
  });

  it('a lone detractor click, never sent, becomes a task after a day of silence', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, answer } = await invited(manager);
    await answer({ nps: 1 }, false);
    await schedulerTick(ctx.deps);
    expect(await tasksOf(manager, accountId)).toEqual([]);
    ctx.clock.advance(25 * 3600_000);
    await schedulerTick(ctx.deps);
    await schedulerTick(ctx.deps); // twice: still one task
    expect((await tasksOf(manager, accountId)).map((t) => t.priority)).toEqual(['high']);
  });
});

describe('working on tasks', () => {
  it('a manager comments, reassigns and closes their task; overdue tasks are flagged', async () => {
    const manager = await ctx.signIn('account_manager');
    const colleague = await ctx.createUser('account_manager');
    const { accountId, answer } = await invited(manager);
    await answer({ nps: 0 });
    const [task] = await tasksOf(manager, accountId);
    expect(task.firstActionAt).toBeNull();

    expect((await manager.post(`/api/tasks/${task.id}/comments`, { body: 'Called, left a message' })).status).toBe(201);
    const detail = await manager.get(`/api/tasks/${task.id}`);
    expect(detail.body.comments.map((c: any) => c.body)).toEqual(['Called, left a message']);
    expect(detail.body.firstActionAt).not.toBeNull();

    ctx.clock.advance(4 * 86_400_000); // due in two business days: now overdue (and the session still valid)
    const overdue = await manager.get(`/api/tasks?assignee=me&overdue=true`);
    expect(overdue.body.data.map((t: any) => t.id)).toContain(task.id);
    expect(overdue.body.data.find((t: any) => t.id === task.id).overdue).toBe(true);

    expect((await manager.post(`/api/tasks/${task.id}/close`, {})).status).toBe(400);
    const closed = await manager.post(`/api/tasks/${task.id}/close`, { resolution: 'Credit note issued; invoicing fixed' });
    expect(closed.body).toMatchObject({ status: 'done', resolution: 'Credit note issued; invoicing fixed', overdue: false });
    expect((await manager.post(`/api/tasks/${task.id}/close`, { resolution: 'again' })).body.resolution).toBe('Credit note issued; invoicing fixed');
    expect((await manager.patch(`/api/tasks/${task.id}`, { assigneeId: colleague.id })).status).toBe(409);
  });

  it('managers see and work only tasks on their accounts; executives read but do not change', async () => {
    const owner = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const executive = await ctx.signIn('executive');
    const { accountId, answer } = await invited(owner);
    await answer({ nps: 2 });
    const [task] = await tasksOf(owner, accountId);

    expect((await other.get(`/api/tasks/${task.id}`)).status).toBe(404);
    expect((await other.patch(`/api/tasks/${task.id}`, { status: 'in_progress' })).status).toBe(404);
    expect((await other.post(`/api/tasks/${task.id}/close`, { resolution: 'x' })).status).toBe(404);
    expect((await other.post(`/api/tasks/${task.id}/comments`, { body: 'x' })).status).toBe(404);
    expect((await other.get('/api/tasks?pageSize=100')).body.data.map((t: any) => t.id)).not.toContain(task.id);
    expect((await other.post('/api/tasks', { accountId, title: 'x', dueAt: '2026-04-01' })).status).toBe(404);

    expect((await executive.get(`/api/tasks/${task.id}`)).status).toBe(200);
    expect((await executive.patch(`/api/tasks/${task.id}`, { status: 'in_progress' })).status).toBe(403);
    const unchanged = await owner.get(`/api/tasks/${task.id}`);
    expect(unchanged.body.status).toBe('open');
  });

  it('a manual task (e.g. from an account plan) goes to the account owner unless assigned', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, []);
    const res = await manager.post('/api/tasks', { accountId, title: 'Prepare the annual review', dueAt: '2026-06-30' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ assigneeId: manager.user.id, priority: 'normal', status: 'open', dueAt: '2026-06-30T17:00:00.000Z' });
    expect((await manager.post('/api/tasks', { accountId, title: '', dueAt: 'soon' })).status).toBe(400);
  });

  it('only admins change the rules', async () => {
    const manager = await ctx.signIn('account_manager');
    const admin = await ctx.signIn('admin');
    const [rule] = (await admin.get('/api/follow-up-rules')).body.data;
    expect((await manager.patch(`/api/follow-up-rules/${rule.id}`, { enabled: false })).status).toBe(403);
    const bad = await admin.post('/api/follow-up-rules', {
      name: 'x', questionKey: 'nps', condition: { kind: 'range', min: 8, max: 2 }, priority: 'high', dueInBusinessDays: 1, title: 'x',
    });
    expect(bad.status).toBe(400);
  });
});

describe('emails around tasks', () => {
  async function messagesTo(address: string) {
    const { messages } = await import('../../src/server/db/schema/index.js');
    const { eq } = await import('drizzle-orm');
    return ctx.database.db.select().from(messages).where(eq(messages.toAddress, address.toLowerCase()));
  }

  it('the assignee is emailed when a rule creates their task (once, even when the answer is revised)', async () => {
    const manager = await ctx.signIn('account_manager');
    const { answer } = await invited(manager);
    await answer({ nps: 2, reason: 'Nobody answers the phone' });
    await answer({ reason: 'Nobody answers the phone, ever' });
    await ctx.runJobs();
    const mails = (await messagesTo(manager.user.email)).filter((m) => m.kind === 'notification');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ status: 'sent', purpose: 'task_assigned' });
    expect(mails[0]!.subject).toMatch(/^New high-priority follow-up at /);
    expect(mails[0]!.text).toContain('Nobody answers the phone');
  });

  it('closing with "tell the customer" emails them, in Spanish, their own words and what we did, from the owner', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, contactId, answer } = await invited(manager, 'nps', 'Lucía');
    const contact = (await manager.get(`/api/contacts/${contactId}`)).body;
    await manager.patch(`/api/contacts/${contactId}`, { language: 'es' });
    await answer({ nps: 3, reason: 'Las facturas llegan tarde' });
    const [task] = await tasksOf(manager, accountId);
    const closed = await manager.post(`/api/tasks/${task.id}/close`, { resolution: 'Hemos cambiado el proceso de facturación.', notifyContact: true });
    expect(closed.status).toBe(200);
    expect(closed.body.customerNotified).toBe('queued');
    await ctx.runJobs();
    const [mail] = (await messagesTo(contact.email)).filter((m) => m.purpose === 'loop_closed');
    expect(mail).toMatchObject({ status: 'sent', replyTo: manager.user.email });
    expect(mail!.subject).toContain('Lo que hicimos con su opinión');
    expect(mail!.text).toContain('> Las facturas llegan tarde');
    expect(mail!.text).toContain('Hemos cambiado el proceso de facturación.');
    // Closing again sends nothing more.
    await manager.post(`/api/tasks/${task.id}/close`, { resolution: 'again', notifyContact: true });
    await ctx.runJobs();
    expect((await messagesTo(contact.email)).filter((m) => m.purpose === 'loop_closed')).toHaveLength(1);
  });

  it('never emails a contact who unsubscribed', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, contactId, answer } = await invited(manager);
    await answer({ nps: 1 });
    await manager.patch(`/api/contacts/${contactId}`, { unsubscribed: true });
    const [task] = await tasksOf(manager, accountId);
    const closed = await manager.post(`/api/tasks/${task.id}/close`, { resolution: 'Fixed', notifyContact: true });
    expect(closed.body).toMatchObject({ status: 'done', customerNotified: 'contact_unsubscribed' });
  });

  it('an overdue high-priority task escalates to every executive, once', async () => {
    const executive = await ctx.createUser('executive');
    const manager = await ctx.signIn('account_manager');
    const { accountId, answer } = await invited(manager);
    await answer({ nps: 0 });
    const [task] = await tasksOf(manager, accountId);
    ctx.clock.advance(5 * 86_400_000);
    await schedulerTick(ctx.deps);
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    const mails = (await messagesTo(executive.email)).filter((m) => m.taskId === task.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^Overdue high-priority follow-up/);
  });
});
