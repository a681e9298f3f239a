import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';
import { users } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
});
afterAll(() => ctx.close());

type Manager = TestClient & { user: { id: string } };

/** A manager's account with contacts who were surveyed; answer(i, answers) answers as contact i. */
async function surveyed(manager: Manager, names: string[]) {
  const { accountId, emails } = await createAccountWithContacts(manager, names.map((name) => ({ name })));
  await sendCampaign(ctx, manager, { accountIds: [accountId] });
  const answer = async (i: number, answers: Record<string, unknown>) => {
    const mail = await emailTo(ctx, emails[i]!);
    const res = await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers, complete: true });
    expect(res.status).toBe(200);
  };
  return { accountId, answer };
}

async function seenAtOf(userId: string) {
  const [row] = await ctx.database.db.select({ seenAt: users.responsesSeenAt }).from(users).where(eq(users.id, userId));
  return row!.seenAt;
}

describe('My day: new answers since my last visit', () => {
  it('lists new answers on my accounts, detractors first with their words and their task; looking marks nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    const { answer } = await surveyed(manager, ['Ana', 'Ben', 'Cleo']);
    ctx.clock.advance(60_000);
    await answer(0, { nps: 10, reason: 'Great team' });
    ctx.clock.advance(60_000);
    await answer(1, { nps: 2, reason: 'Invoices are wrong every month' });
    ctx.clock.advance(60_000);
    await answer(2, { nps: 8 });

    const day = await manager.get('/api/me/day');
    expect(day.status).toBe(200);
    expect(day.body).toMatchObject({ seenAt: null, total: 3, detractors: 1, page: 1 });
    expect(day.body.responses.map((r: any) => [r.contactName, r.category])).toEqual([
      ['Ben', 'detractor'],
      ['Cleo', 'passive'],
      ['Ana', 'promoter'],
    ]);
    const detractor = day.body.responses[0];
    expect(detractor.words).toEqual(['Invoices are wrong every month']);
    expect(detractor.task).toMatchObject({ status: 'open' });
    const task = await manager.get(`/api/tasks/${detractor.task.id}`);
    expect(task.body.responseId).toBe(detractor.id);
    expect(day.body.responses[2].task).toBeNull(); // a promoter makes no task

    // A reload shows the same: nothing was marked seen by looking.
    expect((await manager.get('/api/me/day')).body.total).toBe(3);
    expect(await seenAtOf(manager.user.id)).toBeNull();
  });

  it('"Mark as seen" up to the moment of the list: later answers stay new, and the marker never goes back', async () => {
    const manager = await ctx.signIn('account_manager');
    const { answer } = await surveyed(manager, ['Dora', 'Emil']);
    ctx.clock.advance(60_000);
    await answer(0, { nps: 3, reason: 'Slow support' });
    const listed = (await manager.get('/api/me/day')).body;
    expect(listed.total).toBe(1);

    ctx.clock.advance(60_000);
    await answer(1, { nps: 1, reason: 'Missed deliveries' }); // arrives after the list was read
    const marked = await manager.post('/api/me/responses-seen', { upTo: listed.generatedAt });
    expect(marked.status).toBe(200);
    expect(marked.body.seenAt).toBe(listed.generatedAt);

    const after = (await manager.get('/api/me/day')).body;
    expect(after.seenAt).toBe(listed.generatedAt);
    expect(after.responses.map((r: any) => r.contactName)).toEqual(['Emil']);

    // An older page marking seen does not move the marker back.
    const older = await manager.post('/api/me/responses-seen', { upTo: '2020-01-01T00:00:00Z' });
    expect(older.body.seenAt).toBe(listed.generatedAt);

    // Without upTo: everything up to now.
    ctx.clock.advance(1000);
    expect((await manager.post('/api/me/responses-seen', {})).status).toBe(200);
    const empty = (await manager.get('/api/me/day')).body;
    expect(empty).toMatchObject({ total: 0, detractors: 0, responses: [] });
  });

  it('pages through many answers', async () => {
    const manager = await ctx.signIn('account_manager');
    const { answer } = await surveyed(manager, ['P1', 'P2', 'P3']);
    for (let i = 0; i < 3; i++) await answer(i, { nps: 5 + i });
    const first = (await manager.get('/api/me/day?pageSize=2')).body;
    const second = (await manager.get('/api/me/day?pageSize=2&page=2')).body;
    expect(first.responses).toHaveLength(2);
    expect(second.responses).toHaveLength(1);
    expect(first.total).toBe(3);
    expect(new Set([...first.responses, ...second.responses].map((r: any) => r.contactName))).toEqual(new Set(['P1', 'P2', 'P3']));
  });

  it('bad input is refused with 400 and writes nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    for (const body of [{ upTo: 'yesterday' }, { upTo: '2999-01-01T00:00:00Z' }, { seen: true }]) {
      const res = await manager.post('/api/me/responses-seen', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await manager.request('POST', '/api/me/responses-seen', { body: '{nope', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect(await seenAtOf(manager.user.id)).toBeNull();
    expect((await manager.get('/api/me/day?pageSize=1000')).status).toBe(400);
  });

  it("another manager's answers never appear; the markers are per person; executives have nothing to mark", async () => {
    const owner = await ctx.signIn('account_manager');
    const other = await ctx.signIn('account_manager');
    const executive = await ctx.signIn('executive');
    const { answer } = await surveyed(owner, ['Fay']);
    await answer(0, { nps: 0, reason: 'Terrible' });
    expect((await owner.get('/api/me/day')).body.total).toBe(1);
    expect((await other.get('/api/me/day')).body).toMatchObject({ total: 0, responses: [] });

    expect((await other.post('/api/me/responses-seen', {})).status).toBe(200);
    expect(await seenAtOf(owner.user.id)).toBeNull();
    expect((await owner.get('/api/me/day')).body.total).toBe(1);

    expect((await executive.get('/api/me/day')).body.total).toBe(0);
    const denied = await executive.post('/api/me/responses-seen', {});
    expect(denied.status).toBe(403);
    expect(await seenAtOf(executive.user.id)).toBeNull();
    expect((await ctx.anonymous().get('/api/me/day')).status).toBe(401);
  });
});
