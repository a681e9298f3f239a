import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';
import { messages } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
});
afterAll(() => ctx.close());

type Manager = TestClient & { user: { id: string; name: string } };

/** A detractor's task on the manager's account; the contact answered in `language`. */
async function detractorTask(manager: Manager, language = 'en') {
  const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [{ name: 'Lucía', language }]);
  await sendCampaign(ctx, manager, { accountIds: [accountId] });
  const mail = await emailTo(ctx, emails[0]!);
  await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 3, reason: 'Invoices arrive late' }, complete: true });
  const [task] = (await manager.get(`/api/tasks?accountId=${accountId}`)).body.data;
  return { task, accountId, contactId: contactIds[0]!, email: emails[0]! };
}

const loopEmails = (taskId: string) => ctx.database.db.select().from(messages).where(eq(messages.taskId, taskId)).then((rows) => rows.filter((m) => m.purpose === 'loop_closed'));

describe('the task in context', () => {
  it("shows the customer's answers with the survey's questions, the contact, the rule and the people", async () => {
    const manager = await ctx.signIn('account_manager');
    const { task, contactId } = await detractorTask(manager);
    const res = await manager.get(`/api/tasks/${task.id}/context`);
    expect(res.status).toBe(200);
    expect(res.body.account.owner).toEqual({ id: manager.user.id, name: manager.user.name });
    expect(res.body.contact).toMatchObject({ id: contactId, name: 'Lucía', unsubscribed: false });
    expect(res.body.response).toMatchObject({ npsScore: 3, category: 'detractor' });
    expect(res.body.response.answers.map((a: any) => [a.key, a.answer])).toEqual([
      ['nps', '3'],
      ['reason', 'Invoices arrive late'],
    ]);
    expect(res.body.response.answers[0].question).toMatch(/recommend/i);
    expect(res.body.rule).toMatchObject({ priority: 'high' });
    expect(res.body.people[manager.user.id]).toBe(manager.user.name);
    expect(res.body.assignees.map((p: any) => p.id)).toContain(manager.user.id);
    expect(res.body.customerEmailed).toBe(false);
  });

  it('executives read it (and are offered nobody to reassign to); another manager gets 404', async () => {
    const manager = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const executive = await ctx.signIn('executive');
    const { task } = await detractorTask(manager);
    const read = await executive.get(`/api/tasks/${task.id}/context`);
    expect(read.status).toBe(200);
    expect(read.body.assignees).toEqual([]);
    expect((await other.get(`/api/tasks/${task.id}/context`)).status).toBe(404);
    expect((await manager.get('/api/tasks/not-a-uuid/context')).status).toBe(400);
  });

  it('reassigning goes only to someone who may own accounts (not an executive)', async () => {
    const manager = await ctx.signIn('account_manager');
    const colleague = await ctx.createUser('account_manager');
    const executive = await ctx.createUser('executive');
    const { task } = await detractorTask(manager);
    const refused = await manager.patch(`/api/tasks/${task.id}`, { assigneeId: executive.id });
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues[0].path).toBe('assigneeId');
    expect((await manager.get(`/api/tasks/${task.id}`)).body.assigneeId).toBe(manager.user.id);
    expect((await manager.patch(`/api/tasks/${task.id}`, { assigneeId: colleague.id })).body.assigneeId).toBe(colleague.id);
  });
});

describe('closing with "tell the customer": preview, then send once', () => {
  it('the preview is the email the close sends: same subject and text, in the customer\'s language, and sends nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    const { task, contactId, email } = await detractorTask(manager);
    await manager.patch(`/api/contacts/${contactId}`, { language: 'es' });
    const resolution = 'Hemos cambiado el proceso de facturación.';
    const preview = await manager.post(`/api/tasks/${task.id}/close-preview`, { resolution });
    expect(preview.status).toBe(200);
    expect(preview.body.notice).toBe('would_send');
    expect(preview.body.email).toMatchObject({ to: email, replyTo: manager.user.email, language: 'es' });
    expect(preview.body.email.subject).toMatch(/^Lo que hicimos con su opinión/);
    expect(preview.body.email.text).toContain('> Invoices arrive late');
    expect(preview.body.email.text).toContain(resolution);
    expect(await loopEmails(task.id)).toHaveLength(0);
    expect((await manager.get(`/api/tasks/${task.id}`)).body.status).toBe('open');

    // A double click: two closes at once, one email.
    const [a, b] = await Promise.all([
      manager.post(`/api/tasks/${task.id}/close`, { resolution, notifyContact: true }),
      manager.post(`/api/tasks/${task.id}/close`, { resolution, notifyContact: true }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await ctx.runJobs();
    const sent = await loopEmails(task.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ subject: preview.body.email.subject, text: preview.body.email.text, html: preview.body.email.html });
    expect((await manager.get(`/api/tasks/${task.id}/context`)).body.customerEmailed).toBe(true);
    // Closed: no more previews.
    expect((await manager.post(`/api/tasks/${task.id}/close-preview`, { resolution })).status).toBe(409);
  });

  it('the manager finds the email in their email log (and another manager does not)', async () => {
    const manager = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const { task, email } = await detractorTask(manager);
    await manager.post(`/api/tasks/${task.id}/close`, { resolution: 'Fixed the invoices', notifyContact: true });
    await ctx.runJobs();
    const [sent] = await loopEmails(task.id);
    const mine = await manager.get(`/api/messages?to=${encodeURIComponent(email)}&pageSize=100`);
    expect(mine.body.data.map((m: any) => m.id)).toContain(sent!.id);
    expect((await manager.get(`/api/messages/${sent!.id}`)).status).toBe(200);
    expect((await manager.get('/outbox')).text).toContain(email);
    expect((await other.get(`/api/messages/${sent!.id}`)).status).toBe(404);
    expect((await other.get('/outbox')).text).not.toContain(email);
  });

  it('says when the customer cannot be told', async () => {
    const manager = await ctx.signIn('account_manager');
    const { task, contactId } = await detractorTask(manager);
    const { contacts } = await import('../../src/server/db/schema/index.js');
    await ctx.database.db.update(contacts).set({ unsubscribed: true }).where(eq(contacts.id, contactId));
    const preview = await manager.post(`/api/tasks/${task.id}/close-preview`, { resolution: 'Done' });
    expect(preview.body).toEqual({ notice: 'contact_unsubscribed', email: null });
  });

  it('bad input → 400, another manager → 404, an executive → 403; nothing written', async () => {
    const manager = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const executive = await ctx.signIn('executive');
    const { task } = await detractorTask(manager);
    for (const body of [{}, { resolution: '   ' }, { resolution: 'ok', notifyContact: true }]) {
      const res = await manager.post(`/api/tasks/${task.id}/close-preview`, body);
      expect(res.status).toBe(400);
    }
    expect((await other.post(`/api/tasks/${task.id}/close-preview`, { resolution: 'x' })).status).toBe(404);
    expect((await executive.post(`/api/tasks/${task.id}/close-preview`, { resolution: 'x' })).status).toBe(403);
    expect((await executive.post(`/api/tasks/${task.id}/close`, { resolution: 'x', notifyContact: true })).status).toBe(403);
    const after = await manager.get(`/api/tasks/${task.id}`);
    expect(after.body).toMatchObject({ status: 'open', resolution: null, firstActionAt: null });
    expect(await loopEmails(task.id)).toHaveLength(0);
  });
});
