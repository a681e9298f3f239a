import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';
import { evaluateFollowUps } from '../../src/server/services/follow-up.js';
import { responses, taskResponses } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  // No frequency window, so one contact can be asked twice in a row.
  ctx = await createTestContext({ timeZone: 'UTC', minDaysBetweenSurveys: 0 });
});
afterAll(() => ctx.close());

/** A manager's contact and a way to ask them again: each call sends a new survey and returns how to answer it. */
async function contactOf(manager: TestClient) {
  const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [{ name: 'Hana' }]);
  const ask = async () => {
    ctx.clock.advance(60_000); // each survey email is the latest one to them
    await sendCampaign(ctx, manager, { accountIds: [accountId] });
    const mail = await emailTo(ctx, emails[0]!);
    return (answers: Record<string, unknown>, complete = true) => ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers, complete });
  };
  return { accountId, contactId: contactIds[0]!, ask };
}

async function tasksOf(client: TestClient, accountId: string) {
  const res = await client.get(`/api/tasks?accountId=${accountId}`);
  expect(res.status).toBe(200);
  return res.body.data as any[];
}

describe("a contact's newer answer joins their open task for the same rule", () => {
  it('a second detractor answer updates the open task, which shows both answers; after closing, a third opens a new one', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, ask } = await contactOf(manager);
    const first = await ask();
    expect((await first({ nps: 3, reason: 'Invoices are wrong' })).status).toBe(200);
    ctx.clock.advance(3600_000);
    const second = await ask();
    expect((await second({ nps: 2, reason: 'Still wrong, and nobody called' })).status).toBe(200);

    let tasks = await tasksOf(manager, accountId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].status).toBe('open');
    expect(tasks[0].title).toContain('NPS 2'); // the latest words
    expect(tasks[0].description).toContain('nobody called');
    const context = (await manager.get(`/api/tasks/${tasks[0].id}/context`)).body;
    expect(context.responses.map((r: any) => r.npsScore)).toEqual([3, 2]);
    expect(context.responses[0].answers.map((a: any) => a.answer)).toContain('Invoices are wrong');
    expect(context.response.npsScore).toBe(3); // the answer that opened it

    // My day links both answers to the one task.
    const myDay = (await manager.get('/api/me/day')).body;
    const linked = JSON.stringify(myDay);
    expect(linked.split(tasks[0].id).length - 1).toBeGreaterThanOrEqual(2);

    // Closed: the next answer is a new story and gets its own task.
    expect((await manager.post(`/api/tasks/${tasks[0].id}/close`, { resolution: 'Fixed the invoices.' })).status).toBe(200);
    const third = await ask();
    await third({ nps: 1, reason: 'Worse again' });
    tasks = await tasksOf(manager, accountId);
    expect(tasks.map((t) => t.status).sort()).toEqual(['done', 'open']);
  });

  it('a joined answer that is revised into a promoter leaves the task, which stays for the first answer', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, ask } = await contactOf(manager);
    await (await ask())({ nps: 4 });
    const second = await ask();
    await second({ nps: 5 });
    let [task] = await tasksOf(manager, accountId);
    expect((await manager.get(`/api/tasks/${task.id}/context`)).body.responses).toHaveLength(2);
    await second({ nps: 10 });
    const tasks = await tasksOf(manager, accountId);
    expect(tasks).toHaveLength(1);
    [task] = tasks;
    expect(task.status).toBe('open');
    expect((await manager.get(`/api/tasks/${task.id}/context`)).body.responses.map((r: any) => r.npsScore)).toEqual([4]);
  });

  it('the first answer revised away does not dismiss a task a later answer still needs', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, ask } = await contactOf(manager);
    const first = await ask();
    await first({ nps: 4 });
    await (await ask())({ nps: 5 });
    await first({ nps: 10 });
    const tasks = await tasksOf(manager, accountId);
    expect(tasks.map((t) => t.status)).toEqual(['open']);
  });

  it('two answers arriving at once still make one task with both answers', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, contactId, ask } = await contactOf(manager);
    // Two answers (promoters, so no task yet) whose words then turn into detractors' at the same moment, and both
    // are evaluated at once, as two processes would.
    expect((await (await ask())({ nps: 9 })).status).toBe(200);
    expect((await (await ask())({ nps: 10 })).status).toBe(200);
    expect(await tasksOf(manager, accountId)).toEqual([]);
    const ids = (await ctx.database.db.select({ id: responses.id }).from(responses).where(eq(responses.contactId, contactId))).map((r) => r.id);
    expect(ids).toHaveLength(2);
    for (const [i, id] of ids.entries()) {
      await ctx.database.db.update(responses).set({ answers: { nps: 2 + i }, npsScore: 2 + i }).where(eq(responses.id, id));
    }
    await Promise.all(ids.map((id) => evaluateFollowUps(ctx.deps, id)));
    const tasks = await tasksOf(manager, accountId);
    expect(tasks).toHaveLength(1);
    const links = await ctx.database.db.select().from(taskResponses).where(eq(taskResponses.taskId, tasks[0].id));
    expect(links.map((l) => l.responseId).sort()).toEqual([...ids].sort());
    // Running again (the scheduler's sweep) changes nothing.
    await Promise.all(ids.map((id) => evaluateFollowUps(ctx.deps, id)));
    expect(await tasksOf(manager, accountId)).toHaveLength(1);
  });
});

describe("the board's Done column", () => {
  it('lists closed tasks newest first (sort=-closed), whatever their due dates', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, []);
    const ids: string[] = [];
    for (const [title, dueAt] of [['First closed', '2026-05-01'], ['Second closed', '2026-04-01'], ['Third closed', '2026-06-01']] as const) {
      const res = await manager.post('/api/tasks', { accountId, title, dueAt });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    for (const id of ids) {
      ctx.clock.advance(60_000);
      expect((await manager.post(`/api/tasks/${id}/close`, { resolution: 'Done.' })).status).toBe(200);
    }
    const done = await manager.get(`/api/tasks?accountId=${accountId}&status=done,dismissed&sort=-closed`);
    expect(done.body.data.map((t: any) => t.title)).toEqual(['Third closed', 'Second closed', 'First closed']);
    const byDue = await manager.get(`/api/tasks?accountId=${accountId}&status=done,dismissed`);
    expect(byDue.body.data.map((t: any) => t.title)).toEqual(['Second closed', 'First closed', 'Third closed']);
    expect((await manager.get('/api/tasks?sort=closed')).status).toBe(400);
  });
});
