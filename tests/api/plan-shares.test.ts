import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createTestContext, ORIGIN, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts } from '../helpers/survey-fixtures.js';
import { accountPlanActions, accountPlanChanges, auditLog, messages, planComments, planShares, tasks } from '../../src/server/db/schema/index.js';
import { hashToken } from '../../src/server/auth/tokens.js';
import { seedDemo } from '../../src/server/seed/demo.js';
import { seedDemoPlans } from '../../src/server/seed/demo-plans.js';
import { seedDemoPlanShares } from '../../src/server/seed/demo-plan-shares.js';
import { cheapDemoPassword } from '../helpers/test-password-hash.js';

/**
 * The account plan shared with the customer (issue 14, part 3): the manager marks goals and actions joint and shares
 * them with a named contact through a personal link; the contact reads the joint part only, comments, marks their own
 * side's actions done and proposes actions; the owner is told; revoked and expired links stop working.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** Distinctive internal texts, one per internal field: none of them may ever reach the customer. */
const SECRET = {
  initiatives: 'SECRET-INITIATIVES-Zebra',
  contract: 'SECRET-CONTRACT-Walrus',
  strength: 'SECRET-STRENGTH-Otter',
  weakness: 'SECRET-WEAKNESS-Badger',
  opportunity: 'SECRET-OPPORTUNITY-Lynx',
  threat: 'SECRET-THREAT-Heron',
  competitor: 'SECRET-COMPETITOR-Falcon',
  competitorNote: 'SECRET-COMPETITOR-NOTE-Ibis',
  relationshipsGoal: 'SECRET-RELATIONSHIPS-GOAL-Moose',
  internalTitle: 'SECRET-INTERNAL-ACTION-Gecko',
  internalDescription: 'SECRET-INTERNAL-DESCRIPTION-Koala',
  jointDescription: 'SECRET-JOINT-DESCRIPTION-Panda',
  salesExpected: 987_654_321,
};
const SHARED = { valueGoal: 'Halve late deliveries at the new hubs', ours: 'Monthly delivery report for their COO', theirs: 'Name a project lead for the hubs' };

/** A form post as a browser sends it (same origin). */
const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

async function setUp(language = 'es') {
  const maria = await ctx.signIn('account_manager');
  const { accountId, contactIds } = await createAccountWithContacts(maria, [{ name: 'Ana Ruiz', language }, { name: 'Bo Other' }]);
  const ana = contactIds[0]!;
  const patched = await maria.patch(`/api/accounts/${accountId}/plan`, {
    profile: { strategicInitiatives: SECRET.initiatives, contractTerms: SECRET.contract },
    intelligence: {
      strengths: [SECRET.strength],
      weaknesses: [SECRET.weakness],
      opportunities: [SECRET.opportunity],
      threats: [SECRET.threat],
      competitors: [{ name: SECRET.competitor, shareOfSpend: 41, notes: SECRET.competitorNote }],
      ourShareOfSpend: 37,
    },
    intentions: { year: 2027, salesExpected: SECRET.salesExpected, valueToAdd: SHARED.valueGoal, relationships: SECRET.relationshipsGoal, jointGoals: ['value'] },
  });
  expect(patched.status).toBe(200);
  expect(patched.body.intentions.jointGoals).toEqual(['value']);
  const add = (body: Record<string, unknown>) => maria.post(`/api/accounts/${accountId}/plan/actions`, { assigneeId: maria.user.id, dueDate: '2027-02-01', ...body });
  const internal = await add({ title: SECRET.internalTitle, description: SECRET.internalDescription });
  const ours = await add({ title: SHARED.ours, description: SECRET.jointDescription, joint: true });
  const theirs = await add({ title: SHARED.theirs, joint: true, side: 'theirs', theirOwnerContactId: ana, dueDate: '2027-03-01' });
  for (const r of [internal, ours, theirs]) expect(r.status).toBe(201);
  expect(theirs.body).toMatchObject({ joint: true, side: 'theirs', theirOwner: { id: ana, name: 'Ana Ruiz' }, proposedBy: null });
  const share = await maria.post(`/api/accounts/${accountId}/plan/shares`, { contactId: ana });
  expect(share.status).toBe(201);
  const token = new URL(share.body.url).pathname.split('/')[2]!;
  return { maria, accountId, ana, other: contactIds[1]!, share: share.body, token, actions: { internal: internal.body, ours: ours.body, theirs: theirs.body } };
}

const sharedRows = () => ctx.database.db.select().from(planShares);
const countOf = async (table: any) => (await ctx.database.db.select({ n: count() }).from(table))[0]!.n;

describe('sharing the plan with a contact', () => {
  it('the link is shown once with ≥ 128 random bits, only its SHA-256 is stored, and the list never shows it', async () => {
    const { maria, accountId, share, token, ana } = await setUp();
    expect(share.url).toBe(`${ORIGIN}/p/${token}`);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(share).toMatchObject({ contact: { id: ana, name: 'Ana Ruiz' }, state: 'active', revokedAt: null, lastViewedAt: null });
    expect(new Date(share.expiresAt).getTime() - new Date(share.createdAt).getTime()).toBe(90 * 86_400_000);
    const rows = await sharedRows();
    const row = rows.find((r) => r.id === share.id)!;
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const list = await maria.get(`/api/accounts/${accountId}/plan/shares`);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.text).not.toContain(token);
    expect(list.body.data[0]).not.toHaveProperty('url');
    // Handing out access is in the audit log, without the token.
    const entries = await ctx.database.db.select().from(auditLog).where(eq(auditLog.targetId, share.id));
    expect(entries.map((e) => e.action)).toEqual(['plan_share.created']);
    expect(JSON.stringify(entries)).not.toContain(token);
  });

  it('bad input is a clear 400 and writes nothing; another manager gets 404 on every share route', async () => {
    const { maria, accountId, share, other } = await setUp();
    const before = await countOf(planShares);
    const foreign = (await createAccountWithContacts(await ctx.signIn('account_manager'), [{ name: 'Elsewhere' }])).contactIds[0]!;
    expect((await maria.post(`/api/accounts/${accountId}/plan/shares`, { contactId: foreign })).status).toBe(400);
    expect((await maria.post(`/api/accounts/${accountId}/plan/shares`, { contactId: other, expiresInDays: 366 })).status).toBe(400);
    expect((await maria.post(`/api/accounts/${accountId}/plan/shares`, { contactId: 'nope' })).status).toBe(400);
    expect((await maria.post(`/api/accounts/${accountId}/plan/shares`, { contactId: other, token: 'x' })).status).toBe(400);
    expect(await countOf(planShares)).toBe(before);
    const stranger = await ctx.signIn('account_manager');
    expect((await stranger.post(`/api/accounts/${accountId}/plan/shares`, { contactId: other })).status).toBe(404);
    expect((await stranger.get(`/api/accounts/${accountId}/plan/shares`)).status).toBe(404);
    expect((await stranger.delete(`/api/accounts/${accountId}/plan/shares/${share.id}`)).status).toBe(404);
    expect((await stranger.get(`/api/accounts/${accountId}/plan/comments`)).status).toBe(404);
    expect(await countOf(planShares)).toBe(before);
    expect((await sharedRows()).find((r) => r.id === share.id)!.revokedAt).toBeNull();
  });
});

describe('the shared plan as the customer sees it', () => {
  it('shows the joint goals and actions only: no internal text in the page nor in its JSON', async () => {
    const { token } = await setUp('es');
    const anon = ctx.anonymous();
    const page = await anon.get(`/p/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('<html lang="es"');
    expect(page.text).toContain('Nuestro plan conjunto');
    expect(page.text).not.toContain('<script');
    for (const text of [SHARED.valueGoal, SHARED.ours, SHARED.theirs, 'Ana Ruiz']) expect(page.text).toContain(text);
    const json = await anon.get(`/p/${token}/plan.json`);
    expect(json.status).toBe(200);
    expect(json.body.goals).toEqual([{ kind: 'value', text: SHARED.valueGoal }]);
    expect(json.body.actions.map((a: any) => a.title)).toEqual([SHARED.ours, SHARED.theirs]);
    expect(json.body.actions[1]).toMatchObject({ side: 'theirs', owner: 'Ana Ruiz', status: 'open', dueDate: '2027-03-01', canMarkDone: true });
    expect(json.body.actions[0]).toMatchObject({ side: 'ours', canMarkDone: false });
    for (const body of [page.text, json.text]) {
      for (const secret of Object.values(SECRET)) expect(body).not.toContain(String(secret));
      expect(body).not.toContain('9.876.543'); // the sales goal, however formatted
      // No internal field travels, not even empty: the share of spend, the SWOT, the value figures, descriptions.
      expect(body).not.toMatch(/shareOfSpend|competitors|salesExpected|strengths|threats|description|contractTerms|grossProfit/);
    }
  });

  it('a comment reaches the owner: on the plan page, in the list, and one email to the account owner without the words', async () => {
    const { maria, accountId, token, ana, actions } = await setUp('fr');
    const anon = ctx.anonymous();
    const sent = await anon.post(`/p/${token}/comments`, undefined, form({ body: 'Could the report come on Mondays?', actionId: actions.ours.id }));
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/p/${token}?done=comment#comments`);
    const after = await anon.get(sent.headers.get('location')!);
    expect(after.text).toContain('votre commentaire a été envoyé à');
    expect(after.text).toContain('Could the report come on Mondays?');
    const comments = await maria.get(`/api/accounts/${accountId}/plan/comments`);
    expect(comments.body.data).toEqual([expect.objectContaining({ actionId: actions.ours.id, body: 'Could the report come on Mondays?', author: { kind: 'contact', name: 'Ana Ruiz' } })]);
    const toOwner = (await ctx.database.db.select().from(messages).where(eq(messages.toAddress, maria.user.email))).filter((m) => m.purpose === 'plan_comment');
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]!.subject).toContain('Ana Ruiz commented on the shared plan');
    expect(toOwner[0]!.text).toContain(`/accounts/${accountId}/plan`);
    expect(toOwner[0]!.text).not.toContain('Mondays');
    // The sender takes it like any notification.
    await ctx.runJobs();
    const [delivered] = await ctx.database.db.select().from(messages).where(eq(messages.id, toOwner[0]!.id));
    expect(delivered!.status).toBe('sent');
    const [stored] = await ctx.database.db.select().from(planComments).where(eq(planComments.contactId, ana));
    expect(stored).toMatchObject({ shareId: expect.any(String), userId: null });

    // The manager replies; the customer sees it.
    const reply = await maria.post(`/api/accounts/${accountId}/plan/comments`, { body: 'Yes, from next week.', actionId: actions.ours.id });
    expect(reply.status).toBe(201);
    expect((await anon.get(`/p/${token}`)).text).toContain('Yes, from next week.');
    // Not on an internal action.
    expect((await maria.post(`/api/accounts/${accountId}/plan/comments`, { body: 'x', actionId: actions.internal.id })).status).toBe(400);
  });

  it('an empty comment or one on an internal action is refused and writes nothing', async () => {
    const { token, actions } = await setUp();
    const before = await countOf(planComments);
    const empty = await ctx.anonymous().post(`/p/${token}/comments`, undefined, form({ body: '   ' }));
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Escriba un comentario');
    const hidden = await ctx.anonymous().post(`/p/${token}/comments`, undefined, form({ body: 'Hi', actionId: actions.internal.id }));
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain(SECRET.internalTitle);
    expect(await countOf(planComments)).toBe(before);
  });

  it('the contact marks their own side’s action done; ours is refused (409) and stays open', async () => {
    const { maria, accountId, token, actions } = await setUp();
    const anon = ctx.anonymous();
    const refused = await anon.post(`/p/${token}/actions/${actions.ours.id}/done`, undefined, form({}));
    expect(refused.status).toBe(409);
    const internal = await anon.post(`/p/${token}/actions/${actions.internal.id}/done`, undefined, form({}));
    expect(internal.status).toBe(404);
    ctx.clock.advance(60_000); // the history is ordered by time
    const done = await anon.post(`/p/${token}/actions/${actions.theirs.id}/done`, undefined, form({}));
    expect(done.status).toBe(303);
    const plan = await maria.get(`/api/accounts/${accountId}/plan`);
    const status = (id: string) => plan.body.implementation.actions.find((a: any) => a.id === id).status;
    expect([status(actions.ours.id), status(actions.internal.id), status(actions.theirs.id)]).toEqual(['open', 'open', 'done']);
    const history = await maria.get(`/api/accounts/${accountId}/plan/history`);
    expect(history.body.data[0]).toMatchObject({ summary: `Marked done on the shared plan by Ana Ruiz: ${SHARED.theirs}`, changedBy: { name: 'Ana Ruiz (customer)' } });
    // Twice is harmless.
    expect((await anon.post(`/p/${token}/actions/${actions.theirs.id}/done`, undefined, form({}))).status).toBe(303);
  });

  it('a proposal becomes a joint action on their side, a task for the owner, a history line by the contact, and one email', async () => {
    const { maria, accountId, token, ana } = await setUp();
    const sent = await ctx.anonymous().post(`/p/${token}/proposals`, undefined, form({ title: 'Visit our Lyon hub together', dueDate: '2027-04-15' }));
    expect(sent.status).toBe(303);
    const plan = await maria.get(`/api/accounts/${accountId}/plan`);
    const proposed = plan.body.implementation.actions.find((a: any) => a.title === 'Visit our Lyon hub together');
    expect(proposed).toMatchObject({ joint: true, side: 'theirs', assignee: { id: maria.user.id }, theirOwner: { id: ana }, proposedBy: { id: ana, name: 'Ana Ruiz' }, status: 'open' });
    expect(proposed.dueAt.slice(0, 10)).toBe('2027-04-15');
    const mine = await maria.get('/api/tasks?assignee=me');
    expect(mine.body.data.some((t: any) => t.id === proposed.taskId)).toBe(true);
    const [change] = await ctx.database.db.select().from(accountPlanChanges).where(eq(accountPlanChanges.changedByContactId, ana));
    expect(change).toMatchObject({ changedBy: null, summary: 'Proposed on the shared plan by Ana Ruiz: Visit our Lyon hub together' });
    const toOwner = (await ctx.database.db.select().from(messages).where(eq(messages.toAddress, maria.user.email))).filter((m) => m.purpose === 'plan_proposal');
    expect(toOwner).toHaveLength(1);
    // A bad date is refused and writes nothing.
    const before = await countOf(tasks);
    expect((await ctx.anonymous().post(`/p/${token}/proposals`, undefined, form({ title: 'X', dueDate: 'soon' }))).status).toBe(422);
    expect((await ctx.anonymous().post(`/p/${token}/proposals`, undefined, form({ title: '' }))).status).toBe(422);
    expect(await countOf(tasks)).toBe(before);
  });

  it('a cross-site form post is refused', async () => {
    const { token } = await setUp();
    const before = await countOf(planComments);
    const evil = await ctx.anonymous().post(`/p/${token}/comments`, undefined, { ...form({ body: 'hi' }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(await countOf(planComments)).toBe(before);
  });

  it('opening the page records when it was last viewed; the partnership signal shows the evidence', async () => {
    const { maria, accountId, token, share } = await setUp();
    await ctx.anonymous().get(`/p/${token}`);
    const viewedAt = ctx.clock.now().toISOString();
    ctx.clock.advance(3 * 86_400_000);
    const list = await maria.get(`/api/accounts/${accountId}/plan/shares`);
    expect(list.body.data.find((s: any) => s.id === share.id).lastViewedAt).toBe(viewedAt);
    const partnership = await maria.get(`/api/accounts/${accountId}/partnership`);
    expect(partnership.body.jointPlan).toMatchObject({ jointGoals: 1, jointActions: 2, sharedWith: [{ name: 'Ana Ruiz', lastViewedAt: viewedAt }] });
    expect(partnership.body.jointPlan.summary).toBe('1 joint goal and 2 joint actions shared with Ana Ruiz (last viewed 3 days ago).');
  });
});

describe('links that stop working', () => {
  it('a revoked link answers 410 in the contact’s language, page and JSON, and writes nothing; revoking twice is fine', async () => {
    const { maria, accountId, share, token, actions } = await setUp('de');
    expect((await maria.delete(`/api/accounts/${accountId}/plan/shares/${share.id}`)).status).toBe(204);
    expect((await maria.delete(`/api/accounts/${accountId}/plan/shares/${share.id}`)).status).toBe(204);
    const listed = (await maria.get(`/api/accounts/${accountId}/plan/shares`)).body.data[0];
    expect(listed).toMatchObject({ state: 'revoked', revokedAt: expect.any(String) });
    const entries = await ctx.database.db.select().from(auditLog).where(eq(auditLog.targetId, share.id));
    expect(entries.map((e) => e.action).sort()).toEqual(['plan_share.created', 'plan_share.revoked']);
    const anon = ctx.anonymous();
    const page = await anon.get(`/p/${token}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('Dieser Link zum Plan funktioniert nicht mehr');
    expect(page.text).not.toContain(SHARED.valueGoal);
    expect((await anon.get(`/p/${token}/plan.json`)).status).toBe(404);
    const before = { comments: await countOf(planComments), tasks: await countOf(tasks), actions: await countOf(accountPlanActions) };
    expect((await anon.post(`/p/${token}/comments`, undefined, form({ body: 'late' }))).status).toBe(410);
    expect((await anon.post(`/p/${token}/proposals`, undefined, form({ title: 'late' }))).status).toBe(410);
    expect((await anon.post(`/p/${token}/actions/${actions.theirs.id}/done`, undefined, form({}))).status).toBe(410);
    expect({ comments: await countOf(planComments), tasks: await countOf(tasks), actions: await countOf(accountPlanActions) }).toEqual(before);
    expect((await sharedRows()).find((r) => r.id === share.id)!.lastViewedAt).toBeNull();
  });

  it('an expired link stops working at its expiry (fake clock); an unknown one is a 404', async () => {
    const { maria, accountId, ana } = await setUp();
    const short = await maria.post(`/api/accounts/${accountId}/plan/shares`, { contactId: ana, expiresInDays: 1 });
    const token = new URL(short.body.url).pathname.split('/')[2]!;
    expect((await ctx.anonymous().get(`/p/${token}`)).status).toBe(200);
    ctx.clock.advance(86_400_000);
    expect((await ctx.anonymous().get(`/p/${token}`)).status).toBe(410);
    expect((await ctx.anonymous().get(`/p/${token}/plan.json`)).status).toBe(404);
    expect((await maria.get(`/api/accounts/${accountId}/plan/shares`)).body.data.find((s: any) => s.id === short.body.id).state).toBe('expired');
    const unknown = await ctx.anonymous().get(`/p/${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
  });

  it('erasing the contact revokes their links, redacts their comments and keeps them in their export before', async () => {
    const { maria, token, ana } = await setUp();
    await ctx.anonymous().post(`/p/${token}/comments`, undefined, form({ body: 'My private remark about Bob' }));
    const admin = await ctx.signIn('admin');
    const exported = await maria.get(`/api/contacts/${ana}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.sharedPlan.comments.map((c: any) => c.body)).toEqual(['My private remark about Bob']);
    expect(exported.body.sharedPlan.links).toHaveLength(1);
    expect((await admin.post(`/api/contacts/${ana}/erase`)).status).toBe(200);
    const [comment] = await ctx.database.db.select().from(planComments).where(eq(planComments.contactId, ana));
    expect(comment!.body).toBe('[erased]');
    expect((await ctx.anonymous().get(`/p/${token}`)).status).toBe(410);
  });

  it('erasing the contact also takes the words of the actions they proposed out of the task and the plan history', async () => {
    const { maria, accountId, token, ana } = await setUp();
    expect((await ctx.anonymous().post(`/p/${token}/proposals`, undefined, form({ title: 'Audit our Lyon warehouse' }))).status).toBe(303);
    const admin = await ctx.signIn('admin');
    expect((await admin.post(`/api/contacts/${ana}/erase`)).status).toBe(200);
    const [action] = await ctx.database.db.select().from(accountPlanActions).where(eq(accountPlanActions.proposedByContactId, ana));
    const [task] = await ctx.database.db.select().from(tasks).where(eq(tasks.id, action!.taskId));
    expect(task!.title).toBe('[erased]');
    const history = JSON.stringify(await ctx.database.db.select().from(accountPlanChanges).where(eq(accountPlanChanges.changedByContactId, ana)));
    expect(history).not.toContain('Lyon');
    expect(history).not.toContain('Ana Ruiz');
    expect(JSON.stringify((await maria.get(`/api/accounts/${accountId}/plan`)).body)).not.toContain('Lyon warehouse');
  });
});

describe('double clicks and floods', () => {
  it('the same comment or proposal sent twice (a double click) is written once, with one email', async () => {
    const { maria, accountId, token, ana } = await setUp();
    const anon = ctx.anonymous();
    const twice = await Promise.all([1, 2].map(() => anon.post(`/p/${token}/comments`, undefined, form({ body: 'Same words, twice' }))));
    expect(twice.map((r) => r.status)).toEqual([303, 303]);
    expect(await ctx.database.db.select().from(planComments).where(eq(planComments.contactId, ana))).toHaveLength(1);
    for (let i = 0; i < 2; i++) expect((await anon.post(`/p/${token}/proposals`, undefined, form({ title: 'Joint kick-off in May' }))).status).toBe(303);
    const plan = await maria.get(`/api/accounts/${accountId}/plan`);
    expect(plan.body.implementation.actions.filter((a: any) => a.title === 'Joint kick-off in May')).toHaveLength(1);
    const toOwner = (await ctx.database.db.select().from(messages).where(eq(messages.toAddress, maria.user.email))).filter((m) => m.purpose?.startsWith('plan_'));
    expect(toOwner).toHaveLength(2);
    // Later, the same words are a new comment.
    ctx.clock.advance(11 * 60_000);
    expect((await anon.post(`/p/${token}/comments`, undefined, form({ body: 'Same words, twice' }))).status).toBe(303);
    expect(await ctx.database.db.select().from(planComments).where(eq(planComments.contactId, ana))).toHaveLength(2);
  });

  it('a link writes at most 30 comments and proposals a day: the next is a 429 in their language and writes nothing', async () => {
    const { maria, token, ana } = await setUp('de');
    const anon = ctx.anonymous();
    for (let i = 1; i <= 29; i++) expect((await anon.post(`/p/${token}/comments`, undefined, form({ body: `Comment ${i}` }))).status).toBe(303);
    expect((await anon.post(`/p/${token}/proposals`, undefined, form({ title: 'The thirtieth write' }))).status).toBe(303);
    const emails = async () => (await ctx.database.db.select().from(messages).where(eq(messages.toAddress, maria.user.email))).length;
    const before = { comments: await countOf(planComments), tasks: await countOf(tasks), emails: await emails() };
    const refused = await anon.post(`/p/${token}/comments`, undefined, form({ body: 'One too many' }));
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Sie haben heute hier schon viel geschrieben');
    expect(refused.text).toContain('One too many'); // their words stay in the form
    expect((await anon.post(`/p/${token}/proposals`, undefined, form({ title: 'Also too many' }))).status).toBe(429);
    expect({ comments: await countOf(planComments), tasks: await countOf(tasks), emails: await emails() }).toEqual(before);
    // A day later they may write again.
    ctx.clock.advance(24 * 3_600_000 + 1000);
    expect((await anon.post(`/p/${token}/comments`, undefined, form({ body: 'Next day' }))).status).toBe(303);
    expect(await ctx.database.db.select().from(planComments).where(eq(planComments.contactId, ana))).toHaveLength(30);
  });
});

describe('marking actions joint', () => {
  it('PATCH an action: joint, side and their owner, recorded in the history; their owner must be a contact of the account', async () => {
    const { maria, accountId, actions, ana, other } = await setUp();
    const url = `/api/accounts/${accountId}/plan/actions/${actions.internal.id}`;
    const foreign = (await createAccountWithContacts(await ctx.signIn('account_manager'), [{ name: 'Elsewhere' }])).contactIds[0]!;
    expect((await maria.patch(url, { side: 'theirs', theirOwnerContactId: foreign })).status).toBe(400);
    expect((await maria.patch(url, { theirOwnerContactId: ana })).status).toBe(400); // ours has no owner of theirs
    expect((await maria.patch(url, {})).status).toBe(400);
    ctx.clock.advance(60_000); // the history is ordered by time
    const changed = await maria.patch(url, { joint: true, side: 'theirs', theirOwnerContactId: other });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ joint: true, side: 'theirs', theirOwner: { id: other } });
    ctx.clock.advance(60_000);
    const back = await maria.patch(url, { side: 'ours', joint: false });
    expect(back.body).toMatchObject({ joint: false, side: 'ours', theirOwner: null });
    const history = await maria.get(`/api/accounts/${accountId}/plan/history`);
    expect(history.body.data[0].summary).toBe(`Action no longer shared, on our side: ${SECRET.internalTitle}`);
    const stranger = await ctx.signIn('account_manager');
    expect((await stranger.patch(url, { joint: true })).status).toBe(404);
  });
});

describe('the demo', () => {
  it('shares Northwind Logistics’ plan with its customer, with their comments and a proposal; seeding again adds nothing', async () => {
    const demo = await createTestContext();
    try {
      await seedDemo(demo.deps.db, demo.clock, () => {}, cheapDemoPassword());
      await seedDemoPlans(demo.deps.db, demo.clock);
      expect(await seedDemoPlanShares(demo.deps.db, demo.clock)).toBe(1);
      expect(await seedDemoPlanShares(demo.deps.db, demo.clock)).toBe(0);
      const maria = await demo.signInDemo('maria.manager@keypulse.demo');
      const account = (await maria.get('/api/accounts?q=Northwind')).body.data[0];
      const shares = (await maria.get(`/api/accounts/${account.id}/plan/shares`)).body.data;
      expect(shares).toHaveLength(1);
      expect(shares[0]).toMatchObject({ state: 'active', lastViewedAt: expect.any(String) });
      const comments = (await maria.get(`/api/accounts/${account.id}/plan/comments`)).body.data;
      expect(comments.map((c: any) => c.author.kind)).toEqual(['contact', 'user', 'contact']);
      const plan = (await maria.get(`/api/accounts/${account.id}/plan`)).body;
      expect(plan.intentions.jointGoals).toEqual(['value', 'relationships']);
      expect(plan.implementation.actions.filter((a: any) => a.joint)).toHaveLength(3);
      expect(plan.implementation.actions.filter((a: any) => a.proposedBy)).toHaveLength(1);
      const evidence = (await maria.get(`/api/accounts/${account.id}/partnership`)).body.jointPlan;
      expect(evidence.summary).toMatch(/^2 joint goals and 3 joint actions shared with .+ \(last viewed 3 days ago\); 2 comments from the customer\.$/);
    } finally {
      await demo.close();
    }
  }, 60_000);
});
